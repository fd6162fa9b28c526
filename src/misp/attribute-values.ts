/**
 * Checks and normalises attribute values by type, as far as a sharing platform should: an ip-dst
 * must be an IP address, an md5 32 hex digits, a port a number. Types not listed here accept any
 * non-empty text. Hash values are lower-cased; every value is trimmed.
 */
import { invalidInput } from "../core/errors.js";
import { isRepresentableTime } from "../core/unix-time.js";

const HASH_LENGTHS: Record<string, number> = {
  md5: 32,
  sha1: 40,
  sha224: 56,
  sha256: 64,
  sha384: 96,
  sha512: 128,
  "sha512/224": 56,
  "sha512/256": 64,
  "sha3-224": 56,
  "sha3-256": 64,
  "sha3-384": 96,
  "sha3-512": 128,
  imphash: 32,
  authentihash: 64,
  pehash: 40,
  tlsh: 0,
};

const IPV4 = /^(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)(\.(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)){3}$/;
const HOSTNAME = /^(?=.{1,253}$)(?!-)[A-Za-z0-9_-]{1,63}(?<!-)(\.(?!-)[A-Za-z0-9_-]{1,63}(?<!-))*\.?$/;

function isIpv6(value: string): boolean {
  if (!/^[0-9A-Fa-f:.]+$/.test(value) || !value.includes(":")) return false;
  const doubles = value.split("::").length - 1;
  if (doubles > 1) return false;
  const groups = value.split(":").filter((g) => g !== "");
  const last = groups.at(-1) ?? "";
  const ipv4Tail = IPV4.test(last);
  const hexGroups = ipv4Tail ? groups.slice(0, -1) : groups;
  if (!hexGroups.every((g) => /^[0-9A-Fa-f]{1,4}$/.test(g))) return false;
  const count = hexGroups.length + (ipv4Tail ? 2 : 0);
  return doubles === 1 ? count < 8 : count === 8;
}

/** An IPv4 or IPv6 address, optionally with a /prefix. */
export function isIpAddress(value: string): boolean {
  const [address = "", prefix, extra] = value.split("/");
  if (extra !== undefined) return false;
  const v4 = IPV4.test(address);
  if (!v4 && !isIpv6(address)) return false;
  if (prefix === undefined) return true;
  if (!/^\d{1,3}$/.test(prefix)) return false;
  return Number(prefix) <= (v4 ? 32 : 128);
}

const isPort = (value: string) => /^\d{1,5}$/.test(value) && Number(value) <= 65_535;

type Check = (value: string) => string | null;

/** Each check returns the normalised value, or null when the value does not fit the type. */
const CHECKS: Record<string, Check> = {
  "ip-src": (v) => (isIpAddress(v) ? v : null),
  "ip-dst": (v) => (isIpAddress(v) ? v : null),
  domain: (v) => (HOSTNAME.test(v) && v.includes(".") ? v : null),
  hostname: (v) => (HOSTNAME.test(v) ? v : null),
  port: (v) => (isPort(v) ? v : null),
  "email-src": (v) => (/^[^\s@]+@[^\s@]+$/.test(v) ? v : null),
  "email-dst": (v) => (/^[^\s@]+@[^\s@]+$/.test(v) ? v : null),
  email: (v) => (/^[^\s@]+@[^\s@]+$/.test(v) ? v : null),
  AS: (v) => (/^(AS)?\d+$/i.test(v) ? v.toUpperCase() : null),
};

for (const [type, length] of Object.entries(HASH_LENGTHS)) {
  if (length === 0) continue;
  const pattern = new RegExp(`^[0-9a-fA-F]{${length}}$`);
  CHECKS[type] = (v) => (pattern.test(v) ? v.toLowerCase() : null);
  // filename|md5 and the like: any filename, then the hash.
  CHECKS[`filename|${type}`] = (v) => {
    const bar = v.lastIndexOf("|");
    if (bar <= 0) return null;
    const hash = v.slice(bar + 1);
    return pattern.test(hash) ? `${v.slice(0, bar)}|${hash.toLowerCase()}` : null;
  };
}

for (const [type, first] of [
  ["ip-src|port", isIpAddress],
  ["ip-dst|port", isIpAddress],
  ["hostname|port", (v: string) => HOSTNAME.test(v)],
] as const) {
  CHECKS[type] = (v) => {
    const bar = v.lastIndexOf("|");
    return bar > 0 && first(v.slice(0, bar)) && isPort(v.slice(bar + 1)) ? v : null;
  };
}
CHECKS["domain|ip"] = (v) => {
  const bar = v.indexOf("|");
  return bar > 0 && HOSTNAME.test(v.slice(0, bar)) && isIpAddress(v.slice(bar + 1)) ? v : null;
};

/**
 * The value to store for an attribute of this type.
 *
 * @throws HalflifeError INVALID_INPUT naming `field` when the value does not fit the type.
 */
export function normaliseValue(type: string, value: string, field = "value"): string {
  const trimmed = value.trim();
  if (trimmed === "") throw invalidInput(field, "must not be empty");
  const check = CHECKS[type];
  if (!check) return trimmed;
  const normalised = check(trimmed);
  if (normalised === null) throw invalidInput(field, `is not a valid ${type}: ${JSON.stringify(trimmed.slice(0, 100))}`);
  return normalised;
}

/** first_seen/last_seen: ISO-8601 text or Unix seconds → Unix microseconds (MISP's precision). */
export function toMicroseconds(value: string | number | null | undefined, field: string): number | null {
  if (value === null || value === undefined || value === "") return null;
  // Callers pass request values through; a list or an object is bad input, not a crash.
  if (typeof value !== "number" && typeof value !== "string") throw invalidInput(field, "is not a date");
  if (typeof value === "number" || /^\d+(\.\d+)?$/.test(value)) {
    const seconds = Number(value);
    if (!isRepresentableTime(seconds)) throw invalidInput(field, "is not a date between the years 1 and 9999");
    return Math.round(seconds * 1_000_000);
  }
  const match = /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,6})\d*)?)?)?\s*(Z|[+-]\d{2}:?\d{2})?$/i.exec(value.trim());
  if (!match) throw invalidInput(field, `is not an ISO-8601 date: ${JSON.stringify(value.slice(0, 40))}`);
  const [, y, mo, d, h = "0", mi = "0", s = "0", frac = "", zone = "Z"] = match;
  if (Number(mo) < 1 || Number(mo) > 12 || Number(d) < 1 || Number(d) > 31 || Number(h) > 23 || Number(mi) > 59 || Number(s) > 59) {
    throw invalidInput(field, `is not a valid date: ${JSON.stringify(value.slice(0, 40))}`);
  }
  let offset = 0;
  if (zone.toUpperCase() !== "Z") {
    const digits = zone.slice(1).replace(":", "");
    offset = (zone.startsWith("-") ? -1 : 1) * (Number(digits.slice(0, 2)) * 3600 + Number(digits.slice(2, 4)) * 60);
  }
  const seconds = Date.UTC(Number(y), Number(mo) - 1, Number(d), Number(h), Number(mi), Number(s)) / 1000 - offset;
  return seconds * 1_000_000 + Number(frac.padEnd(6, "0"));
}

/** Unix microseconds → MISP's ISO-8601 form, "2019-10-22T12:00:00.000000+00:00". */
export function isoFromMicroseconds(micros: number | null): string | null {
  if (micros === null) return null;
  const seconds = Math.floor(micros / 1_000_000);
  const fraction = String(micros - seconds * 1_000_000).padStart(6, "0");
  return `${new Date(seconds * 1000).toISOString().slice(0, 19)}.${fraction}+00:00`;
}
