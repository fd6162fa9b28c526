/**
 * The false-positive rule of the sweep, with the same decisions as PyMISP's
 * `falsepositive_disabletoids.py`: count the true- and false-positive sightings newer than a
 * cutoff, and pull an attribute from detection (to_ids off) when the false positives are both
 * numerous enough and a large enough share. The local and the remote sweep both decide here, so
 * that they can never disagree, and every decision carries a reason a person can read.
 */
import { HalflifeError } from "./errors.js";
import { toNumber } from "./numeric.js";
import { unwrapSighting, type SightingEntry } from "./types.js";

export interface SweepRule {
  /** The false-positive count must be strictly greater than this (`-b/--minimal-fp`). */
  minimalFp: number;
  /** The false-positive share FP / (TP + FP) must be at least this (`-t/--threshold`). */
  threshold: number;
  /** Only sightings dated strictly after this Unix second count (`-d/--minimal-date-sighting`). */
  cutoff: number;
}

/** The script's defaults: more than 0 false positives, a share of at least 50 %, every sighting since 1970. */
export const DEFAULT_SWEEP_RULE: Readonly<SweepRule> = Object.freeze({ minimalFp: 0, threshold: 0.5, cutoff: 0 });

export interface SightingCounts {
  /** Type-0 sightings (true positives) after the cutoff. */
  tp: number;
  /** Type-1 sightings (false positives) after the cutoff. */
  fp: number;
}

export interface SweepDecision extends SightingCounts {
  /** True when the attribute's to_ids flag should be turned off. */
  disable: boolean;
  /** FP / (TP + FP), or null when no sighting counted (the share is undefined, never NaN). */
  ratio: number | null;
  /** One sentence that says why, with the counts, the share and the thresholds. */
  reason: string;
}

/**
 * Counts the true positives (type 0) and false positives (type 1) dated strictly after `cutoff`.
 * Expirations (type 2) and any other type never count. Types and dates may be numbers or numeric
 * strings, and each entry may be flat or wrapped as `{ Sighting: {...} }`. An entry whose type or
 * date is not numeric is skipped: it cannot be shown to be newer than the cutoff.
 *
 * @example countSightings([{ type: "1", date_sighting: "20" }, { type: 0, date_sighting: 10 }], 10)
 *          // → { tp: 0, fp: 1 }: the true positive at the cutoff second itself does not count
 */
export function countSightings(sightings: readonly SightingEntry[] | null | undefined, cutoff: number): SightingCounts {
  let tp = 0;
  let fp = 0;
  for (const entry of sightings ?? []) {
    const sighting = unwrapSighting(entry);
    const date = toNumber(sighting.date_sighting);
    if (date === undefined || !(date > cutoff)) continue;
    const type = toNumber(sighting.type);
    if (type === 0) tp += 1;
    else if (type === 1) fp += 1;
  }
  return { tp, fp };
}

/**
 * Applies the rule to counted sightings: disable when FP > minimalFp and FP / (TP + FP) ≥ threshold.
 * With no counted sighting the share is undefined; the script divides by zero there (possible
 * only with a negative minimalFp), Halflife keeps the flag.
 *
 * @example decide({ tp: 1, fp: 3 }, DEFAULT_SWEEP_RULE).disable === true   // 3 > 0 and 0.75 ≥ 0.5
 * @example decide({ tp: 1, fp: 1 }, { ...DEFAULT_SWEEP_RULE, minimalFp: 1 }).disable === false
 */
export function decide(counts: SightingCounts, rule: SweepRule): SweepDecision {
  const { tp, fp } = counts;
  const total = tp + fp;
  const ratio = total > 0 ? fp / total : null;
  const enoughFalsePositives = fp > rule.minimalFp;
  const disable = enoughFalsePositives && ratio !== null && ratio >= rule.threshold;
  return { disable, tp, fp, ratio, reason: explain(tp, fp, ratio, rule, enoughFalsePositives, disable) };
}

function explain(tp: number, fp: number, ratio: number | null, rule: SweepRule, enoughFalsePositives: boolean, disable: boolean): string {
  const tally = `${plural(fp, "false positive")} and ${plural(tp, "true positive")} ${since(rule.cutoff)}`;
  if (ratio === null) return `Keep to_ids: no false- or true-positive sighting ${since(rule.cutoff)}.`;
  const [share, threshold] = percentages(ratio, rule.threshold);
  if (disable) {
    return `Turn to_ids off: ${tally}, so ${share} of the reports are false positives (threshold ${threshold}, more than ${plural(rule.minimalFp, "false positive")} required).`;
  }
  if (!enoughFalsePositives) {
    return `Keep to_ids: ${tally}; more than ${plural(rule.minimalFp, "false positive")} are required before the share is considered.`;
  }
  return `Keep to_ids: ${tally}, so only ${share} of the reports are false positives, under the ${threshold} threshold.`;
}

function plural(count: number, noun: string): string {
  return `${count} ${noun}${count === 1 ? "" : "s"}`;
}

function since(cutoff: number): string {
  return `after ${formatCutoff(cutoff)} UTC`;
}

/**
 * The share and the threshold as percentages, with just enough decimals to tell them apart, so
 * that a reason never reads "50% is under the 50% threshold".
 */
function percentages(ratio: number, threshold: number): [string, string] {
  for (let digits = 0; digits <= 6; digits++) {
    const [a, b] = [percent(ratio, digits), percent(threshold, digits)];
    if (a !== b || ratio === threshold || digits === 6) return [a, b];
  }
  return [percent(ratio, 6), percent(threshold, 6)];
}

function percent(share: number, digits: number): string {
  return `${Number((share * 100).toFixed(digits))}%`;
}

const CUTOFF_FORMAT = /^(\d{4})-(\d{2})-(\d{2}) (\d{2}):(\d{2}):(\d{2})$/;

/**
 * Reads the script's `-d/--minimal-date-sighting` value, `YYYY-MM-DD HH:MM:SS`, as UTC, into Unix
 * seconds. Exactly that form: zero-padded fields, one space, no zone, a real calendar date.
 *
 * @example parseSightingCutoff("1970-01-01 00:00:00") === 0
 * @example parseSightingCutoff("2024-02-29 12:30:00") === 1709209800
 * @throws HalflifeError INVALID_INPUT naming `--minimal-date-sighting` for anything else.
 */
export function parseSightingCutoff(text: string): number {
  const match = CUTOFF_FORMAT.exec(text);
  const fail = (why: string): HalflifeError =>
    new HalflifeError("INVALID_INPUT", `--minimal-date-sighting ${why}: ${JSON.stringify(text)}`, { field: "--minimal-date-sighting" });
  if (!match) throw fail('must look like "YYYY-MM-DD HH:MM:SS" (UTC)');
  const [year, month, day, hour, minute, second] = match.slice(1).map(Number) as [number, number, number, number, number, number];
  const date = new Date(0);
  // setUTCFullYear, not Date.UTC: Date.UTC maps the years 0–99 to 1900–1999.
  date.setUTCFullYear(year, month - 1, day);
  date.setUTCHours(hour, minute, second, 0);
  const roundTrips =
    date.getUTCFullYear() === year && date.getUTCMonth() === month - 1 && date.getUTCDate() === day &&
    date.getUTCHours() === hour && date.getUTCMinutes() === minute && date.getUTCSeconds() === second;
  if (year < 1 || !roundTrips) throw fail("is not a real date and time");
  return date.getTime() / 1000;
}

/**
 * The cutoff in the script's format, UTC; the inverse of `parseSightingCutoff` for years 1–9999.
 *
 * @example formatCutoff(0) === "1970-01-01 00:00:00"
 */
export function formatCutoff(cutoff: number): string {
  const date = new Date(Math.floor(cutoff) * 1000);
  if (Number.isNaN(date.getTime())) return String(cutoff);
  const pad = (value: number, width = 2): string => String(value).padStart(width, "0");
  return `${pad(date.getUTCFullYear(), 4)}-${pad(date.getUTCMonth() + 1)}-${pad(date.getUTCDate())} ` +
    `${pad(date.getUTCHours())}:${pad(date.getUTCMinutes())}:${pad(date.getUTCSeconds())}`;
}

/** What `validateSweepRule` reads: numbers, or numeric strings as a command line or a query gives them. */
export interface SweepRuleInput {
  minimalFp?: unknown;
  threshold?: unknown;
  cutoff?: unknown;
}

/**
 * Checks a rule and fills in the script's defaults for what is missing.
 * - `minimalFp`: an integer (a safe one). Negative values are accepted, as the script does: −1
 *   means "any number of false positives, even none".
 * - `threshold`: a finite number from 0 to 1 inclusive. 0 disables on any counted false positive
 *   beyond minimalFp; a value above 1 could never disable anything and is almost always a
 *   percentage typed by mistake (50 for 0.5), so it is refused rather than silently inert.
 * - `cutoff`: finite Unix seconds, whole or not.
 *
 * @example validateSweepRule({ threshold: "0.8" }) // → { minimalFp: 0, threshold: 0.8, cutoff: 0 }
 * @throws HalflifeError INVALID_INPUT naming the field (`minimalFp`, `threshold` or `cutoff`).
 */
export function validateSweepRule(input: SweepRuleInput = {}): SweepRule {
  const read = (field: keyof SweepRuleInput, flag: string, fallback: number): number => {
    const raw = input[field];
    if (raw === undefined || raw === null) return fallback;
    const value = typeof raw === "number" || typeof raw === "string" ? toNumber(raw) : undefined;
    if (value === undefined || !Number.isFinite(value)) {
      throw new HalflifeError("INVALID_INPUT", `${flag} must be a finite number, got ${JSON.stringify(raw)}`, { field });
    }
    return value;
  };
  const minimalFp = read("minimalFp", "--minimal-fp", DEFAULT_SWEEP_RULE.minimalFp);
  if (!Number.isSafeInteger(minimalFp)) {
    throw new HalflifeError("INVALID_INPUT", `--minimal-fp must be a whole number, got ${minimalFp}`, { field: "minimalFp" });
  }
  const threshold = read("threshold", "--threshold", DEFAULT_SWEEP_RULE.threshold);
  if (threshold < 0 || threshold > 1) {
    throw new HalflifeError("INVALID_INPUT", `--threshold must be a share from 0 to 1 (0.5 means half), got ${threshold}`, { field: "threshold" });
  }
  const cutoff = read("cutoff", "--minimal-date-sighting", DEFAULT_SWEEP_RULE.cutoff);
  return { minimalFp, threshold, cutoff };
}
