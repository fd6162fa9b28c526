/**
 * API keys: 40 random letters and digits, like MISP's. Only a SHA-256 hash is stored, with the
 * first and last four characters to recognise a key in listings. A key is shown once, at creation.
 */
import { createHash, randomInt } from "node:crypto";
import { HalflifeError } from "../core/errors.js";
import type { ApiKeyRecord, Principal } from "../core/domain.js";
import type { StoreSession } from "../store/store.js";
import type { AppContext } from "./context.js";

const ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
const KEY_SHAPE = /^[A-Za-z0-9]{40}$/;

export function generateKey(): string {
  let key = "";
  for (let i = 0; i < 40; i++) key += ALPHABET[randomInt(ALPHABET.length)];
  return key;
}

export function hashKey(key: string): string {
  return createHash("sha256").update(key).digest("hex");
}

export async function storeKey(
  tx: StoreSession,
  userId: number,
  now: number,
  options: { key?: string; comment?: string; expiresAt?: number | null } = {},
): Promise<{ key: string; record: ApiKeyRecord }> {
  const key = options.key ?? generateKey();
  if (!KEY_SHAPE.test(key)) throw new HalflifeError("INVALID_INPUT", "an API key is 40 letters and digits", { field: "key" });
  const record = await tx.keys.create({
    user_id: userId,
    key_hash: hashKey(key),
    key_start: key.slice(0, 4),
    key_end: key.slice(-4),
    comment: options.comment ?? "",
    created: now,
    expires_at: options.expiresAt ?? null,
  });
  return { key, record };
}

const AUTH_FAILED =
  "Authentication failed. Please make sure you pass the API key of an API enabled user along in the Authorization header.";

// Recording "last used" on every request would turn each read into a write; once a minute is enough.
const TOUCH_INTERVAL_SECONDS = 60;
const lastTouched = new Map<number, number>();

/** The principal behind an API key, or a typed UNAUTHENTICATED error. */
export async function authenticate(context: AppContext, key: string | undefined): Promise<Principal> {
  const candidate = key?.trim();
  if (!candidate || !KEY_SHAPE.test(candidate)) throw new HalflifeError("UNAUTHENTICATED", AUTH_FAILED);
  const now = context.now();
  const principal = await context.store.keys.principalByHash(hashKey(candidate), now);
  if (!principal) throw new HalflifeError("UNAUTHENTICATED", AUTH_FAILED);
  if (principal.keyId !== null && now - (lastTouched.get(principal.keyId) ?? 0) >= TOUCH_INTERVAL_SECONDS) {
    lastTouched.set(principal.keyId, now);
    await context.store.keys.touch(principal.keyId, now);
  }
  return principal;
}
