/**
 * Scoring an attribute end to end: base score, reference time, formula, verdict. This is what
 * restSearch, the event view, the decay index and the `score` command all call.
 */
import { computeBaseScore, type BaseScoreResult } from "./base-score.js";
import type { Formula } from "./formulas/formula.js";
import { formulas as builtinFormulas, type FormulaRegistry } from "./formulas/registry.js";
import { computeReferenceTime, lastTruePositive, parseTimestamp } from "./reference-time.js";
import type { AttributeInput, ModelInput, TagLink } from "./types.js";

/** One entry of MISP's `decay_score` list, without the model stub. */
export interface AttributeScore {
  score: number;
  base_score: number;
  decayed: boolean;
}

export interface ScoreOptions {
  /** Unix seconds. */
  now: number;
  formulas?: FormulaRegistry;
  /** The newest visible type-0 sighting; by default taken from `attribute.Sighting`. */
  lastSighting?: number | null;
  /** A base score already computed for this model and attribute. */
  baseScore?: number;
}

export interface DetailedScore extends AttributeScore {
  referenceTime: number;
  elapsedSeconds: number;
}

/**
 * Scores an attribute with a model at a given time.
 *
 * @example
 * scoreAttribute(nidsModel, { timestamp: now - 30 * 86400, last_seen: null }, { now })
 * // → { score: 40, base_score: 80, decayed: false, referenceTime: now - 2592000, elapsedSeconds: 2592000 }
 */
export function scoreAttribute(model: ModelInput, attribute: AttributeInput, options: ScoreOptions): DetailedScore {
  const formula = (options.formulas ?? builtinFormulas).get(model.formula);
  const baseScore = options.baseScore ?? computeBaseScore(model, attribute).baseScore;
  const lastSighting = options.lastSighting === undefined ? lastTruePositive(attribute.Sighting) : options.lastSighting;
  const referenceTime = computeReferenceTime(attribute, lastSighting);
  const elapsedSeconds = options.now - referenceTime;
  const score = formula.computeScore(model, attribute, baseScore, elapsedSeconds, { now: options.now });
  return { score, base_score: baseScore, decayed: formula.isDecayed(model, attribute, score), referenceTime, elapsedSeconds };
}

/**
 * When an attribute is fresh: `from ≤ now < until`, both in Unix seconds (±Infinity when open).
 * Built on the formula's decaysAt; null when the formula has no closed form. The decay index stores
 * these two numbers, which turns "not decayed" into a range condition.
 */
export function freshWindow(
  formula: Formula,
  model: ModelInput,
  attribute: AttributeInput,
  baseScore: number,
  referenceTime: number,
): { from: number; until: number } | null {
  if (!formula.decaysAt) return null;
  const until = formula.decaysAt(model, attribute, baseScore, { referenceTime });
  // Before the reference time (a last_seen in the future), MISP scores 0 with a negative elapsed time.
  const before = formula.computeScore(model, attribute, baseScore, -1, { now: referenceTime - 1 });
  const from = formula.isDecayed(model, attribute, before) ? referenceTime : -Infinity;
  return { from, until };
}

/**
 * An event's own score (MISP's `includeScoresOnEvent`): its tags only, counted from its publication.
 *
 * @example scoreEvent(nidsModel, { Tag: [], publish_timestamp: now - 30 * 86400 }, { now }).score === 40
 */
export function scoreEvent(
  model: ModelInput,
  event: { Tag?: readonly TagLink[]; EventTag?: readonly TagLink[]; publish_timestamp: number | string },
  options: { now: number; formulas?: FormulaRegistry },
): AttributeScore {
  const formula = (options.formulas ?? builtinFormulas).get(model.formula);
  const published = parseTimestamp(event.publish_timestamp, "publish_timestamp");
  const subject: AttributeInput = { timestamp: published, last_seen: null, EventTag: event.EventTag ?? event.Tag ?? [], Sighting: [] };
  const { baseScore } = computeBaseScore(model, subject);
  const score = formula.computeScore(model, subject, baseScore, options.now - published, { now: options.now });
  return { score, base_score: baseScore, decayed: formula.isDecayed(model, subject, score) };
}

export type { BaseScoreResult };
