import { describe, expect, it } from "vitest";
import { checkUnixTime, isRepresentableTime, MAX_UNIX_TIME, MIN_UNIX_TIME } from "../../src/core/unix-time.js";

describe("the range of times", () => {
  it("spans the years 1 to 9999 exactly", () => {
    expect(new Date(MIN_UNIX_TIME * 1000).toISOString()).toBe("0001-01-01T00:00:00.000Z");
    expect(new Date(MAX_UNIX_TIME * 1000).toISOString()).toBe("9999-12-31T23:59:59.000Z");
    expect(isRepresentableTime(MIN_UNIX_TIME - 1)).toBe(false);
    expect(isRepresentableTime(MAX_UNIX_TIME + 1)).toBe(false);
  });

  it("fits a 64-bit column in microseconds, as first_seen and last_seen are stored", () => {
    expect(BigInt(MAX_UNIX_TIME) * 1_000_000n < 2n ** 63n).toBe(true);
    expect(BigInt(MIN_UNIX_TIME) * 1_000_000n > -(2n ** 63n)).toBe(true);
  });

  it("refuses what is not a finite time, naming the field", () => {
    for (const bad of [1e21, Number.NaN, Infinity, 2 ** 53]) expect(() => checkUnixTime(bad, "from")).toThrow(/^from must be a time between the years 1 and 9999/);
    expect(checkUnixTime(0, "from")).toBe(0);
  });
});
