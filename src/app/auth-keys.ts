/**
 * API keys (MISP's AuthKeys). A key is shown once, when it is made; afterwards only its first and
 * last four characters. Who may manage a user's keys: the user, when their role allows API access;
 * an organisation admin, for the users of its organisation who hold no administration rights; a
 * site admin, for anyone. A key the caller may not manage is answered exactly as a key that does
 * not exist, so that key ids and their owners do not leak.
 */
import { HalflifeError, invalidInput } from "../core/errors.js";
import type { ApiKeyRecord, Principal, UserRecord } from "../core/domain.js";
import type { AppContext } from "./context.js";
import { storeKey } from "./keys.js";
import { canAdministerUser, canManageOwnKeys, forbidden } from "./permissions.js";
import { findUser } from "./users.js";

export interface KeyInput {
  comment?: string;
  /** Unix seconds; null or absent for a key that does not expire. */
  expiresAt?: number | null;
}

/** A key with the user it belongs to. */
export interface KeyView {
  key: ApiKeyRecord;
  user: UserRecord;
}

const NO_SUCH_KEY = "Invalid authkey";
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

async function mayManageKeysOf(context: AppContext, principal: Principal | null, user: UserRecord): Promise<boolean> {
  if (!principal || canManageOwnKeys(principal, user)) return true;
  const role = await context.store.users.roleById(user.role_id);
  return role !== null && canAdministerUser(principal, user, role);
}

/** A user whose keys the principal may manage: NOT_FOUND when hidden, FORBIDDEN when only visible. */
async function keyOwner(context: AppContext, principal: Principal | null, userReference: string | number): Promise<UserRecord> {
  const user = await findUser(context, principal, userReference);
  if (!(await mayManageKeysOf(context, principal, user))) throw forbidden("You may not manage this user's API keys.");
  return user;
}

/** A new API key for a user ("me" for oneself), returned in clear this once. */
export async function createKey(
  context: AppContext,
  principal: Principal | null,
  userReference: string | number,
  input: KeyInput | string = {},
): Promise<{ key: string; record: ApiKeyRecord; user: UserRecord }> {
  const options = typeof input === "string" ? { comment: input } : input;
  const user = await keyOwner(context, principal, userReference);
  const now = context.now();
  if (options.expiresAt != null && options.expiresAt <= now) throw invalidInput("expiration", "must be in the future");
  if ((options.comment ?? "").length > 65_535) throw invalidInput("comment", "is longer than 65535 characters");
  const stored = await context.store.transaction((tx) => storeKey(tx, user.id, now, { comment: options.comment ?? "", expiresAt: options.expiresAt ?? null }));
  return { ...stored, user };
}

/** One user's keys, revoked ones included (the command line and /halflife/users/{id}/keys). */
export async function listKeys(context: AppContext, principal: Principal | null, userReference: string | number): Promise<ApiKeyRecord[]> {
  const user = await keyOwner(context, principal, userReference);
  return context.store.keys.listForUser(user.id);
}

/** Every live key the principal may manage (auth_keys/index). */
export async function listManageableKeys(context: AppContext, principal: Principal | null): Promise<KeyView[]> {
  let users: UserRecord[];
  if (!principal || principal.role.perm_site_admin) users = await context.store.users.list();
  else {
    const candidates = principal.role.perm_admin ? await context.store.users.list({ orgId: principal.org.id }) : [principal.user];
    users = [];
    for (const user of candidates) if (await mayManageKeysOf(context, principal, user)) users.push(user);
  }
  const byId = new Map(users.map((u) => [u.id, u]));
  const keys = await context.store.keys.list(principal && !principal.role.perm_site_admin ? [...byId.keys()] : undefined);
  return keys.filter((k) => k.revoked_at === null && byId.has(k.user_id)).map((key) => ({ key, user: byId.get(key.user_id)! }));
}

/** A key by id or uuid that the principal may manage, or NOT_FOUND. */
export async function viewKey(context: AppContext, principal: Principal | null, reference: string | number): Promise<KeyView> {
  const text = String(reference).trim();
  const key = /^\d+$/.test(text) ? await context.store.keys.byId(Number(text)) : UUID.test(text) ? await context.store.keys.byUuid(text.toLowerCase()) : null;
  const user = key ? await context.store.users.byId(key.user_id) : null;
  if (!key || !user || !(await mayManageKeysOf(context, principal, user))) throw new HalflifeError("NOT_FOUND", NO_SUCH_KEY);
  return { key, user };
}

/** Revokes a key: it stops working at once, and the sessions it opened end. */
export async function revokeKey(context: AppContext, principal: Principal | null, reference: string | number): Promise<ApiKeyRecord> {
  const { key } = await viewKey(context, principal, reference);
  const now = context.now();
  await context.store.transaction((tx) => tx.keys.revoke(key.id, now));
  return { ...key, revoked_at: key.revoked_at ?? now };
}
