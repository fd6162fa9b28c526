/** The score of one attribute over time under one model, from the server's simulation. */
import { get } from "./client.js";
import type { Tag } from "./events.js";

export interface SimulationPoint {
  time: number;
  score: number;
  decayed: boolean;
}

export interface SimulationSighting {
  date_sighting: number;
  type?: number;
  synthetic?: boolean;
  Organisation?: { name?: string };
  org_id?: string | number;
}

export interface BaseScoreSteps {
  base_score: number;
  default_base_score?: number;
  taxonomy_effective_ratios: Record<string, number>;
  tags: Array<{ Tag: Tag } | Tag>;
  overridden?: Array<{ EventTag: { Tag: Tag } | null; AttributeTag: { Tag: Tag } }>;
}

export interface SimulationAnswer {
  points: SimulationPoint[];
  sightings: SimulationSighting[];
  base_score_config: BaseScoreSteps;
  current_score: number;
  threshold: number;
  /** The latest real true-positive sighting (not one the replay added), if any. */
  lastSighting: SimulationSighting | null;
}

function asNumber(value: unknown, fallback = 0): number {
  const n = typeof value === "number" ? value : Number(value);
  return Number.isFinite(n) ? n : fallback;
}

export async function simulate(modelId: string, attributeId: string, overrides: Record<string, number>): Promise<SimulationAnswer> {
  let path = `/decayingModel/decayingToolComputeSimulation/${encodeURIComponent(modelId)}/${encodeURIComponent(attributeId)}`;
  if (Object.keys(overrides).length) path += `/modelOverride:${encodeURIComponent(JSON.stringify(overrides))}`;
  const raw = await get<Record<string, unknown>>(path);
  const model = (raw.Model ?? {}) as { DecayingModel?: { parameters?: { threshold?: unknown } }; parameters?: { threshold?: unknown } };
  const parameters = model.DecayingModel?.parameters ?? model.parameters ?? {};
  const current = raw.current_score;
  const sightings = ((raw.sightings ?? []) as SimulationSighting[]).map((s) => ({ ...s, date_sighting: asNumber(s.date_sighting) }));
  const real = sightings.filter((s) => !s.synthetic);
  return {
    points: ((raw.points ?? []) as SimulationPoint[]).map((p) => ({ time: asNumber(p.time), score: asNumber(p.score), decayed: Boolean(p.decayed) })),
    sightings,
    base_score_config: (raw.base_score_config ?? { base_score: 0, taxonomy_effective_ratios: {}, tags: [] }) as BaseScoreSteps,
    current_score: asNumber(typeof current === "object" && current !== null ? (current as { score?: unknown }).score : current),
    threshold: asNumber(raw.threshold ?? overrides.threshold ?? parameters.threshold),
    lastSighting: real.at(-1) ?? null,
  };
}
