/**
 * decayingToolComputeSimulation: one attribute's score over time under one model (with
 * overrides), built on the core's replay (core/simulation.ts), never on a copy of the formula.
 */
import type { Principal } from "../core/domain.js";
import { HalflifeError } from "../core/errors.js";
import { scoreOverTime, type Simulation } from "../core/simulation.js";
import type { AttributeInput } from "../core/types.js";
import { viewerOf, type AppContext } from "./context.js";
import { findAttributeIn } from "./attributes.js";
import { findModelIn, viewsOfModels, type ModelView } from "./decaying-models.js";
import type { DecayRequest } from "./decay-scores.js";

export interface SimulationResult {
  model: ModelView;
  parameters: Record<string, unknown>;
  simulation: Simulation;
}

export async function simulate(
  context: AppContext,
  principal: Principal,
  modelReference: string,
  attributeReference: string,
  overrides: DecayRequest["overrides"],
): Promise<SimulationResult> {
  const model = await findModelIn(context.store, principal, modelReference);
  const { attribute, event } = await findAttributeIn(context.store, context, principal, attributeReference, { includeDeleted: true });
  const viewer = viewerOf(context, principal);
  const [attributeTags, eventTags, sightings] = await Promise.all([
    context.store.attributes.tags([attribute.id]),
    context.store.events.tags([event.id]),
    context.store.sightings.forAttributes([attribute.id], viewer),
  ]);
  const tag = (l: { tag: { name: string; numerical_value: number | null } }) => ({ Tag: { name: l.tag.name, numerical_value: l.tag.numerical_value } });
  const input: AttributeInput = {
    timestamp: attribute.timestamp,
    last_seen: attribute.last_seen === null ? null : Math.floor(attribute.last_seen / 1_000_000),
    EventTag: (eventTags.get(event.id) ?? []).map(tag),
    AttributeTag: (attributeTags.get(attribute.id) ?? []).map(tag),
    Sighting: (sightings.get(attribute.id) ?? []).map((s) => ({ type: s.type, date_sighting: s.date_sighting, org_id: s.org_id, id: s.id })),
  };
  const parameters = { ...model.parameters, ...overrides };
  let simulation: Simulation;
  try {
    simulation = scoreOverTime({ formula: model.formula, parameters }, input, { now: context.now(), formulas: context.formulas });
  } catch (error) {
    // A plug-in formula that fails for these parameters refuses this simulation only.
    if (error instanceof HalflifeError) throw error;
    throw new HalflifeError("INVALID_MODEL", `formula ${model.formula} failed: ${error instanceof Error ? error.message.slice(0, 200) : String(error).slice(0, 200)}`, { field: "formula" });
  }
  return { model: (await viewsOfModels(context.store, principal, [model]))[0]!, parameters, simulation };
}
