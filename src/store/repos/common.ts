/** Helpers shared by the repositories. */
import type { Kysely } from "kysely";
import type { Database } from "../schema.js";

export type Db = Kysely<Database>;

/** Splits a long id list so that no statement exceeds the database's parameter limit. */
export function chunks<T>(items: readonly T[], size = 5_000): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}

/** A LIKE pattern's own wildcards escaped, with MISP's `%` kept as the only wildcard. */
export function likePattern(value: string): string {
  return value.replace(/[\\_]/g, (c) => `\\${c}`);
}

/**
 * The [min, max] of an id list when it is dense enough that scanning the range beats probing each
 * id (pages of an export are runs of consecutive ids); null otherwise. Callers still keep only the
 * ids they asked for.
 */
export function denseRange(ids: readonly number[]): [number, number] | null {
  if (ids.length < 64) return null;
  let min = Infinity;
  let max = -Infinity;
  for (const id of ids) {
    if (id < min) min = id;
    if (id > max) max = id;
  }
  return max - min + 1 <= ids.length * 2 ? [min, max] : null;
}
