import { describe, expect, it } from "vitest";
import fc from "fast-check";
import { backoffDelay, classifyNetworkCode, isRetryableStatus, parseRetryAfter, type RetryPolicy } from "../../src/misp/retry.js";

const policy = (random: number, overrides: Partial<RetryPolicy> = {}): RetryPolicy => ({
  retries: 3,
  baseDelayMs: 100,
  maxDelayMs: 1_000,
  random: () => random,
  ...overrides,
});

describe("back-off", () => {
  it.each([
    [1, 0, 50],
    [1, 0.999, 100],
    [2, 0, 100],
    [3, 0.5, 300],
    [4, 0, 400],
    [5, 0.999, 1_000],
    [10, 0, 500],
  ])("waits, before retry %i with jitter %f, %i ms", (retry, random, expected) => {
    expect(backoffDelay(retry, policy(random))).toBe(expected);
  });

  it("stays within half and all of the capped exponential delay", () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 40 }), fc.double({ min: 0, max: 0.9999999, noNaN: true }), (retry, random) => {
        const capped = Math.min(1_000, 100 * 2 ** (retry - 1));
        const delay = backoffDelay(retry, policy(random));
        expect(delay).toBeGreaterThanOrEqual(Math.floor(capped / 2));
        expect(delay).toBeLessThanOrEqual(capped);
      }),
    );
  });

  it("honours a longer Retry-After, but never beyond the longest delay", () => {
    expect(backoffDelay(1, policy(0), 700)).toBe(700);
    expect(backoffDelay(1, policy(0), 5_000)).toBe(1_000);
    expect(backoffDelay(3, policy(1), 10)).toBe(400);
  });

  it("reads Retry-After in seconds or as an HTTP date", () => {
    const now = Date.parse("2026-11-24T10:00:00Z");
    expect(parseRetryAfter("3", now)).toBe(3_000);
    expect(parseRetryAfter("Tue, 24 Nov 2026 10:00:05 GMT", now)).toBe(5_000);
    expect(parseRetryAfter("Tue, 24 Nov 2026 09:00:00 GMT", now)).toBe(0);
    expect(parseRetryAfter(null, now)).toBeUndefined();
    expect(parseRetryAfter("soon", now)).toBeUndefined();
  });
});

describe("what is worth retrying", () => {
  it.each([
    [500, true],
    [502, true],
    [503, true],
    [504, true],
    [429, true],
    [408, true],
    [400, false],
    [403, false],
    [404, false],
  ])("HTTP %i: %s", (status, expected) => {
    expect(isRetryableStatus(status)).toBe(expected);
  });

  it.each([
    ["ECONNREFUSED", "never-sent"],
    ["UND_ERR_CONNECT_TIMEOUT", "never-sent"],
    ["DEPTH_ZERO_SELF_SIGNED_CERT", "certificate"],
    ["CERT_HAS_EXPIRED", "certificate"],
    ["ERR_TLS_CERT_ALTNAME_INVALID", "certificate"],
    ["ECONNRESET", "broken"],
    ["UND_ERR_SOCKET", "broken"],
  ])("%s is %s", (code, kind) => {
    expect(classifyNetworkCode(code)).toBe(kind);
  });
});
