import { describe, expect, it } from "vitest";
import { scoreOverTime } from "../../src/core/simulation.js";
import { polynomialScore } from "../../src/core/formulas/polynomial.js";
import { attribute, DAY, HOUR, NOW, polynomialModel } from "../support/scoring.js";

describe("score over time", () => {
  const model = polynomialModel({ lifetime: 10, decay_speed: 1, threshold: 40, default_base_score: 100 });

  it("draws one point an hour from the modification until the lifetime has run out", () => {
    const start = NOW - 5 * DAY;
    const sim = scoreOverTime(model, attribute({ timestamp: start }), { now: NOW });
    expect(sim.stepSeconds).toBe(HOUR);
    expect(sim.points).toHaveLength(10 * 24);
    expect(sim.points[0]).toMatchObject({ time: start, score: 100, decayed: false });
    expect(sim.points[24]!.score).toBeCloseTo(90, 10);
    expect(sim.sightings).toEqual([{ date_sighting: start, rounded_timestamp: start, type: 0, synthetic: true }]);
    expect(sim.current.score).toBeCloseTo(50, 10);
  });

  it("restarts the curve at each true-positive sighting and ignores false positives", () => {
    const start = NOW - 20 * DAY;
    const sighting = start + 5 * DAY;
    const sim = scoreOverTime(
      model,
      attribute({ timestamp: start, Sighting: [{ type: 0, date_sighting: sighting }, { type: 1, date_sighting: start + DAY }] }),
      { now: NOW },
    );
    const at = (t: number) => sim.points.find((p) => p.time === t)!;
    expect(at(start + 4 * DAY).score).toBeCloseTo(polynomialScore(100, 4 * DAY, 10 * DAY, 1), 10);
    expect(at(sighting).score).toBe(100);
    expect(at(sighting + DAY).score).toBeCloseTo(90, 10);
    expect(sim.points.at(-1)!.time).toBe(sighting + 10 * DAY - HOUR);
    expect(sim.lastSighting.date_sighting).toBe(sighting);
  });

  it("restarts at the modification when the attribute changed after its last sighting", () => {
    const sighting = NOW - 10 * DAY;
    const modified = NOW - 2 * DAY;
    const sim = scoreOverTime(model, attribute({ timestamp: modified, Sighting: [{ type: 0, date_sighting: sighting }] }), { now: NOW });
    expect(sim.sightings.map((s) => [s.date_sighting, s.synthetic])).toEqual([
      [sighting, false],
      [modified, true],
    ]);
    expect(sim.current.referenceTime).toBe(modified);
  });

  it("widens the step so that a chart never holds more than its limit of points", () => {
    const long = polynomialModel({ lifetime: 3650, decay_speed: 1, threshold: 10 });
    const sim = scoreOverTime(long, attribute({ timestamp: NOW }), { now: NOW });
    expect(sim.points.length).toBeLessThanOrEqual(20_000);
    expect(sim.stepSeconds % HOUR).toBe(0);
  });

  it("replays the Sightings formula with the sightings known at each point", () => {
    const sightingsModel = polynomialModel({ threshold: 50, default_base_score: 100 }, "Sightings");
    const t0 = NOW - 3 * DAY;
    const sim = scoreOverTime(
      sightingsModel,
      attribute({ timestamp: t0, Sighting: [{ type: 0, date_sighting: t0 }, { type: 1, date_sighting: t0 + DAY }] }),
      { now: NOW },
    );
    expect(sim.points.find((p) => p.time === t0 + 2 * HOUR)!.score).toBe(100);
    expect(sim.points.find((p) => p.time === t0 + 2 * DAY)!.score).toBe(50);
  });
});
