/**
 * The reference time: the moment an attribute's decay is counted from. A true-positive sighting
 * restarts the clock, unless the attribute was modified after it.
 */
import { invalidInput } from "./errors.js";
import { toNumber } from "./numeric.js";
import { unwrapSighting, type AttributeInput, type SightingEntry } from "./types.js";

const ISO_8601 =
  /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(?:[.,](\d{1,9}))?)?)?\s*(Z|[+-]\d{2}(?::?\d{2})?)?$/i;

/**
 * Unix seconds of an ISO-8601 date-time, rounded down to the second. A date-time without a zone is
 * read as UTC. Numbers (and numeric strings) are taken as Unix seconds already.
 *
 * @example parseTimestamp("2019-10-22T12:00:00.500000+02:00") === 1571738400
 * @throws HalflifeError INVALID_INPUT naming `field` when the value is neither.
 */
export function parseTimestamp(value: string | number, field = "timestamp"): number {
  const numeric = toNumber(value);
  if (numeric !== undefined) {
    if (!Number.isFinite(numeric)) throw invalidInput(field, "is not a finite number");
    return Math.floor(numeric);
  }
  const match = typeof value === "string" ? ISO_8601.exec(value.trim()) : null;
  if (!match) throw invalidInput(field, `is not an ISO-8601 date-time: ${JSON.stringify(value)}`);
  const [, y, mo, d, h = "0", mi = "0", s = "0", frac = "", zone = "Z"] = match;
  const [year, month, day, hour, minute, second] = [y, mo, d, h, mi, s].map(Number) as [number, number, number, number, number, number];
  if (month < 1 || month > 12 || day < 1 || day > 31 || hour > 24 || minute > 59 || second > 60) {
    throw invalidInput(field, `is not a valid date-time: ${JSON.stringify(value)}`);
  }
  let offsetSeconds = 0;
  if (zone.toUpperCase() !== "Z") {
    const sign = zone.startsWith("-") ? -1 : 1;
    const digits = zone.slice(1).replace(":", "");
    offsetSeconds = sign * (Number(digits.slice(0, 2)) * 3600 + Number(digits.slice(2, 4) || "0") * 60);
  }
  const epochMs = Date.UTC(year, month - 1, day, hour, minute, second);
  const fraction = frac === "" ? 0 : Number(`0.${frac}`);
  return Math.floor(epochMs / 1000 + fraction) - offsetSeconds;
}

/** `last_seen` in Unix seconds, or null when the attribute has none. */
export function lastSeenSeconds(attribute: Pick<AttributeInput, "last_seen">): number | null {
  const value = attribute.last_seen;
  if (value === undefined || value === null || value === "") return null;
  return parseTimestamp(value, "last_seen");
}

/**
 * The newest true-positive (type 0) sighting among `sightings`, or null. The caller passes only
 * the sightings the viewer may see (see sighting-policy.ts).
 *
 * @example lastTruePositive([{ type: 0, date_sighting: 10 }, { type: 1, date_sighting: 20 }]) === 10
 */
export function lastTruePositive(sightings: readonly SightingEntry[] | undefined): number | null {
  let latest: number | null = null;
  for (const entry of sightings ?? []) {
    const sighting = unwrapSighting(entry);
    if (toNumber(sighting.type) !== 0 || sighting.date_sighting === undefined) continue;
    const date = parseTimestamp(sighting.date_sighting, "Sighting.date_sighting");
    if (latest === null || date > latest) latest = date;
  }
  return latest;
}

/**
 * When the decay of an attribute started, in Unix seconds:
 * - the last true-positive sighting, if there is one and the attribute was not modified after it;
 * - otherwise `last_seen`, if set;
 * - otherwise the modification `timestamp`.
 *
 * @param lastSighting the newest visible type-0 sighting; when omitted it is taken from `attribute.Sighting`.
 * @example computeReferenceTime({ timestamp: 100, last_seen: null }, 150) === 150
 * @example computeReferenceTime({ timestamp: 200, last_seen: null }, 150) === 200
 */
export function computeReferenceTime(
  attribute: Pick<AttributeInput, "timestamp" | "last_seen" | "Sighting">,
  lastSighting: number | null = lastTruePositive(attribute.Sighting),
): number {
  const modified = parseTimestamp(attribute.timestamp, "timestamp");
  const lastSeen = lastSeenSeconds(attribute);
  const fallback = lastSeen ?? modified;
  // Without a sighting, or with one older than the last modification, the sighting does not count.
  return lastSighting === null || modified > lastSighting ? fallback : lastSighting;
}
