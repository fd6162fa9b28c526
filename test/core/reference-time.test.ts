import { describe, expect, it } from "vitest";
import { computeReferenceTime, lastTruePositive, parseTimestamp } from "../../src/core/reference-time.js";
import { isHalflifeError } from "../../src/core/errors.js";

const T = 1_700_000_000;

describe("reference time", () => {
  it.each([
    ["the last true-positive sighting when it is not older than the modification", { timestamp: T }, T + 50, T + 50],
    ["a sighting at exactly the modification time", { timestamp: T }, T, T],
    ["the modification time when it is newer than the last sighting", { timestamp: T }, T - 50, T],
    ["last_seen when the attribute was modified after the sighting", { timestamp: T, last_seen: "2023-11-14T00:00:00Z" }, T - 50, 1_699_920_000],
    ["last_seen, even when older than the sighting, once modified after it", { timestamp: T, last_seen: "2023-11-14T00:00:00Z" }, T - 1, 1_699_920_000],
    ["last_seen when there is no sighting", { timestamp: T, last_seen: "2023-11-14T00:00:00Z" }, null, 1_699_920_000],
    ["the modification time when there is neither", { timestamp: T, last_seen: null }, null, T],
    ["the sighting over last_seen when not modified after it", { timestamp: T, last_seen: "2023-11-14T00:00:00Z" }, T + 5, T + 5],
  ])("is %s", (_label, attribute, sighting, expected) => {
    expect(computeReferenceTime(attribute, sighting)).toBe(expected);
  });

  it("takes the last sighting from the attribute's sightings when not given, counting type 0 only", () => {
    const Sighting = [
      { type: "0", date_sighting: String(T + 10) },
      { type: 0, date_sighting: T + 30 },
      { type: 1, date_sighting: T + 90 },
      { type: "2", date_sighting: T + 95 },
      { Sighting: { type: "0", date_sighting: T + 20 } },
    ];
    expect(lastTruePositive(Sighting)).toBe(T + 30);
    expect(computeReferenceTime({ timestamp: T, Sighting })).toBe(T + 30);
  });

  it("accepts timestamps as numeric strings", () => {
    expect(computeReferenceTime({ timestamp: String(T) }, null)).toBe(T);
  });
});

describe("ISO-8601 dates", () => {
  it.each([
    ["2019-10-22T12:00:00Z", 1_571_745_600],
    ["2019-10-22T12:00:00.999999+00:00", 1_571_745_600],
    ["2019-10-22T12:00:00+02:00", 1_571_738_400],
    ["2019-10-22T12:00:00-0130", 1_571_751_000],
    ["2019-10-22 12:00:00", 1_571_745_600],
    ["2019-10-22", 1_571_702_400],
    ["1969-12-31T23:59:59.5Z", -1],
    [1_571_745_600, 1_571_745_600],
    ["1571745600", 1_571_745_600],
  ])("reads %j as %i", (input, expected) => {
    expect(parseTimestamp(input)).toBe(expected);
  });

  it.each(["yesterday", "2019-13-01", "2019-10-22T25:00:00Z", "", "2019/10/22"])("refuses %j with INVALID_INPUT", (input) => {
    try {
      parseTimestamp(input, "last_seen");
      expect.unreachable();
    } catch (error) {
      expect(isHalflifeError(error, "INVALID_INPUT")).toBe(true);
      expect((error as { field: string }).field).toBe("last_seen");
    }
  });
});
