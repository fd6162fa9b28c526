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

/** A model's score of one attribute, or why its formula could not give one. */
export type ModelScore = AttributeScore | { error: string };

/** Plug-in messages are theirs: keep them short in answers. */
const MAX_ERROR_LENGTH = 200;

function failureOf(formula: Formula | undefined, error: unknown): { error: string } {
  const message = error instanceof Error ? error.message : String(error);
  return { error: `formula ${formula?.name ?? "?"} failed: ${message.slice(0, MAX_ERROR_LENGTH)}` };
}

/** What a formula answered, checked: a score that is a number and a verdict that is a boolean. */
function checkedAnswer(score: unknown, decayed: unknown, baseScore: number): AttributeScore {
  if (typeof score !== "number" || Number.isNaN(score)) throw new Error(`computeScore answered ${String(score)}, not a number`);
  if (typeof decayed !== "boolean") throw new Error(`isDecayed answered ${String(decayed)}, not true or false`);
  return { score, base_score: baseScore, decayed };
}

/**
 * One model's score of one attribute, contained: whatever the formula does (a plug-in that throws
 * for some parameters, or answers NaN), the caller gets either a score or an error for this model,
 * never an exception, so that one bad model cannot fail a whole search or event. With
 * `baseScore` and `referenceTime` (a decay index row) it counts from those; otherwise it computes
 * them as `scoreAttribute` does.
 *
 * @example scoreWithModel(nidsModel, polynomial, attribute, { now }) // → { score: 40, base_score: 80, decayed: false }
 * @example scoreWithModel(model, throwingPlugin, attribute, { now }) // → { error: "formula Broken failed: …" }
 */
export function scoreWithModel(
  model: ModelInput,
  formula: Formula,
  attribute: AttributeInput,
  options: { now: number; baseScore?: number; referenceTime?: number; lastSighting?: number | null },
): ModelScore {
  try {
    const baseScore = options.baseScore ?? computeBaseScore(model, attribute).baseScore;
    let referenceTime = options.referenceTime;
    if (referenceTime === undefined) {
      const lastSighting = options.lastSighting === undefined ? lastTruePositive(attribute.Sighting) : options.lastSighting;
      referenceTime = computeReferenceTime(attribute, lastSighting);
    }
    const score: unknown = formula.computeScore(model, attribute, baseScore, options.now - referenceTime, { now: options.now });
    return checkedAnswer(score, typeof score === "number" ? formula.isDecayed(model, attribute, score) : undefined, baseScore);
  } catch (error) {
    return failureOf(formula, error);
  }
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

/** The window of an attribute whose formula fails for it: always fresh, as its score is an error, never "decayed". */
const FAILED_WINDOW = Object.freeze({ from: -Infinity, until: Infinity });

/**
 * When an attribute is fresh: `from ≤ now < until`, both in Unix seconds (±Infinity when open).
 * Built on the formula's decaysAt; null when the formula has no closed form. The decay index stores
 * these two numbers, which turns "not decayed" into a range condition.
 *
 * Contained like `scoreWithModel`: when the formula throws or answers something that is not a time,
 * the attribute is fresh for ever in the index (excludeDecayed keeps it, and its score shows the
 * error), and the write that asked for the window goes through.
 *
 * @example freshWindow(polynomial, nidsModel, attribute, 80, t) // → { from: -Infinity, until: t + 2592000 }
 */
export function freshWindow(
  formula: Formula,
  model: ModelInput,
  attribute: AttributeInput,
  baseScore: number,
  referenceTime: number,
): { from: number; until: number } | null {
  if (!formula.decaysAt) return null;
  try {
    const until: unknown = formula.decaysAt(model, attribute, baseScore, { referenceTime });
    if (typeof until !== "number" || Number.isNaN(until)) return FAILED_WINDOW;
    // Before the reference time (a last_seen in the future), MISP scores 0 with a negative elapsed time.
    const before: unknown = formula.computeScore(model, attribute, baseScore, -1, { now: referenceTime - 1 });
    const decayedBefore: unknown = typeof before === "number" ? formula.isDecayed(model, attribute, before) : undefined;
    if (typeof decayedBefore !== "boolean") return FAILED_WINDOW;
    return { from: decayedBefore ? referenceTime : -Infinity, until };
  } catch {
    return FAILED_WINDOW;
  }
}

/**
 * An event's own score (MISP's `includeScoresOnEvent`): its tags only, counted from its publication.
 * Contained like `scoreWithModel`: a formula that fails gives an error instead of a score.
 *
 * @example scoreEvent(nidsModel, { Tag: [], publish_timestamp: now - 30 * 86400 }, { now }).score === 40
 */
export function scoreEvent(
  model: ModelInput,
  event: { Tag?: readonly TagLink[]; EventTag?: readonly TagLink[]; publish_timestamp: number | string },
  options: { now: number; formulas?: FormulaRegistry },
): ModelScore {
  const formula = (options.formulas ?? builtinFormulas).get(model.formula);
  const published = parseTimestamp(event.publish_timestamp, "publish_timestamp");
  const subject: AttributeInput = { timestamp: published, last_seen: null, EventTag: event.EventTag ?? event.Tag ?? [], Sighting: [] };
  return scoreWithModel(model, formula, subject, { now: options.now, referenceTime: published });
}

export type { BaseScoreResult };
