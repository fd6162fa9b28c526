// The contract every formula honours, as one shared suite: the built-ins run it, and so does the
// example plug-in. A formula is bounded (0 ≤ score ≤ B for B ≥ 0), never rises with age,
// is deterministic for a fixed "now", and its decaysAt agrees with computeScore + isDecayed.
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import type { Formula } from "../../src/core/formulas/formula.js";
import type { AttributeInput, ModelInput } from "../../src/core/types.js";

const RETENTION = [
  ["retention:1d", 1],
  ["retention:7d", 7],
  ["retention:1m", 30],
  ["retention:expired", 0],
] as const;

export interface Scenario {
  model: ModelInput;
  attribute: AttributeInput;
  baseScore: number;
  referenceTime: number;
}

const scenario: fc.Arbitrary<Scenario> = fc
  .record({
    lifetime: fc.double({ min: 0.01, max: 3650, noNaN: true }),
    decaySpeed: fc.double({ min: 0.05, max: 10, noNaN: true }),
    threshold: fc.double({ min: -10, max: 150, noNaN: true }),
    baseScore: fc.oneof(fc.double({ min: 0, max: 300, noNaN: true }), fc.constantFrom(0, 30, 80, 100)),
    referenceTime: fc.integer({ min: 1_500_000_000, max: 1_800_000_000 }),
    modifiedBefore: fc.integer({ min: 0, max: 200 * 86_400 }),
    retention: fc.option(fc.constantFrom(...RETENTION), { nil: undefined }),
    sightingTypes: fc.array(fc.constantFrom(0, 1, 2), { maxLength: 12 }),
    minimum: fc.integer({ min: 1, max: 5 }),
    tpOffset: fc.integer({ min: 0, max: 3 }),
    fpOffset: fc.integer({ min: 0, max: 3 }),
  })
  .map((s) => ({
    model: {
      formula: "",
      parameters: {
        lifetime: s.lifetime,
        decay_speed: s.decaySpeed,
        threshold: s.threshold,
        default_base_score: 80,
        base_score_config: {},
        settings: { minimum_sightings: s.minimum, true_positive_offset: s.tpOffset, false_positive_offset: s.fpOffset },
      },
    },
    attribute: {
      timestamp: s.referenceTime - s.modifiedBefore,
      last_seen: null,
      AttributeTag: s.retention ? [{ Tag: { name: s.retention[0], numerical_value: s.retention[1] } }] : [],
      Sighting: s.sightingTypes.map((type, i) => ({ type, date_sighting: s.referenceTime - i })),
    },
    baseScore: s.baseScore,
    referenceTime: s.referenceTime,
  }));

const age = fc.integer({ min: 0, max: 4000 * 86_400 });

export function formulaContract(formula: Formula, runs = 300): void {
  const score = (s: Scenario, elapsed: number) =>
    formula.computeScore({ ...s.model, formula: formula.name }, s.attribute, s.baseScore, elapsed, { now: s.referenceTime + elapsed });
  const decayed = (s: Scenario, elapsed: number) => formula.isDecayed({ ...s.model, formula: formula.name }, s.attribute, score(s, elapsed));

  describe(`the ${formula.name} formula honours the formula contract`, () => {
    it("never scores below 0, nor above the base score", () => {
      fc.assert(
        fc.property(scenario, age, (s, t) => {
          const value = score(s, t);
          expect(value).toBeGreaterThanOrEqual(0);
          expect(value).toBeLessThanOrEqual(s.baseScore);
        }),
        { numRuns: runs },
      );
    });

    it("never increases with age", () => {
      fc.assert(
        fc.property(scenario, age, age, (s, a, b) => {
          const [younger, older] = a <= b ? [a, b] : [b, a];
          expect(score(s, older)).toBeLessThanOrEqual(score(s, younger));
        }),
        { numRuns: runs },
      );
    });

    it("is deterministic for a fixed now", () => {
      fc.assert(
        fc.property(scenario, age, (s, t) => {
          expect(score(s, t)).toBe(score(s, t));
        }),
        { numRuns: runs },
      );
    });

    if (formula.decaysAt) {
      it("agrees with computeScore and isDecayed in decaysAt, to the second", () => {
        fc.assert(
          fc.property(scenario, age, (s, t) => {
            const at = formula.decaysAt!({ ...s.model, formula: formula.name }, s.attribute, s.baseScore, { referenceTime: s.referenceTime });
            expect(at).toBeGreaterThanOrEqual(s.referenceTime);
            expect(decayed(s, t)).toBe(s.referenceTime + t >= at);
            if (Number.isFinite(at)) {
              const boundary = at - s.referenceTime;
              expect(decayed(s, boundary)).toBe(true);
              if (boundary > 0) expect(decayed(s, boundary - 1)).toBe(false);
            }
          }),
          { numRuns: runs },
        );
      });
    }
  });
}
