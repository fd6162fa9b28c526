import { describe, expect, it } from "vitest";
import fc from "fast-check";
import { mapWithConcurrency } from "../../src/misp/concurrency.js";
import { isHalflifeError } from "../../src/core/errors.js";

const pause = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

describe("bounded concurrency", () => {
  it("returns results in the order of the items, not of completion", async () => {
    const results = await mapWithConcurrency([30, 5, 20, 1], 4, async (ms, index) => {
      await pause(ms);
      return `${index}:${ms}`;
    });
    expect(results).toEqual([
      { ok: true, value: "0:30" },
      { ok: true, value: "1:5" },
      { ok: true, value: "2:20" },
      { ok: true, value: "3:1" },
    ]);
  });

  it("never runs more than the limit at once, and uses all of it", async () => {
    let running = 0;
    let peak = 0;
    await mapWithConcurrency(Array.from({ length: 20 }, (_, i) => i), 3, async () => {
      peak = Math.max(peak, ++running);
      await pause(2);
      running--;
    });
    expect(peak).toBe(3);
  });

  it("keeps going after a failure and reports it in the item's slot", async () => {
    const boom = new Error("event 2 is gone");
    const seen: number[] = [];
    const results = await mapWithConcurrency([1, 2, 3], 1, async (n) => {
      seen.push(n);
      if (n === 2) throw boom;
      return n * 10;
    });
    expect(seen).toEqual([1, 2, 3]);
    expect(results).toEqual([{ ok: true, value: 10 }, { ok: false, error: boom }, { ok: true, value: 30 }]);
  });

  it("returns an empty list for no items", async () => {
    expect(await mapWithConcurrency([], 5, async () => 1)).toEqual([]);
  });

  it.each([0, -1, 1.5, Number.NaN])("refuses a limit of %s", async (limit) => {
    await expect(mapWithConcurrency([1], limit, async () => 1)).rejects.toSatisfy((error) => isHalflifeError(error, "INVALID_INPUT"));
  });

  it("gives one outcome per item, in order, for any items and limit", async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(fc.integer({ min: -5, max: 5 }), { maxLength: 25 }), fc.integer({ min: 1, max: 8 }), async (items, limit) => {
        const results = await mapWithConcurrency(items, limit, async (n) => {
          await Promise.resolve();
          if (n < 0) throw new Error(String(n));
          return n;
        });
        expect(results).toHaveLength(items.length);
        results.forEach((result, i) => {
          expect(result.ok).toBe(items[i]! >= 0);
          if (result.ok) expect(result.value).toBe(items[i]);
        });
      }),
      { numRuns: 100 },
    );
  });
});
