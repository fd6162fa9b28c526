import { describe, expect, it } from "vitest";
import type { Formula } from "../../src/core/formulas/formula.js";
import { formulas } from "../../src/core/formulas/registry.js";
import { freshWindow, scoreWithModel } from "../../src/core/score.js";

const model = { formula: "Polynomial", parameters: { lifetime: 30, decay_speed: 1, threshold: 30, default_base_score: 80 } };
const attribute = { timestamp: 1_000_000, last_seen: null, Sighting: [] };
const polynomial = formulas.get("Polynomial");

function plugin(overrides: Partial<Formula>): Formula {
  return { ...polynomial, name: "Plugin", ...overrides };
}

describe("scoring one model, contained", () => {
  it("scores as scoreAttribute does when the formula behaves", () => {
    expect(scoreWithModel(model, polynomial, attribute, { now: 1_000_000 + 15 * 86_400 })).toEqual({ score: 40, base_score: 80, decayed: false });
    expect(scoreWithModel(model, polynomial, attribute, { now: 2_000_000, baseScore: 80, referenceTime: 2_000_000 })).toEqual({ score: 80, base_score: 80, decayed: false });
  });

  it("turns a throw, a NaN or a verdict that is not a boolean into an error for that model", () => {
    const now = 1_100_000;
    expect(scoreWithModel(model, plugin({ computeScore: () => { throw new RangeError("bad"); } }), attribute, { now })).toEqual({ error: "formula Plugin failed: bad" });
    expect(scoreWithModel(model, plugin({ computeScore: () => Number.NaN }), attribute, { now })).toEqual({ error: "formula Plugin failed: computeScore answered NaN, not a number" });
    expect(scoreWithModel(model, plugin({ isDecayed: () => "yes" as never }), attribute, { now })).toEqual({ error: "formula Plugin failed: isDecayed answered yes, not true or false" });
    expect(scoreWithModel(model, formulas.resolve("Gone"), attribute, { now })).toEqual({ error: 'formula Gone failed: formula "Gone" is not loaded' });
  });

  it("keeps an attribute fresh in the index when decaysAt fails, rather than failing the write", () => {
    const thrower = plugin({ decaysAt: () => { throw new Error("no"); } });
    expect(freshWindow(thrower, model, attribute, 80, 1_000_000)).toEqual({ from: -Infinity, until: Infinity });
    expect(freshWindow(plugin({ decaysAt: () => Number.NaN }), model, attribute, 80, 1_000_000)).toEqual({ from: -Infinity, until: Infinity });
    const window = freshWindow(polynomial, model, attribute, 80, 1_000_000)!;
    expect(window.from).toBe(1_000_000);
    expect(Math.abs(window.until - (1_000_000 + 30 * 86_400 * (1 - 30 / 80)))).toBeLessThanOrEqual(1);
  });
});
