/**
 * The score of one attribute over time, hour by hour, as the simulation chart draws it: the curve
 * restarts at every true-positive sighting, as MISP's decaying tool replays it.
 */
import { computeBaseScore, type BaseScoreResult } from "./base-score.js";
import { formulas as builtinFormulas, type FormulaRegistry } from "./formulas/registry.js";
import { toNumber } from "./numeric.js";
import { lastSeenSeconds, parseTimestamp } from "./reference-time.js";
import { scoreAttribute, type AttributeScore } from "./score.js";
import { unwrapSighting, type AttributeInput, type ModelInput, type SightingInput } from "./types.js";

const HOUR = 3600;
const DEFAULT_HORIZON_SECONDS = 30 * 86_400;
/** Beyond this many points the step grows past an hour, so a chart never gets unbounded. */
export const MAX_SIMULATION_POINTS = 20_000;

export interface SimulatedSighting {
  date_sighting: number;
  rounded_timestamp: number;
  type: number;
  /** True for the points the replay adds: none visible, or a modification after the last one. */
  synthetic: boolean;
  source?: SightingInput;
}

export interface SimulationPoint {
  /** Unix seconds, on the hour. */
  time: number;
  score: number;
  decayed: boolean;
}

export interface Simulation {
  points: SimulationPoint[];
  stepSeconds: number;
  /** The true-positive sightings the curve restarts at, ascending. */
  sightings: SimulatedSighting[];
  baseScore: BaseScoreResult;
  lastSighting: SimulatedSighting;
  current: AttributeScore & { referenceTime: number };
}

const floorHour = (t: number) => Math.floor(t / HOUR) * HOUR;

/**
 * Replays an attribute's score from its first sighting (or modification) until its last restart
 * has run out its lifetime. Points are hourly (wider steps when there would be more than
 * MAX_SIMULATION_POINTS). Three deliberate fixes over MISP: before the first sighting the curve
 * counts from `last_seen` or the modification time (MISP draws 0); a modification after the last
 * sighting restarts the curve at `last_seen`, else at the modification time (MISP uses "now"); and
 * formulas that need sightings see exactly the sightings dated up to each point.
 */
export function scoreOverTime(model: ModelInput, attribute: AttributeInput, options: { now: number; formulas?: FormulaRegistry }): Simulation {
  const formula = (options.formulas ?? builtinFormulas).get(model.formula);
  const modified = parseTimestamp(attribute.timestamp, "timestamp");
  const lastSeen = lastSeenSeconds(attribute);
  const anchor = lastSeen ?? modified;

  const all = (attribute.Sighting ?? [])
    .map(unwrapSighting)
    .filter((s) => s.date_sighting !== undefined)
    .map((s) => ({ date: parseTimestamp(s.date_sighting!, "Sighting.date_sighting"), type: toNumber(s.type) ?? -1, source: s }))
    .sort((a, b) => a.date - b.date);

  const restarts: SimulatedSighting[] = all
    .filter((s) => s.type === 0)
    .map((s) => ({ date_sighting: s.date, rounded_timestamp: floorHour(s.date), type: 0, synthetic: false, source: s.source }));
  // Before its first sighting an attribute decays from last_seen (or its modification); MISP's
  // replay draws 0 there instead.
  if (restarts.length === 0 || anchor < restarts[0]!.date_sighting) {
    restarts.unshift({ date_sighting: anchor, rounded_timestamp: floorHour(anchor), type: 0, synthetic: true });
  }
  if (modified > restarts[restarts.length - 1]!.date_sighting) {
    restarts.push({ date_sighting: anchor, rounded_timestamp: floorHour(anchor), type: 0, synthetic: true });
  }
  const last = restarts[restarts.length - 1]!;

  const lifetime = toNumber(model.parameters.lifetime);
  const horizon = lifetime !== undefined && lifetime > 0 ? lifetime * 24 * 60 * 60 : DEFAULT_HORIZON_SECONDS;
  const start = floorHour(Math.min(restarts[0]!.date_sighting, anchor));
  const end = floorHour(last.date_sighting + horizon);
  const span = Math.max(0, end - start);
  const stepSeconds = Math.max(HOUR, Math.ceil(span / MAX_SIMULATION_POINTS / HOUR) * HOUR);

  const baseScore = computeBaseScore(model, attribute);
  const points: SimulationPoint[] = [];
  let idx = 0;
  let seen = 0;
  for (let h = start; h < end; h += stepSeconds) {
    while (idx + 1 < restarts.length && restarts[idx + 1]!.date_sighting <= h + HOUR) idx++;
    while (seen < all.length && all[seen]!.date <= h + HOUR) seen++;
    const subject = formula.requiresSightings ? { ...attribute, Sighting: all.slice(0, seen).map((s) => s.source) } : attribute;
    const score = formula.computeScore(model, subject, baseScore.baseScore, h - restarts[idx]!.rounded_timestamp, { now: h });
    points.push({ time: h, score, decayed: formula.isDecayed(model, subject, score) });
  }

  const current = scoreAttribute(model, attribute, {
    now: options.now,
    formulas: options.formulas ?? builtinFormulas,
    baseScore: baseScore.baseScore,
    lastSighting: last.synthetic ? null : last.date_sighting,
  });
  return {
    points,
    stepSeconds,
    sightings: restarts,
    baseScore,
    lastSighting: last,
    current: { score: current.score, base_score: current.base_score, decayed: current.decayed, referenceTime: current.referenceTime },
  };
}
