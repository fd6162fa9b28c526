/**
 * Failed authentication, logged and throttled per client address. Each failure (a wrong, revoked or
 * expired key, an ended session, a failed UI login) is logged with the address it came from. An
 * address that fails `maxFailures` times within `windowSeconds` is refused with 429 and a
 * `Retry-After` until that window is over: every request from it that presents a key, a session
 * cookie or a login is refused unchecked, so guessing stops working, whatever the guess. Requests
 * that succeed are never counted and cost one map lookup; requests without credentials (the
 * health check, the UI's files) are never refused.
 *
 * The counts live in this process: behind a load balancer each node counts for itself.
 */
import { getConnInfo } from "@hono/node-server/conninfo";
import type { Context } from "hono";
import { getCookie } from "hono/cookie";
import { apiKeyOf } from "./auth.js";

export interface AuthThrottleOptions {
  /** Failures an address may make within the window; 0 turns the throttle off (failures are still logged). */
  maxFailures: number;
  windowSeconds: number;
  /** Read the client's address from the last X-Forwarded-For entry (the one a trusted proxy added). */
  trustProxy: boolean;
}

export interface AuthFailureLogger {
  warn?(details: Record<string, unknown>, message: string): void;
}

/** Addresses remembered at most; past this, windows that are over are forgotten first, then the oldest. */
const MAX_ADDRESSES = 100_000;

/** The client's address: the socket's peer, or what a trusted proxy says it is. */
export function clientAddress(c: Context, trustProxy: boolean): string {
  if (trustProxy) {
    const forwarded = c.req.header("x-forwarded-for")?.split(",").at(-1)?.trim();
    if (forwarded) return forwarded;
  }
  try {
    return getConnInfo(c).remote.address ?? "unknown";
  } catch {
    // In-process requests (tests) have no socket.
    return "unknown";
  }
}

/** Whether a request asks to be authenticated: it carries a key or a session cookie, or it is a login. */
export function presentsCredentials(c: Context, sessionCookie: string): boolean {
  if (apiKeyOf(c) !== undefined) return true;
  if (getCookie(c, sessionCookie) !== undefined) return true;
  return c.req.method === "POST" && c.req.path === "/halflife/session";
}

export class AuthThrottle {
  readonly #windows = new Map<string, { start: number; failures: number }>();

  constructor(
    private readonly options: AuthThrottleOptions,
    private readonly now: () => number,
  ) {}

  get enabled(): boolean {
    return this.options.maxFailures > 0;
  }

  /** Seconds until the address may try again; 0 when it may now. */
  retryAfter(address: string): number {
    if (!this.enabled) return 0;
    const window = this.#windows.get(address);
    if (!window) return 0;
    const left = window.start + this.options.windowSeconds - this.now();
    if (left <= 0) {
      this.#windows.delete(address);
      return 0;
    }
    return window.failures >= this.options.maxFailures ? left : 0;
  }

  /** Counts a failure; returns the failures of the address's current window. */
  fail(address: string): number {
    if (!this.enabled) return 0;
    const now = this.now();
    let window = this.#windows.get(address);
    if (!window || now - window.start >= this.options.windowSeconds) {
      this.#windows.delete(address);
      window = { start: now, failures: 0 };
      this.#windows.set(address, window);
      this.#prune(now);
    }
    window.failures += 1;
    return window.failures;
  }

  #prune(now: number): void {
    if (this.#windows.size <= MAX_ADDRESSES) return;
    for (const [address, window] of this.#windows) if (now - window.start >= this.options.windowSeconds) this.#windows.delete(address);
    // Maps iterate in insertion order: what is left over the bound is the oldest.
    for (const address of this.#windows.keys()) {
      if (this.#windows.size <= MAX_ADDRESSES) break;
      this.#windows.delete(address);
    }
  }
}
