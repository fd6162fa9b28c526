/**
 * Bounded concurrency for calls to a remote MISP: never more than `limit` calls in flight, so a
 * sweep of thousands of attributes neither floods the server nor waits on one call at a time.
 */
import { HalflifeError } from "../core/errors.js";

/** The outcome of one item: its value, or the error it failed with. */
export type Settled<T> = { ok: true; value: T } | { ok: false; error: unknown };

/**
 * Runs `fn` over `items` with at most `limit` calls running at once, and returns one outcome per
 * item, in the order of `items` (not the order of completion).
 *
 * A failing item does not stop the others: its error is kept in its slot and the work goes on.
 * That is what a sweep needs. One event that cannot be edited (deleted meanwhile, a permission
 * missing, a server hiccup after all retries) must not leave the other events half-done; the run
 * reports each failure with its item instead. A caller that wants all-or-nothing checks for a
 * failure afterwards (`results.some((r) => !r.ok)`).
 *
 * @example await mapWithConcurrency([1, 2, 3], 2, async (n) => n * 10)
 *          // → [{ ok: true, value: 10 }, { ok: true, value: 20 }, { ok: true, value: 30 }]
 * @throws HalflifeError INVALID_INPUT when `limit` is not a whole number of at least 1.
 */
export async function mapWithConcurrency<I, O>(
  items: readonly I[],
  limit: number,
  fn: (item: I, index: number) => Promise<O>,
): Promise<Array<Settled<O>>> {
  if (!Number.isSafeInteger(limit) || limit < 1) {
    throw new HalflifeError("INVALID_INPUT", `limit must be a whole number of at least 1, got ${limit}`, { field: "limit" });
  }
  const results = new Array<Settled<O>>(items.length);
  let next = 0;
  // Each worker takes the next index until none is left; JavaScript runs one worker at a time
  // between awaits, so `next++` needs no lock.
  const worker = async (): Promise<void> => {
    while (next < items.length) {
      const index = next++;
      try {
        results[index] = { ok: true, value: await fn(items[index] as I, index) };
      } catch (error) {
        results[index] = { ok: false, error };
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return results;
}
