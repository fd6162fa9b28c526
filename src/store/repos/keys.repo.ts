import { randomUUID } from "node:crypto";
import type { ApiKeyRecord, Principal } from "../../core/domain.js";
import { toOrg, toRole, toUser } from "../rows.js";
import type { KeysPort } from "../store.js";
import type { Db } from "./common.js";

export function keysRepo(db: Db): KeysPort {
  async function principal(userId: number, keyId: number | null): Promise<Principal | null> {
    const user = await db.selectFrom("users").selectAll().where("id", "=", userId).executeTakeFirst();
    if (!user || user.disabled) return null;
    const [org, role] = await Promise.all([
      db.selectFrom("organisations").selectAll().where("id", "=", user.org_id).executeTakeFirst(),
      db.selectFrom("roles").selectAll().where("id", "=", user.role_id).executeTakeFirst(),
    ]);
    if (!org || !role) return null;
    return { user: toUser(user), org: toOrg(org), role: toRole(role), keyId };
  }

  const toKey = (row: Omit<ApiKeyRecord, never> & { key_hash?: string }): ApiKeyRecord => ({
    id: row.id,
    uuid: row.uuid,
    user_id: row.user_id,
    key_start: row.key_start,
    key_end: row.key_end,
    comment: row.comment,
    created: Number(row.created),
    expires_at: row.expires_at === null ? null : Number(row.expires_at),
    revoked_at: row.revoked_at === null ? null : Number(row.revoked_at),
    last_used_at: row.last_used_at === null ? null : Number(row.last_used_at),
  });

  return {
    async create(key) {
      return toKey(await db.insertInto("api_keys").values({ ...key, uuid: key.uuid ?? randomUUID() }).returningAll().executeTakeFirstOrThrow());
    },
    async principalByHash(hash, now) {
      const key = await db
        .selectFrom("api_keys")
        .select(["id", "user_id"])
        .where("key_hash", "=", hash)
        .where("revoked_at", "is", null)
        .where((eb) => eb.or([eb("expires_at", "is", null), eb("expires_at", ">", now)]))
        .executeTakeFirst();
      return key ? principal(key.user_id, key.id) : null;
    },
    principalForUser: (userId) => principal(userId, null),
    async listForUser(userId) {
      return (await db.selectFrom("api_keys").selectAll().where("user_id", "=", userId).orderBy("id").execute()).map(toKey);
    },
    async list(userIds) {
      let query = db.selectFrom("api_keys").selectAll().orderBy("id");
      if (userIds) query = query.where("user_id", "in", userIds.length ? [...userIds] : [-1]);
      return (await query.execute()).map(toKey);
    },
    async byId(id) {
      const row = await db.selectFrom("api_keys").selectAll().where("id", "=", id).executeTakeFirst();
      return row ? toKey(row) : null;
    },
    async byHash(hash) {
      const row = await db.selectFrom("api_keys").selectAll().where("key_hash", "=", hash).executeTakeFirst();
      return row ? toKey(row) : null;
    },
    async byUuid(uuid) {
      const row = await db.selectFrom("api_keys").selectAll().where("uuid", "=", uuid).executeTakeFirst();
      return row ? toKey(row) : null;
    },
    async revoke(id, now) {
      await db.updateTable("api_keys").set({ revoked_at: now }).where("id", "=", id).where("revoked_at", "is", null).execute();
    },
    async touch(id, now) {
      await db.updateTable("api_keys").set({ last_used_at: now }).where("id", "=", id).execute();
    },
  };
}
