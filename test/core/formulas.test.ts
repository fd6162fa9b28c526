import { describe, expect, it } from "vitest";
import { computeBaseScore } from "../../src/core/base-score.js";
import { isHalflifeError } from "../../src/core/errors.js";
import { formulas } from "../../src/core/formulas/registry.js";
import { scoreAttribute } from "../../src/core/score.js";
import { attribute, DAY, defaultModel, HOUR, NOW, polynomialModel, tag } from "../support/scoring.js";

const polynomial = formulas.get("Polynomial");
const extended = formulas.get("PolynomialExtended");
const sightings = formulas.get("Sightings");

describe("Polynomial: the worked examples", () => {
  // Example B: phishing model, B = 77.5
  it.each([
    [12 * HOUR, 41.94, false],
    [24 * HOUR, 29.43, true],
  ])("scores example B at %i s as %d (decayed: %s)", (elapsed, expected, decayed) => {
    const model = defaultModel("Phishing model");
    const score = polynomial.computeScore(model, attribute(), 77.5, elapsed, { now: NOW });
    expect(score).toBeCloseTo(expected, 2);
    expect(polynomial.isDecayed(model, attribute(), score)).toBe(decayed);
  });

  it("crosses the threshold of example B after 0.973 days", () => {
    const model = defaultModel("Phishing model");
    const crossing = polynomial.decaysAt!(model, attribute(), 77.5, { referenceTime: 0 });
    expect(crossing / DAY).toBeCloseTo(0.973, 3);
  });

  // Example C: NIDS, B = default 80
  it.each([
    [30 * DAY, 40, false],
    [60 * DAY, 23.43, true],
  ])("scores example C (NIDS, no matching tags) at %i s as %d (decayed: %s)", (elapsed, expected, decayed) => {
    const model = defaultModel("NIDS Simple Decaying Model");
    const subject = attribute({ AttributeTag: [tag("tlp:white")], timestamp: NOW - elapsed });
    const result = scoreAttribute(model, subject, { now: NOW });
    expect(result.base_score).toBe(80);
    expect(result.score).toBeCloseTo(expected, 2);
    expect(result.decayed).toBe(decayed);
  });

  it("reaches the NIDS threshold at exactly 46.875 days, and is decayed one second later", () => {
    const model = defaultModel("NIDS Simple Decaying Model");
    const t = 46.875 * DAY;
    expect(polynomial.computeScore(model, attribute(), 80, t, { now: NOW })).toBe(30);
    expect(polynomial.isDecayed(model, attribute(), 30)).toBe(false);
    expect(polynomial.isDecayed(model, attribute(), polynomial.computeScore(model, attribute(), 80, t + 1, { now: NOW }))).toBe(true);
    expect(polynomial.decaysAt!(model, attribute(), 80, { referenceTime: 1000 })).toBe(1000 + t + 1);
  });

  // The phishing model's table (reference §9), B = 80
  it.each([
    [0, 80],
    [6, 52.84],
    [12, 43.29],
    [24, 30.38],
    [36, 20.82],
    [48, 12.93],
    [72, 0],
  ])("scores the phishing model at %i h as %d", (hours, expected) => {
    expect(polynomial.computeScore(defaultModel("Phishing model"), attribute(), 80, hours * HOUR, { now: NOW })).toBeCloseTo(expected, 2);
  });

  it.each([
    ["NIDS Simple Decaying Model", 80, 46.875],
    ["NIDS Simple Decaying Model", 100, 58.8],
    ["Phishing model", 80, 1.018],
    ["Phishing model", 100, 1.321],
    ["Vishing model", 80, 3.393],
    ["Vishing model", 100, 4.403],
  ] as const)("%s at B = %i reaches θ = 30 after %d days", (name, base, days) => {
    const crossing = polynomial.decaysAt!(defaultModel(name), attribute(), base, { referenceTime: 0 });
    expect(crossing / DAY).toBeCloseTo(days, 1);
  });

  it("computes the whole chain for the blog example: B = 87.5 at the start", () => {
    const model = polynomialModel({ base_score_config: { "admiralty-scale:source-reliability": 50, "phishing:psychological-acceptability": 50 } });
    const subject = attribute({ AttributeTag: [tag('admiralty-scale:source-reliability="a"', 100), tag('phishing:psychological-acceptability="high"', 75)] });
    expect(scoreAttribute(model, subject, { now: NOW })).toMatchObject({ score: 87.5, base_score: 87.5, decayed: false });
  });
});

describe("Polynomial: edges", () => {
  const model = polynomialModel({ lifetime: 10, decay_speed: 2, threshold: 20 });

  it("scores 0 for a negative elapsed time (a last_seen in the future), which is decayed", () => {
    expect(polynomial.computeScore(model, attribute(), 80, -1, { now: NOW })).toBe(0);
    expect(polynomial.isDecayed(model, attribute(), 0)).toBe(true);
  });

  it("scores B at t = 0", () => {
    expect(polynomial.computeScore(model, attribute(), 80, 0, { now: NOW })).toBe(80);
  });

  it("scores 0 at exactly the lifetime and beyond it", () => {
    expect(polynomial.computeScore(model, attribute(), 80, 10 * DAY, { now: NOW })).toBe(0);
    expect(polynomial.computeScore(model, attribute(), 80, 100 * DAY, { now: NOW })).toBe(0);
  });

  it("is not decayed when the score equals the threshold (strict <)", () => {
    expect(polynomial.isDecayed(model, attribute(), 20)).toBe(false);
    expect(polynomial.isDecayed(model, attribute(), 19.999999)).toBe(true);
  });

  it("does not clamp above 100: B = 220 starts at 220", () => {
    expect(polynomial.computeScore(model, attribute(), 220, 0, { now: NOW })).toBe(220);
  });

  it("takes parameters given as numeric strings", () => {
    const stringy = polynomialModel({ lifetime: "10", decay_speed: "2", threshold: "20" });
    expect(polynomial.computeScore(stringy, attribute(), 80, 5 * DAY, { now: NOW })).toBe(polynomial.computeScore(model, attribute(), 80, 5 * DAY, { now: NOW }));
    expect(polynomial.isDecayed(stringy, attribute(), 19)).toBe(true);
  });

  it("multiplies the lifetime in MISP's order (τ·24·60·60), which can differ from τ·86400 in the last bit", () => {
    const lifetime = 3.3333;
    const misp = lifetime * 24 * 60 * 60;
    const score = polynomial.computeScore(polynomialModel({ lifetime, decay_speed: 1.7 }), attribute(), 80, 12345, { now: NOW });
    expect(score).toBe(80 * (1 - Math.pow(12345 / misp, 1 / 1.7)));
  });

  it.each([
    [{ lifetime: 0 }, "parameters.lifetime"],
    [{ lifetime: -1 }, "parameters.lifetime"],
    [{ decay_speed: 0 }, "parameters.decay_speed"],
    [{ decay_speed: "abc" }, "parameters.decay_speed"],
    [{ lifetime: undefined }, "parameters.lifetime"],
  ])("throws INVALID_MODEL naming the field where MISP would divide by zero: %j", (parameters, field) => {
    try {
      polynomial.computeScore(polynomialModel(parameters), attribute(), 80, DAY, { now: NOW });
      expect.unreachable();
    } catch (error) {
      expect(isHalflifeError(error, "INVALID_MODEL")).toBe(true);
      expect((error as { field: string }).field).toBe(field);
    }
  });

  it("throws INVALID_MODEL for a threshold that is not a number", () => {
    expect(() => polynomial.isDecayed(polynomialModel({ threshold: "high" }), attribute(), 10)).toThrow(/parameters.threshold/);
  });
});

describe("PolynomialExtended: retention", () => {
  const model = polynomialModel({ lifetime: 365, decay_speed: 1, threshold: 10 }, "PolynomialExtended");
  const modified = NOW - 10 * DAY;

  it("scores like Polynomial without a retention tag", () => {
    const subject = attribute({ timestamp: modified });
    expect(extended.computeScore(model, subject, 80, 10 * DAY, { now: NOW })).toBe(polynomial.computeScore(model, subject, 80, 10 * DAY, { now: NOW }));
  });

  it.each([
    [7 * DAY - 1, false],
    [7 * DAY, false],
    [7 * DAY + 1, true],
  ])("zeroes the score of a retention:7d attribute only once more than 7 days passed since its modification (age %i s → zeroed %s)", (age, zeroed) => {
    const subject = attribute({ timestamp: NOW - age, AttributeTag: [tag("retention:7d", 7)] });
    const score = extended.computeScore(model, subject, 80, 0, { now: NOW });
    expect(score === 0).toBe(zeroed);
  });

  it("counts retention from the modification time, not from the reference time", () => {
    // A fresh true-positive sighting does not save an attribute whose retention has expired.
    const subject = attribute({ timestamp: NOW - 3 * DAY, AttributeTag: [tag("retention:2d", 2)] });
    expect(extended.computeScore(model, subject, 80, 0, { now: NOW })).toBe(0);
  });

  it("honours a retention tag on the event", () => {
    const subject = attribute({ timestamp: NOW - 3 * DAY, EventTag: [tag("retention:2d", 2)] });
    expect(extended.computeScore(model, subject, 80, 0, { now: NOW })).toBe(0);
  });

  it("lets an attribute's retention tag override the event's", () => {
    const subject = attribute({ timestamp: NOW - 3 * DAY, EventTag: [tag("retention:2d", 2)], AttributeTag: [tag("retention:1y", 365)] });
    expect(extended.computeScore(model, subject, 80, 0, { now: NOW })).toBe(80);
  });

  it("always zeroes retention:expired once a second has passed", () => {
    const subject = attribute({ timestamp: NOW - 1, AttributeTag: [tag("retention:expired", 0)] });
    expect(extended.computeScore(model, subject, 80, 0, { now: NOW })).toBe(0);
  });

  it("gives decaysAt at the retention boundary: days·86400 + 1 s after the modification", () => {
    const subject = attribute({ timestamp: modified, AttributeTag: [tag("retention:1m", 30)] });
    expect(extended.decaysAt!(model, subject, 80, { referenceTime: modified })).toBe(modified + 30 * DAY + 1);
  });
});

describe("Sightings formula", () => {
  const settings = { minimum_sightings: 3, true_positive_offset: 1, false_positive_offset: 1 };
  const model = polynomialModel({ threshold: 60, settings }, "Sightings");
  const sighting = (type: unknown) => ({ type, date_sighting: NOW });

  it("scores example E: 4 TP, 1 FP, 1 expiration → 80·5/8 = 50, decayed at θ = 60", () => {
    const subject = attribute({ Sighting: [0, 0, 0, 0, 1, 2].map(sighting) });
    const score = sightings.computeScore(model, subject, 80, 0, { now: NOW });
    expect(score).toBe(50);
    expect(sightings.isDecayed(model, subject, score)).toBe(true);
  });

  it("scores B while there are fewer sightings than the minimum (example E with 2 sightings)", () => {
    expect(sightings.computeScore(model, attribute({ Sighting: [sighting(0), sighting(1)] }), 80, 0, { now: NOW })).toBe(80);
  });

  it("uses the defaults (minimum 1, offsets 0) when settings are missing or not an object", () => {
    for (const s of [undefined, "{}", "not json", [], null]) {
      const m = polynomialModel({ settings: s }, "Sightings");
      expect(sightings.computeScore(m, attribute({ Sighting: [sighting(0), sighting(1)] }), 80, 0, { now: NOW })).toBe(40);
      expect(sightings.computeScore(m, attribute(), 80, 0, { now: NOW })).toBe(80);
    }
  });

  it("matches true positives loosely, as PHP's == '0' does", () => {
    const types = [0, "0", 0.0, " 0", "0.0", false, "00"];
    const subject = attribute({ Sighting: types.map(sighting) });
    expect(sightings.computeScore(polynomialModel({}, "Sightings"), subject, 70, 0, { now: NOW })).toBe(70);
    const others = [1, "1", null, "", "a", true, 2];
    const none = attribute({ Sighting: others.map(sighting) });
    expect(sightings.computeScore(polynomialModel({}, "Sightings"), none, 70, 0, { now: NOW })).toBe(0);
  });

  it("reads wrapped sightings ({ Sighting: {...} }) as listSightings returns them", () => {
    const subject = attribute({ Sighting: [{ Sighting: { type: "0", date_sighting: NOW } }, { Sighting: { type: "1", date_sighting: NOW } }] });
    expect(sightings.computeScore(polynomialModel({}, "Sightings"), subject, 80, 0, { now: NOW })).toBe(40);
  });

  it("ignores elapsed time", () => {
    const subject = attribute({ Sighting: [sighting(0), sighting(1)] });
    expect(sightings.computeScore(polynomialModel({}, "Sightings"), subject, 80, 1e9, { now: NOW })).toBe(40);
  });

  it("throws INVALID_MODEL instead of dividing by zero (minimum 0, offsets 0, no sightings)", () => {
    const m = polynomialModel({ settings: { minimum_sightings: 0 } }, "Sightings");
    expect(() => sightings.computeScore(m, attribute(), 80, 0, { now: NOW })).toThrow(/minimum_sightings/);
  });
});

describe("formula registry", () => {
  it("lists the three built-in formulas", () => {
    expect(formulas.names()).toEqual(["Polynomial", "PolynomialExtended", "Sightings"]);
  });

  it("reads an empty name as Polynomial and ignores the case of the first letter", () => {
    expect(formulas.get(undefined).name).toBe("Polynomial");
    expect(formulas.get("").name).toBe("Polynomial");
    expect(formulas.get("polynomial").name).toBe("Polynomial");
    expect(formulas.get("sightings").name).toBe("Sightings");
  });

  it("refuses an unknown formula with UNKNOWN_FORMULA naming the field", () => {
    for (const name of ["polynomial_extended", "POLYNOMIAL", "Exponential"]) {
      try {
        formulas.get(name);
        expect.unreachable();
      } catch (error) {
        expect(isHalflifeError(error, "UNKNOWN_FORMULA")).toBe(true);
        expect((error as { field: string }).field).toBe("formula");
      }
    }
  });

  it("computes base scores through the same core for every formula", () => {
    const model = defaultModel("Phishing model");
    const subject = attribute({ AttributeTag: [tag('phishing:state="active"', 100)] });
    expect(computeBaseScore(model, subject).baseScore).toBe(100);
  });
});

describe("settling a crossing to the second", async () => {
  const { firstDecayedSecond } = await import("../../src/core/formulas/crossing.js");
  it.each([
    [42, 40],
    [42, 42],
    [42, 1e9],
    [0, 5],
    [1_000_000, 0],
    [7, Infinity],
    [7, NaN],
  ])("finds %i from the guess %d", (answer, guess) => {
    let calls = 0;
    const found = firstDecayedSecond((t) => (calls++, t >= answer), guess);
    expect(found).toBe(answer);
    expect(calls).toBeLessThan(100);
  });
});
