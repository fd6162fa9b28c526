import type { UiSessionRecord, UiSessionsPort } from "../store.js";
import type { Db } from "./common.js";

const toSession = (row: UiSessionRecord): UiSessionRecord => ({
  id: row.id,
  token_hash: row.token_hash,
  user_id: row.user_id,
  key_id: row.key_id,
  // PostgreSQL returns bigint columns as strings.
  created: Number(row.created),
  expires_at: Number(row.expires_at),
});

export function uiSessionsRepo(db: Db): UiSessionsPort {
  return {
    async create(session) {
      return toSession(await db.insertInto("ui_sessions").values(session).returningAll().executeTakeFirstOrThrow());
    },
    async active(tokenHash, now) {
      const row = await db
        .selectFrom("ui_sessions")
        .innerJoin("api_keys", "api_keys.id", "ui_sessions.key_id")
        .innerJoin("users", "users.id", "ui_sessions.user_id")
        .selectAll("ui_sessions")
        .where("ui_sessions.token_hash", "=", tokenHash)
        .where("ui_sessions.expires_at", ">", now)
        .where("api_keys.revoked_at", "is", null)
        .where((eb) => eb.or([eb("api_keys.expires_at", "is", null), eb("api_keys.expires_at", ">", now)]))
        .where("users.disabled", "=", 0)
        .executeTakeFirst();
      return row ? toSession(row) : null;
    },
    async delete(tokenHash) {
      await db.deleteFrom("ui_sessions").where("token_hash", "=", tokenHash).execute();
    },
    async deleteExpired(now) {
      const result = await db.deleteFrom("ui_sessions").where("expires_at", "<=", now).executeTakeFirst();
      return Number(result.numDeletedRows);
    },
  };
}
