/**
 * MISP's time filters: Unix seconds, relative durations ("7d", "12h", "30m", "90s", "2w"), or a
 * date ("2026-01-31", "2026-01-31 12:00:00"), as restSearch's from/to/last/timestamp accept them.
 */
import { invalidInput } from "../core/errors.js";
import { checkUnixTime } from "../core/unix-time.js";

const UNITS: Record<string, number> = { s: 1, m: 60, h: 3600, d: 86_400, w: 604_800 };

/** A duration in seconds ("7d" → 604800), or undefined when the text is not one. */
export function parseDuration(text: string): number | undefined {
  const match = /^\s*(\d+)\s*([smhdw])\s*$/i.exec(text);
  return match ? Number(match[1]) * UNITS[match[2]!.toLowerCase()]! : undefined;
}

/**
 * A point in time: Unix seconds, a duration before `now`, or a date (read as UTC). Whatever the
 * form, the time must fall in the years 1 to 9999 (src/core/unix-time.ts).
 *
 * @example timePoint("7d", 1_000_000, "last") === 395_200
 */
export function timePoint(value: unknown, now: number, field: string): number {
  return checkUnixTime(readTimePoint(value, now, field), field);
}

function readTimePoint(value: unknown, now: number, field: string): number {
  if (typeof value === "number" && Number.isFinite(value)) return Math.floor(value);
  if (typeof value !== "string" || value.trim() === "") throw invalidInput(field, "must be a Unix timestamp, a duration such as 7d, or a date");
  const text = value.trim();
  // Digits beyond 2^53 would be rounded to another second; the range check refuses them.
  if (/^-?\d+$/.test(text)) return Number.isSafeInteger(Number(text)) ? Number(text) : NaN;
  const duration = parseDuration(text);
  if (duration !== undefined) return now - duration;
  const date = /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2}))?)?(Z|[+-]00:?00)?$/.exec(text);
  if (date) {
    const [, y, mo, d, h = "0", mi = "0", s = "0"] = date;
    const ms = Date.UTC(Number(y), Number(mo) - 1, Number(d), Number(h), Number(mi), Number(s));
    if (Number(mo) >= 1 && Number(mo) <= 12 && Number(d) >= 1 && Number(d) <= 31 && !Number.isNaN(ms)) return Math.floor(ms / 1000);
  }
  throw invalidInput(field, `must be a Unix timestamp, a duration such as 7d, or a date: ${JSON.stringify(text.slice(0, 40))}`);
}

/** A date as YYYY-MM-DD for event-date filters (restSearch from/to). */
export function datePoint(value: unknown, now: number, field: string): string {
  if (typeof value === "string" && /^\d{4}-\d{2}-\d{2}$/.test(value.trim())) return value.trim();
  return new Date(timePoint(value, now, field) * 1000).toISOString().slice(0, 10);
}

/** A [from, to] range: one value means "since", a two-element list means both bounds. */
export function timeRange(value: unknown, now: number, field: string): { from?: number; to?: number } {
  if (Array.isArray(value)) {
    if (value.length === 0 || value.length > 2) throw invalidInput(field, "must be a time or a [from, to] pair");
    return { from: timePoint(value[0], now, field), ...(value.length === 2 ? { to: timePoint(value[1], now, field) } : {}) };
  }
  return { from: timePoint(value, now, field) };
}
