/**
 * The false-positive rule of the sweep, with the same decisions as PyMISP's
 * `falsepositive_disabletoids.py`: count the true- and false-positive sightings newer than a
 * cutoff, and pull an attribute from detection (to_ids off) when the false positives are both
 * numerous enough and a large enough share. The local and the remote sweep both decide here, so
 * that they can never disagree, and every decision carries a reason a person can read.
 *
 * Against poisoning (one organisation flooding an indicator with false positives), a rule may
 * also count at most `maxPerOrg` sightings of each kind per organisation, and require the false
 * positives to come from at least `minOrgs` organisations. Neither is set by default, so the
 * default decisions stay the script's. Sightings dated after `notAfter` (a sweep sets it to its
 * start plus the allowed clock skew) never count: nobody can have seen an indicator in the future.
 */
import { HalflifeError } from "./errors.js";
import { toNumber } from "./numeric.js";
import { unwrapSighting, type SightingEntry, type SightingInput } from "./types.js";

export interface SweepRule {
  /** The false-positive count must be strictly greater than this (`-b/--minimal-fp`). */
  minimalFp: number;
  /** The false-positive share FP / (TP + FP) must be at least this (`-t/--threshold`). */
  threshold: number;
  /** Only sightings dated strictly after this Unix second count (`-d/--minimal-date-sighting`). */
  cutoff: number;
  /** At most this many true positives and this many false positives count per organisation (`--max-per-org`); unset: all. */
  maxPerOrg?: number;
  /** The false positives must come from at least this many organisations (`--min-orgs`); unset: 1. */
  minOrgs?: number;
  /** Sightings dated after this Unix second do not count; unset: none is too late. */
  notAfter?: number;
}

/** The script's defaults: more than 0 false positives, a share of at least 50 %, every sighting since 1970. */
export const DEFAULT_SWEEP_RULE: Readonly<SweepRule> = Object.freeze({ minimalFp: 0, threshold: 0.5, cutoff: 0 });

export interface SightingCounts {
  /** Type-0 sightings (true positives) after the cutoff. */
  tp: number;
  /** Type-1 sightings (false positives) after the cutoff. */
  fp: number;
  /** How many organisations reported the counted false positives; counted when the rule needs it. */
  orgs?: number;
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
 * With the rest of a rule (`maxPerOrg`, `minOrgs`, `notAfter`), sightings dated after `notAfter`
 * are skipped, each organisation (its `org_id`, else its Organisation's uuid or name) counts at
 * most `maxPerOrg` of each kind, and `orgs` says how many organisations reported the counted
 * false positives.
 *
 * @example countSightings([{ type: "1", date_sighting: "20" }, { type: 0, date_sighting: 10 }], 10)
 *          // → { tp: 0, fp: 1 }: the true positive at the cutoff second itself does not count
 * @example countSightings([{ type: 1, date_sighting: 20, org_id: 2 }, { type: 1, date_sighting: 21, org_id: 2 }], { cutoff: 0, maxPerOrg: 1, minOrgs: 2 })
 *          // → { tp: 0, fp: 1, orgs: 1 }
 */
export function countSightings(
  sightings: readonly SightingEntry[] | null | undefined,
  rule: number | Pick<SweepRule, "cutoff" | "maxPerOrg" | "minOrgs" | "notAfter">,
): SightingCounts {
  const { cutoff, maxPerOrg, minOrgs, notAfter } = typeof rule === "number" ? { cutoff: rule } : rule;
  const byOrg = maxPerOrg !== undefined || (minOrgs ?? 1) > 1;
  let tp = 0;
  let fp = 0;
  const perOrg = new Map<string, { tp: number; fp: number }>();
  for (const entry of sightings ?? []) {
    const sighting = unwrapSighting(entry);
    const date = toNumber(sighting.date_sighting);
    if (date === undefined || !(date > cutoff) || (notAfter !== undefined && date > notAfter)) continue;
    const type = toNumber(sighting.type);
    if (type !== 0 && type !== 1) continue;
    if (!byOrg) {
      if (type === 0) tp += 1;
      else fp += 1;
      continue;
    }
    const org = organisationOf(sighting);
    const counts = perOrg.get(org) ?? { tp: 0, fp: 0 };
    perOrg.set(org, counts);
    const kind = type === 0 ? "tp" : "fp";
    if (maxPerOrg !== undefined && counts[kind] >= maxPerOrg) continue;
    counts[kind] += 1;
  }
  if (!byOrg) return { tp, fp };
  let orgs = 0;
  for (const counts of perOrg.values()) {
    tp += counts.tp;
    fp += counts.fp;
    if (counts.fp > 0) orgs += 1;
  }
  return { tp, fp, orgs };
}

/** Who reported a sighting: MISP gives `org_id`, and an `Organisation` with uuid and name. */
function organisationOf(sighting: SightingInput): string {
  if (sighting.org_id !== undefined && sighting.org_id !== null && sighting.org_id !== "") return `id:${String(sighting.org_id)}`;
  const org = sighting.Organisation;
  if (org !== null && typeof org === "object") {
    const { uuid, name } = org as { uuid?: unknown; name?: unknown };
    if (typeof uuid === "string" && uuid !== "") return `uuid:${uuid}`;
    if (typeof name === "string" && name !== "") return `name:${name}`;
  }
  return "unknown";
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
  const minOrgs = rule.minOrgs ?? 1;
  const orgs = counts.orgs ?? (fp > 0 ? 1 : 0);
  const enoughOrganisations = minOrgs <= 1 || orgs >= minOrgs;
  const disable = enoughFalsePositives && ratio !== null && ratio >= rule.threshold && enoughOrganisations;
  return { disable, tp, fp, ratio, reason: explain({ tp, fp, orgs }, ratio, rule, enoughFalsePositives, enoughOrganisations, disable) };
}

function explain(
  counts: { tp: number; fp: number; orgs: number },
  ratio: number | null,
  rule: SweepRule,
  enoughFalsePositives: boolean,
  enoughOrganisations: boolean,
  disable: boolean,
): string {
  const { tp, fp, orgs } = counts;
  const minOrgs = rule.minOrgs ?? 1;
  const from = minOrgs > 1 ? ` (from ${plural(orgs, "organisation")})` : "";
  const capped = rule.maxPerOrg !== undefined ? `, counting at most ${rule.maxPerOrg} of each per organisation` : "";
  const tally = `${plural(fp, "false positive")}${from} and ${plural(tp, "true positive")} ${since(rule.cutoff)}${capped}`;
  if (ratio === null) return `Keep to_ids: no false- or true-positive sighting ${since(rule.cutoff)}.`;
  const [share, threshold] = percentages(ratio, rule.threshold);
  const organisations = minOrgs > 1 ? `, from at least ${plural(minOrgs, "organisation")}` : "";
  if (disable) {
    return `Turn to_ids off: ${tally}, so ${share} of the reports are false positives (threshold ${threshold}, more than ${plural(rule.minimalFp, "false positive")} required${organisations}).`;
  }
  if (!enoughFalsePositives) {
    return `Keep to_ids: ${tally}; more than ${plural(rule.minimalFp, "false positive")} are required before the share is considered.`;
  }
  if (ratio >= rule.threshold && !enoughOrganisations) {
    return `Keep to_ids: ${tally}, so ${share} of the reports are false positives, but false positives from at least ${plural(minOrgs, "organisation")} are required.`;
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
  maxPerOrg?: unknown;
  minOrgs?: unknown;
}

/**
 * Checks a rule and fills in the script's defaults for what is missing.
 * - `minimalFp`: an integer (a safe one). Negative values are accepted, as the script does: −1
 *   means "any number of false positives, even none".
 * - `threshold`: a finite number from 0 to 1 inclusive. 0 disables on any counted false positive
 *   beyond minimalFp; a value above 1 could never disable anything and is almost always a
 *   percentage typed by mistake (50 for 0.5), so it is refused rather than silently inert.
 * - `cutoff`: finite Unix seconds, whole or not.
 * - `maxPerOrg`: a whole number; 0 (the default) counts every sighting, N ≥ 1 counts at most N
 *   true positives and N false positives of each organisation.
 * - `minOrgs`: a whole number; 0 and 1 (the default) need no second organisation, M ≥ 2 needs the
 *   false positives of at least M organisations.
 * The two are left out of the rule at their defaults, so the script's rule reads as it always did.
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
  const count = (field: "maxPerOrg" | "minOrgs", flag: string): number => {
    const value = read(field, flag, 0);
    if (!Number.isSafeInteger(value) || value < 0) throw new HalflifeError("INVALID_INPUT", `${flag} must be a whole number from 0, got ${value}`, { field });
    return value;
  };
  const maxPerOrg = count("maxPerOrg", "--max-per-org");
  const minOrgs = count("minOrgs", "--min-orgs");
  return { minimalFp, threshold, cutoff, ...(maxPerOrg > 0 ? { maxPerOrg } : {}), ...(minOrgs > 1 ? { minOrgs } : {}) };
}
