import { describe, expect, it } from "vitest";
import fc from "fast-check";
import { isHalflifeError } from "../../src/core/errors.js";
import {
  DEFAULT_SWEEP_RULE,
  countSightings,
  decide,
  formatCutoff,
  parseSightingCutoff,
  validateSweepRule,
  type SweepRule,
} from "../../src/core/sweep-rule.js";
import type { SightingEntry } from "../../src/core/types.js";

const CUT = 1_700_000_000;

function refusal(run: () => unknown): { code: string; field: string | undefined; message: string } {
  try {
    run();
  } catch (error) {
    if (isHalflifeError(error)) return { code: error.code, field: error.field, message: error.message };
    throw error;
  }
  throw new Error("expected a refusal");
}

describe("counting sightings", () => {
  it.each<[string, SightingEntry[] | undefined, number, { tp: number; fp: number }]>([
    ["nothing when there are no sightings", [], CUT, { tp: 0, fp: 0 }],
    ["nothing when the Sighting list is missing", undefined, CUT, { tp: 0, fp: 0 }],
    ["a true positive one second after the cutoff", [{ type: 0, date_sighting: CUT + 1 }], CUT, { tp: 1, fp: 0 }],
    ["a false positive one second after the cutoff", [{ type: 1, date_sighting: CUT + 1 }], CUT, { tp: 0, fp: 1 }],
    ["no sighting dated exactly at the cutoff second", [{ type: 1, date_sighting: CUT }, { type: 0, date_sighting: CUT }], CUT, { tp: 0, fp: 0 }],
    ["no sighting dated before the cutoff", [{ type: 1, date_sighting: CUT - 1 }], CUT, { tp: 0, fp: 0 }],
    ["no expiration, whenever it is dated", [{ type: 2, date_sighting: CUT + 5 }, { type: "2", date_sighting: CUT + 6 }], CUT, { tp: 0, fp: 0 }],
    ["no sighting of an unknown type", [{ type: 3, date_sighting: CUT + 5 }, { type: -1, date_sighting: CUT + 5 }, { type: "x", date_sighting: CUT + 5 }], CUT, { tp: 0, fp: 0 }],
    ["types and dates given as numeric strings", [{ type: "1", date_sighting: String(CUT + 1) }, { type: "0", date_sighting: String(CUT + 2) }], CUT, { tp: 1, fp: 1 }],
    ["wrapped sightings as listSightings gives them", [{ Sighting: { type: "1", date_sighting: String(CUT + 1) } }, { type: 1, date_sighting: CUT + 2 }], CUT, { tp: 0, fp: 2 }],
    ["a sighting whose type is missing as neither", [{ date_sighting: CUT + 1 }], CUT, { tp: 0, fp: 0 }],
    ["a sighting whose date is missing or not numeric as not newer", [{ type: 1 }, { type: 1, date_sighting: "yesterday" }], CUT, { tp: 0, fp: 0 }],
    ["every sighting since 1970 with the default cutoff", [{ type: 1, date_sighting: 1 }, { type: 0, date_sighting: "86400" }], 0, { tp: 1, fp: 1 }],
    ["nothing at the epoch second itself with the default cutoff", [{ type: 1, date_sighting: 0 }], 0, { tp: 0, fp: 0 }],
  ])("counts %s", (_label, sightings, cutoff, expected) => {
    expect(countSightings(sightings, cutoff)).toEqual(expected);
  });
});

describe("deciding", () => {
  const rule = (overrides: Partial<SweepRule> = {}): SweepRule => ({ ...DEFAULT_SWEEP_RULE, ...overrides });

  it.each<[string, { tp: number; fp: number }, SweepRule, boolean, number | null]>([
    ["disables with one false positive and nothing else, by default", { tp: 0, fp: 1 }, rule(), true, 1],
    ["disables at exactly the threshold share (≥, not >)", { tp: 1, fp: 1 }, rule(), true, 0.5],
    ["keeps just under the threshold share", { tp: 2, fp: 1 }, rule({ threshold: 0.34 }), false, 1 / 3],
    ["keeps when false positives equal minimalFp (>, not ≥)", { tp: 0, fp: 2 }, rule({ minimalFp: 2 }), false, 1],
    ["disables one false positive above minimalFp", { tp: 0, fp: 3 }, rule({ minimalFp: 2 }), true, 1],
    ["keeps with no sightings", { tp: 0, fp: 0 }, rule(), false, null],
    ["keeps with only true positives", { tp: 5, fp: 0 }, rule(), false, 0],
    ["keeps with no sightings even when minimalFp is negative (the script divides by zero)", { tp: 0, fp: 0 }, rule({ minimalFp: -1 }), false, null],
    ["keeps only-true-positive attributes with a negative minimalFp and a positive threshold", { tp: 3, fp: 0 }, rule({ minimalFp: -1 }), false, 0],
    ["disables only-true-positive attributes with a negative minimalFp and a threshold of 0", { tp: 3, fp: 0 }, rule({ minimalFp: -1, threshold: 0 }), true, 0],
    ["disables on any false positive with a threshold of 0", { tp: 99, fp: 1 }, rule({ threshold: 0 }), true, 0.01],
    ["needs every report to be false with a threshold of 1", { tp: 1, fp: 99 }, rule({ threshold: 1 }), false, 0.99],
    ["disables with a threshold of 1 when every report is false", { tp: 0, fp: 4 }, rule({ threshold: 1 }), true, 1],
  ])("%s", (_label, counts, theRule, disable, ratio) => {
    const decision = decide(counts, theRule);
    expect(decision.disable).toBe(disable);
    expect(decision.tp).toBe(counts.tp);
    expect(decision.fp).toBe(counts.fp);
    if (ratio === null) expect(decision.ratio).toBeNull();
    else expect(decision.ratio).toBeCloseTo(ratio, 12);
  });

  it("never gives NaN, whatever the counts and the rule", () => {
    for (const minimalFp of [-5, -1, 0, 3]) {
      const decision = decide({ tp: 0, fp: 0 }, rule({ minimalFp }));
      expect(decision.ratio).toBeNull();
      expect(decision.reason).not.toMatch(/NaN|Infinity|undefined/);
    }
  });

  it("explains a disabled attribute with its counts, its share and both thresholds", () => {
    const { reason } = decide({ tp: 1, fp: 3 }, rule({ minimalFp: 2, cutoff: CUT }));
    expect(reason).toBe(
      "Turn to_ids off: 3 false positives and 1 true positive after 2023-11-14 22:13:20 UTC, " +
        "so 75% of the reports are false positives (threshold 50%, more than 2 false positives required).",
    );
  });

  it("explains an attribute kept for too few false positives", () => {
    expect(decide({ tp: 0, fp: 1 }, rule({ minimalFp: 1 })).reason).toBe(
      "Keep to_ids: 1 false positive and 0 true positives after 1970-01-01 00:00:00 UTC; " +
        "more than 1 false positive are required before the share is considered.",
    );
  });

  it("explains an attribute kept for a share under the threshold", () => {
    expect(decide({ tp: 3, fp: 1 }, rule()).reason).toBe(
      "Keep to_ids: 1 false positive and 3 true positives after 1970-01-01 00:00:00 UTC, " +
        "so only 25% of the reports are false positives, under the 50% threshold.",
    );
  });

  it("explains an attribute without counted sightings", () => {
    expect(decide({ tp: 0, fp: 0 }, rule()).reason).toBe("Keep to_ids: no false- or true-positive sighting after 1970-01-01 00:00:00 UTC.");
  });

  it("shows enough decimals to tell a share from a close threshold", () => {
    const { reason, disable } = decide({ tp: 2, fp: 1 }, rule({ threshold: 0.3334 }));
    expect(disable).toBe(false);
    expect(reason).toContain("only 33.33% of the reports are false positives, under the 33.34% threshold");
  });

  it("agrees with a direct statement of the rule for any counts and any valid rule", () => {
    fc.assert(
      fc.property(
        fc.nat(1_000),
        fc.nat(1_000),
        fc.integer({ min: -3, max: 50 }),
        fc.oneof(fc.double({ min: 0, max: 1, noNaN: true }), fc.constantFrom(0, 0.5, 1, 1 / 3, 2 / 3)),
        (tp, fp, minimalFp, threshold) => {
          const decision = decide({ tp, fp }, { minimalFp, threshold, cutoff: 0 });
          const expected = fp > minimalFp && tp + fp > 0 && fp / (tp + fp) >= threshold;
          expect(decision.disable).toBe(expected);
          expect(decision.ratio === null || Number.isFinite(decision.ratio)).toBe(true);
          expect(decision.reason.startsWith(expected ? "Turn to_ids off" : "Keep to_ids")).toBe(true);
        },
      ),
      { numRuns: 2_000 },
    );
  });

  it("counts and decides like the script on generated sightings", () => {
    const sighting = fc.record({
      type: fc.oneof(fc.integer({ min: 0, max: 3 }), fc.constantFrom("0", "1", "2")),
      date_sighting: fc.oneof(fc.integer({ min: CUT - 5, max: CUT + 5 }), fc.integer({ min: CUT - 5, max: CUT + 5 }).map(String)),
    });
    fc.assert(
      fc.property(fc.array(sighting, { maxLength: 30 }), fc.integer({ min: -1, max: 3 }), (sightings, minimalFp) => {
        let tp = 0;
        let fp = 0;
        for (const s of sightings) {
          if (Number(s.date_sighting) > CUT) {
            if (Number(s.type) === 0) tp++;
            if (Number(s.type) === 1) fp++;
          }
        }
        const counts = countSightings(sightings, CUT);
        expect(counts).toEqual({ tp, fp });
        const disable = fp > minimalFp && tp + fp > 0 && fp / (tp + fp) >= 0.5;
        expect(decide(counts, { minimalFp, threshold: 0.5, cutoff: CUT }).disable).toBe(disable);
      }),
    );
  });
});

describe("the --minimal-date-sighting cutoff", () => {
  it.each([
    ["1970-01-01 00:00:00", 0],
    ["1970-01-01 00:00:01", 1],
    ["2023-11-14 22:13:20", CUT],
    ["2024-02-29 12:30:00", 1_709_209_800],
    ["1969-12-31 23:59:59", -1],
    ["0001-01-01 00:00:00", -62_135_596_800],
    ["9999-12-31 23:59:59", 253_402_300_799],
  ])("reads %j as UTC second %i", (text, expected) => {
    expect(parseSightingCutoff(text)).toBe(expected);
  });

  it.each([
    "",
    "2024-01-01",
    "2024-01-01T00:00:00",
    "2024-01-01 00:00:00Z",
    "2024-01-01 00:00:00+02:00",
    "2024-01-01 00:00",
    "2024-1-1 00:00:00",
    " 2024-01-01 00:00:00",
    "2024-01-01 00:00:00 ",
    "2024-01-01  00:00:00",
    "2023-02-29 00:00:00",
    "2024-13-01 00:00:00",
    "2024-00-10 00:00:00",
    "2024-04-31 00:00:00",
    "2024-01-01 24:00:00",
    "2024-01-01 23:60:00",
    "2024-01-01 23:59:60",
    "0000-01-01 00:00:00",
    "1700000000",
  ])("refuses %j with INVALID_INPUT naming --minimal-date-sighting", (text) => {
    const error = refusal(() => parseSightingCutoff(text));
    expect(error.code).toBe("INVALID_INPUT");
    expect(error.field).toBe("--minimal-date-sighting");
    expect(error.message).toContain("--minimal-date-sighting");
  });

  it("formats a cutoff back into the same text", () => {
    for (const text of ["1970-01-01 00:00:00", "2024-02-29 12:30:00", "0001-01-01 00:00:00", "1969-12-31 23:59:59"]) {
      expect(formatCutoff(parseSightingCutoff(text))).toBe(text);
    }
  });
});

describe("validating a rule", () => {
  it("fills in the script's defaults", () => {
    expect(validateSweepRule()).toEqual({ minimalFp: 0, threshold: 0.5, cutoff: 0 });
    expect(validateSweepRule({})).toEqual(DEFAULT_SWEEP_RULE);
  });

  it.each([
    [{ minimalFp: 3, threshold: 0.8, cutoff: CUT }, { minimalFp: 3, threshold: 0.8, cutoff: CUT }],
    [{ minimalFp: "2", threshold: "0.25", cutoff: String(CUT) }, { minimalFp: 2, threshold: 0.25, cutoff: CUT }],
    [{ minimalFp: -1 }, { minimalFp: -1, threshold: 0.5, cutoff: 0 }],
    [{ threshold: 0 }, { minimalFp: 0, threshold: 0, cutoff: 0 }],
    [{ threshold: 1 }, { minimalFp: 0, threshold: 1, cutoff: 0 }],
    [{ threshold: null, minimalFp: null }, { minimalFp: 0, threshold: 0.5, cutoff: 0 }],
  ])("accepts %j", (input, expected) => {
    expect(validateSweepRule(input)).toEqual(expected);
  });

  it.each([
    [{ minimalFp: 1.5 }, "minimalFp"],
    [{ minimalFp: "two" }, "minimalFp"],
    [{ minimalFp: Number.MAX_SAFE_INTEGER * 4 }, "minimalFp"],
    [{ minimalFp: true }, "minimalFp"],
    [{ threshold: Number.NaN }, "threshold"],
    [{ threshold: Number.POSITIVE_INFINITY }, "threshold"],
    [{ threshold: "" }, "threshold"],
    [{ threshold: "half" }, "threshold"],
    [{ threshold: 50 }, "threshold"],
    [{ threshold: 1.0001 }, "threshold"],
    [{ threshold: -0.1 }, "threshold"],
    [{ cutoff: "1970-01-01 00:00:00" }, "cutoff"],
    [{ cutoff: Number.NEGATIVE_INFINITY }, "cutoff"],
  ])("refuses %j, naming %s", (input, field) => {
    const error = refusal(() => validateSweepRule(input));
    expect(error.code).toBe("INVALID_INPUT");
    expect(error.field).toBe(field);
  });
});

describe("the rule against poisoning", () => {
  const flood = [
    ...Array.from({ length: 20 }, (_, i) => ({ type: 1, date_sighting: CUT + 10 + i, org_id: 7 })),
    ...Array.from({ length: 5 }, (_, i) => ({ type: 0, date_sighting: CUT + 100 + i, org_id: 1 })),
  ];

  it("counts at most maxPerOrg sightings of each kind per organisation, and the organisations with false positives", () => {
    expect(countSightings(flood, { cutoff: CUT, maxPerOrg: 2 })).toEqual({ tp: 2, fp: 2, orgs: 1 });
    expect(countSightings(flood, { cutoff: CUT, minOrgs: 2 })).toEqual({ tp: 5, fp: 20, orgs: 1 });
    // Without either option the count is the script's.
    expect(countSightings(flood, { cutoff: CUT })).toEqual({ tp: 5, fp: 20 });
  });

  it("tells organisations apart by org_id, else by the Organisation's uuid or name", () => {
    const sightings = [
      { type: 1, date_sighting: CUT + 1, Organisation: { uuid: "u-1", name: "One" } },
      { type: 1, date_sighting: CUT + 2, Organisation: { name: "Two" } },
      { type: 1, date_sighting: CUT + 3 },
      { Sighting: { type: "1", date_sighting: String(CUT + 4), org_id: "9" } },
    ];
    expect(countSightings(sightings, { cutoff: CUT, minOrgs: 2 })).toEqual({ tp: 0, fp: 4, orgs: 4 });
  });

  it("never counts sightings dated after notAfter", () => {
    expect(countSightings([{ type: 1, date_sighting: CUT + 50 }, { type: 1, date_sighting: CUT + 51 }], { cutoff: CUT, notAfter: CUT + 50 })).toEqual({ tp: 0, fp: 1 });
  });

  it("keeps an indicator whose false positives come from too few organisations, and says so", () => {
    const decision = decide(countSightings(flood, { cutoff: CUT, minOrgs: 2 }), { ...DEFAULT_SWEEP_RULE, cutoff: CUT, minOrgs: 2 });
    expect(decision.disable).toBe(false);
    expect(decision.reason).toBe(
      `Keep to_ids: 20 false positives (from 1 organisation) and 5 true positives after ${formatCutoff(CUT)} UTC, so 80% of the reports are false positives, but false positives from at least 2 organisations are required.`,
    );
  });

  it("reads maxPerOrg and minOrgs, leaving them out at their defaults", () => {
    expect(validateSweepRule({ maxPerOrg: "3", minOrgs: 2 })).toEqual({ minimalFp: 0, threshold: 0.5, cutoff: 0, maxPerOrg: 3, minOrgs: 2 });
    expect(validateSweepRule({ maxPerOrg: 0, minOrgs: 1 })).toEqual({ minimalFp: 0, threshold: 0.5, cutoff: 0 });
    expect(refusal(() => validateSweepRule({ maxPerOrg: -1 }))).toMatchObject({ field: "maxPerOrg" });
    expect(refusal(() => validateSweepRule({ minOrgs: 1.5 }))).toMatchObject({ field: "minOrgs" });
  });
});
