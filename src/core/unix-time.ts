/**
 * The range of times Halflife accepts: the years 0001 to 9999, as Unix seconds. Inside it every
 * time can be written as an ISO-8601 date with four-digit years (what MISP's formats and
 * JavaScript's dates need), stored in both databases' 64-bit columns, also in microseconds
 * (first_seen, last_seen), and added to or compared with another time without losing a second.
 * A value outside it is refused as bad input rather than crashing a presenter later.
 */
import { invalidInput } from "./errors.js";

/** 0001-01-01T00:00:00Z. */
export const MIN_UNIX_TIME = -62_135_596_800;
/** 9999-12-31T23:59:59Z. */
export const MAX_UNIX_TIME = 253_402_300_799;

/**
 * Whether Unix seconds fall in the accepted range.
 *
 * @example isRepresentableTime(1e21) === false
 */
export function isRepresentableTime(seconds: number): boolean {
  return Number.isFinite(seconds) && seconds >= MIN_UNIX_TIME && seconds <= MAX_UNIX_TIME;
}

/**
 * The value itself, when it is a time in the accepted range.
 *
 * @example checkUnixTime(1_767_225_600, "from") === 1_767_225_600
 * @throws HalflifeError INVALID_INPUT naming `field` otherwise.
 */
export function checkUnixTime(seconds: number, field: string): number {
  if (!isRepresentableTime(seconds)) throw invalidInput(field, "must be a time between the years 1 and 9999 (Unix seconds from -62135596800 to 253402300799)");
  return seconds;
}

/**
 * A sighting's date, refused when it lies further in the future than the allowed clock skew:
 * nobody can have seen an indicator later than now, and a far-future false positive would keep
 * counting in every sweep until that date.
 *
 * @example checkSightingDate(1_000_100, 1_000_000, 300, "timestamp") === 1_000_100
 * @throws HalflifeError INVALID_INPUT naming `field`, e.g. for a date in 2100.
 */
export function checkSightingDate(date: number, now: number, skewSeconds: number, field: string): number {
  if (date > now + skewSeconds) {
    throw invalidInput(field, `is ${date - now} seconds in the future; a sighting may be dated at most ${skewSeconds} seconds after the server's clock`);
  }
  return date;
}
