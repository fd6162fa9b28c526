/**
 * Web UI logins. A user logs in with an API key and gets a session token for an httpOnly cookie;
 * only the token's hash is stored. Each session also has a CSRF token, which the UI sends back in
 * a header on every change: it is derived from the session token with a one-way hash, so knowing
 * it reveals nothing about the cookie, and it needs no column of its own.
 *
 * A session acts exactly as the key that opened it: the principal is the same, and revoking the
 * key, disabling the user or reaching the expiry ends it.
 */
import { createHash, randomBytes, timingSafeEqual } from "node:crypto";
import type { Principal } from "../core/domain.js";
import { HalflifeError } from "../core/errors.js";
import type { AppContext } from "./context.js";
import { authenticate } from "./keys.js";

export interface ActiveSession {
  principal: Principal;
  csrfToken: string;
  /** Unix seconds. */
  expiresAt: number;
}

export interface StartedSession extends ActiveSession {
  /** The secret for the cookie; returned only here, at login. */
  token: string;
}

// 32 random bytes: the same strength as an API key, in a cookie-safe alphabet.
const TOKEN_SHAPE = /^[A-Za-z0-9_-]{43}$/;

const sha256 = (text: string) => createHash("sha256").update(text).digest("hex");

/** The CSRF token of a session token. */
export function csrfTokenFor(token: string): string {
  return createHash("sha256").update(`halflife-csrf\0${token}`).digest("base64url");
}

/** Compares a CSRF token sent by a client with the expected one, in constant time. */
export function csrfMatches(expected: string, given: string | undefined): boolean {
  if (given === undefined) return false;
  const a = Buffer.from(expected);
  const b = Buffer.from(given);
  return a.length === b.length && timingSafeEqual(a, b);
}

/**
 * Logs in with an API key: a new session that lasts `ttlSeconds`.
 *
 * @throws HalflifeError UNAUTHENTICATED for an unknown, revoked or expired key (MISP's message).
 */
export async function startSession(context: AppContext, key: string | undefined, ttlSeconds: number): Promise<StartedSession> {
  const principal = await authenticate(context, key);
  if (principal.keyId === null) throw new HalflifeError("UNAUTHENTICATED", "Log in with an API key.");
  const now = context.now();
  const token = randomBytes(32).toString("base64url");
  const expiresAt = now + ttlSeconds;
  const keyId = principal.keyId;
  await context.store.transaction(async (tx) => {
    // Logins are rare; tidying expired sessions here keeps the table small without a job.
    await tx.uiSessions.deleteExpired(now);
    await tx.uiSessions.create({ token_hash: sha256(token), user_id: principal.user.id, key_id: keyId, created: now, expires_at: expiresAt });
    await tx.users.update(principal.user.id, { last_login: now });
  });
  return { token, principal: { ...principal, user: { ...principal.user, last_login: now } }, csrfToken: csrfTokenFor(token), expiresAt };
}

/** The session behind a cookie's token, or null when there is none (unknown, expired, key revoked, user disabled). */
export async function findSession(context: AppContext, token: string | undefined): Promise<ActiveSession | null> {
  if (token === undefined || !TOKEN_SHAPE.test(token)) return null;
  const session = await context.store.uiSessions.active(sha256(token), context.now());
  if (!session) return null;
  const principal = await context.store.keys.principalForUser(session.user_id);
  if (!principal) return null;
  return { principal: { ...principal, keyId: session.key_id }, csrfToken: csrfTokenFor(token), expiresAt: session.expires_at };
}

/** Logs out: the token no longer opens anything. */
export async function endSession(context: AppContext, token: string | undefined): Promise<void> {
  if (token === undefined || !TOKEN_SHAPE.test(token)) return;
  await context.store.uiSessions.delete(sha256(token));
}
