/**
 * `limit` and `page`, the way every listing reads them. Each is a whole number from 1, and the rows
 * a page skips, (page − 1) × limit, stay within MAX_ROWS: past that a database's 64-bit OFFSET
 * overflows (a 500, or a stream cut off mid-answer), and no store holds that many rows anyway.
 */
import { invalidInput } from "../core/errors.js";

/** The most rows a listing can return or skip: MySQL's int(11), the range of MISP's own ids. */
export const MAX_ROWS = 2_147_483_647;

export interface Paging {
  /** Rows per page; undefined when the request sets none and the route has no default. */
  limit?: number;
  /** From 1. */
  page: number;
  /** Rows to skip: (page − 1) × limit, 0 without a limit. */
  offset: number;
}

const absent = (value: unknown) => value === undefined || value === null || value === "";

function count(value: unknown, field: string): number {
  const n = typeof value === "number" ? value : typeof value === "string" && /^\s*[+-]?\d+\s*$/.test(value) ? Number(value) : NaN;
  if (!Number.isInteger(n)) throw invalidInput(field, "must be a whole number");
  if (n < 1) throw invalidInput(field, "must be at least 1");
  if (n > MAX_ROWS) throw invalidInput(field, `must be at most ${MAX_ROWS}`);
  return n;
}

/**
 * Reads `limit` and `page` from request parameters (numbers or strings of digits).
 *
 * @example parsePaging({ limit: "50", page: 3 }) // → { limit: 50, page: 3, offset: 100 }
 * @example parsePaging({}, { defaultLimit: 100 }) // → { limit: 100, page: 1, offset: 0 }
 * @throws HalflifeError INVALID_INPUT naming `limit` or `page`.
 */
export function parsePaging(params: Record<string, unknown>, options: { defaultLimit?: number } = {}): Paging {
  const limit = absent(params.limit) ? options.defaultLimit : count(params.limit, "limit");
  const page = absent(params.page) ? 1 : count(params.page, "page");
  if (limit === undefined) return { page, offset: 0 };
  const offset = (page - 1) * limit;
  if (offset > MAX_ROWS) throw invalidInput("page", `× limit skips past row ${MAX_ROWS}, the most a listing can hold: ask for an earlier page`);
  return { limit, page, offset };
}
