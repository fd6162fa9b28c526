/**
 * When and how long the MISP client waits before trying a call again.
 *
 * Back-off is exponential with "equal jitter": half of each delay is fixed and half random, so
 * that many clients (or many concurrent calls of one sweep) hitting a restarting MISP do not come
 * back in lock-step, and yet no retry comes back immediately.
 */

export interface RetryPolicy {
  /** Retries after the first attempt (0 = try once). */
  retries: number;
  /** The first retry waits about this long; each later one about twice as long. */
  baseDelayMs: number;
  /** No wait is longer than this, not even one a server asks for with Retry-After. */
  maxDelayMs: number;
  /** A number in [0, 1): Math.random, or a fixed function in tests. */
  random: () => number;
}

/**
 * The wait before retry number `retry` (1 for the first retry): base·2^(retry−1), capped at
 * maxDelayMs, of which the upper half is random. A server's Retry-After (in ms) is honoured
 * when it is longer, up to maxDelayMs.
 */
export function backoffDelay(retry: number, policy: RetryPolicy, retryAfterMs?: number): number {
  const exponential = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** Math.max(0, retry - 1));
  const jittered = exponential / 2 + (exponential / 2) * policy.random();
  const wanted = retryAfterMs !== undefined && retryAfterMs > jittered ? retryAfterMs : jittered;
  return Math.round(Math.min(policy.maxDelayMs, wanted));
}

/** A Retry-After header (seconds, or an HTTP date) in milliseconds from `now`, or undefined. */
export function parseRetryAfter(header: string | null, now: number): number | undefined {
  if (header === null || header.trim() === "") return undefined;
  if (/^\d+$/.test(header.trim())) return Number(header.trim()) * 1000;
  const date = Date.parse(header);
  return Number.isNaN(date) ? undefined : Math.max(0, date - now);
}

/** Statuses worth another try: the server or a proxy in front of it was busy or broken. */
export function isRetryableStatus(status: number): boolean {
  return status >= 500 || status === 429 || status === 408;
}

/**
 * Connection failures where the request certainly never reached MISP: safe to retry even for a
 * call that is not idempotent.
 */
const NEVER_SENT = new Set(["ECONNREFUSED", "EAI_AGAIN", "ENOTFOUND", "EHOSTUNREACH", "ENETUNREACH", "UND_ERR_CONNECT_TIMEOUT"]);

/** TLS verification failures: retrying cannot fix a certificate, so they fail at once. */
const CERTIFICATE = /CERT|SELF_SIGNED|UNABLE_TO_VERIFY|ERR_TLS_CERT_ALTNAME_INVALID|HOSTNAME_MISMATCH/;

export type NetworkFailureKind = "never-sent" | "certificate" | "broken";

export function classifyNetworkCode(code: string): NetworkFailureKind {
  if (NEVER_SENT.has(code)) return "never-sent";
  if (CERTIFICATE.test(code)) return "certificate";
  return "broken";
}

export const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));
