// The model tool's arithmetic (web/src/lib): the figures MISP's tool shows, the inverse formula the
// curve's handle uses, and the weights the configurator stores.
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { computeBaseScore } from "../../src/core/base-score.js";
import { curve, curveScore, daysAndHours, decaySpeedThrough, expiresAfter, halfLife } from "../../web/src/lib/decay.js";
import { exampleBaseScore, normaliseWeights, shares, weightsFromConfig } from "../../web/src/lib/weights.js";

describe("the model tool's figures", () => {
  it("gives the default models' expiry and half-life for a base score of 100 (reference §9)", () => {
    const models = [
      { name: "NIDS", lifetime: 120, speed: 2, expires: 58.8, half: 14.7 },
      { name: "Phishing", lifetime: 3, speed: 2.3, expires: 1.321, half: 0.268 },
      { name: "Vishing", lifetime: 10, speed: 2.3, expires: 4.403, half: 0.894 },
    ];
    for (const m of models) {
      expect(expiresAfter(m.lifetime, m.speed, 30)).toBeCloseTo(m.expires, 1);
      expect(halfLife(m.lifetime, m.speed, 30)).toBeCloseTo(m.half, 2);
    }
  });

  it("writes durations in days and hours", () => {
    expect(daysAndHours(58.8)).toBe("58 days and 19 hours");
    expect(daysAndHours(1 + 1 / 24)).toBe("1 day and 1 hour");
    expect(daysAndHours(0.268)).toBe("0 days and 6 hours");
    expect(daysAndHours(Infinity)).toBe("never");
  });

  it("draws the curve from 100 at day 0 to 0 at the lifetime", () => {
    const { days, scores } = curve(30, 0.3, 300);
    expect(days).toHaveLength(301);
    expect(scores[0]).toBe(100);
    expect(scores.at(-1)).toBe(0);
    expect(scores.every((s, i) => i === 0 || s <= scores[i - 1]!)).toBe(true);
  });

  it("finds the decay speed whose curve passes through a dragged point", () => {
    expect(decaySpeedThrough(15, 50, 30)).toBeCloseTo(1, 12);
    fc.assert(
      fc.property(fc.double({ min: 1, max: 365, noNaN: true }), fc.double({ min: 0.05, max: 10, noNaN: true }), fc.double({ min: 0.05, max: 0.95, noNaN: true }), (lifetime, speed, share) => {
        const days = share * lifetime;
        const score = curveScore(days, lifetime, speed);
        fc.pre(score > 0.01 && score < 99.99);
        expect(decaySpeedThrough(days, score, lifetime)).toBeCloseTo(speed, 6);
      }),
    );
  });

  it("finds no decay speed outside the curve's domain", () => {
    expect(decaySpeedThrough(0, 50, 30)).toBeNull();
    expect(decaySpeedThrough(30, 50, 30)).toBeNull();
    expect(decaySpeedThrough(10, 100, 30)).toBeNull();
    expect(decaySpeedThrough(10, 0, 30)).toBeNull();
  });
});

describe("the configurator's weights", () => {
  it("stores weights as ratios rounded to 4 decimals, without the zero ones", () => {
    expect(normaliseWeights({ a: 1, b: 2, c: 0 })).toEqual({ a: 0.3333, b: 0.6667 });
    expect(normaliseWeights({})).toEqual({});
  });

  it("reads stored ratios back as slider weights, and shows each weight's share", () => {
    expect(weightsFromConfig({ a: 0.25, b: 0.1667 })).toEqual({ a: 25, b: 16.67 });
    expect(shares({ a: 30, b: 10, c: 0 })).toEqual({ a: 0.75, b: 0.25, c: 0 });
  });

  it("computes an example's base score as the core does with the stored ratios (the blog's 87.5)", () => {
    const tags = [
      { name: 'admiralty-scale:source-reliability="a"', numerical_value: 100 },
      { name: 'phishing:psychological-acceptability="high"', numerical_value: 75 },
    ];
    const result = exampleBaseScore({ "admiralty-scale:source-reliability": 50, "phishing:psychological-acceptability": 50 }, 0, tags);
    expect(result.baseScore).toBe(87.5);
    const weights = { "admiralty-scale:source-reliability": 1, "phishing:psychological-acceptability": 2 };
    const stored = { formula: "Polynomial", parameters: { base_score_config: normaliseWeights(weights), default_base_score: 0 } };
    expect(exampleBaseScore(weights, 0, tags).baseScore).toBe(computeBaseScore(stored, { AttributeTag: tags.map((Tag) => ({ Tag })) }).baseScore);
  });

  it("falls back to the default base score when no example tag is weighted", () => {
    expect(exampleBaseScore({ "phishing:state": 10 }, 42, [{ name: "tlp:amber", numerical_value: 0 }]).baseScore).toBe(42);
  });
});
