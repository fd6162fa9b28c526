/** Decaying models in MISP's JSON shapes. */
import type { DecayingModelRecord } from "../core/domain.js";
import type { Simulation } from "../core/simulation.js";

export interface PresentableModel {
  model: DecayingModelRecord;
  types: string[];
  mappings: Array<{ id: number; attribute_type: string }>;
  editable: boolean;
}

/** The DecayingModel object, with `attribute_types` resolved (as view and index show it). */
export function modelFields(view: PresentableModel, options: { types?: "resolved" | "column" } = {}): Record<string, unknown> {
  const m = view.model;
  return {
    id: String(m.id),
    uuid: m.uuid,
    name: m.name,
    parameters: m.parameters,
    attribute_types: options.types === "column" ? m.attribute_types : view.types,
    description: m.description,
    org_id: String(m.org_id),
    enabled: m.enabled,
    all_orgs: m.all_orgs,
    ref: m.ref,
    formula: m.formula,
    version: m.version,
    default: m.default,
    isEditable: view.editable,
  };
}

export function presentModel(view: PresentableModel): Record<string, unknown> {
  return {
    DecayingModel: modelFields(view),
    DecayingModelMapping: view.mappings.map((row) => ({ id: String(row.id), attribute_type: row.attribute_type, model_id: String(view.model.id) })),
  };
}

const pad = (n: number) => String(n).padStart(2, "0");
function dateTime(seconds: number): string {
  const d = new Date(seconds * 1000);
  return `${d.getUTCFullYear()}-${pad(d.getUTCMonth() + 1)}-${pad(d.getUTCDate())} ${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}:${pad(d.getUTCSeconds())}`;
}

/** decayingToolComputeSimulation's answer: MISP's fields, plus `points` for charts that want JSON. */
export function presentSimulation(simulation: Simulation, model: Record<string, unknown>, threshold: number): Record<string, unknown> {
  const { baseScore } = simulation;
  return {
    csv: `date,value\n${simulation.points.map((p) => `${dateTime(p.time)},${p.score}`).join("\n")}`,
    sightings: simulation.sightings.map((s) => ({
      ...(s.source ?? {}),
      date_sighting: String(s.date_sighting),
      type: String(s.type),
      rounded_timestamp: s.rounded_timestamp,
      synthetic: s.synthetic,
    })),
    base_score_config: {
      base_score: baseScore.baseScore,
      overridden: baseScore.overridden,
      tags: baseScore.tags,
      taxonomy_effective_ratios: baseScore.effectiveRatios,
      default_base_score: (model.parameters as { default_base_score?: number } | undefined)?.default_base_score ?? 0,
    },
    last_sighting: { date_sighting: String(simulation.lastSighting.date_sighting), rounded_timestamp: simulation.lastSighting.rounded_timestamp },
    current_score: simulation.current.score,
    current: simulation.current,
    threshold,
    step_seconds: simulation.stepSeconds,
    points: simulation.points,
    Model: model,
  };
}
