/**
 * Web UI sessions. A row per login: the SHA-256 hash of the session token (the token itself lives
 * only in the browser's cookie), the user and the API key that logged in, and when it expires.
 * Kept in the database rather than in memory so that any node behind a load balancer can answer.
 */
import type { Kysely } from "kysely";
import type { Dialect } from "../dialects/dialect.js";

export async function up(db: Kysely<unknown>, dialect: Dialect): Promise<void> {
  await dialect
    .addIdColumn(db.schema.createTable("ui_sessions"))
    .addColumn("token_hash", "text", (c) => c.notNull().unique())
    .addColumn("user_id", "integer", (c) => c.notNull().references("users.id").onDelete("cascade"))
    // Revoking the key that logged in ends its sessions: they are checked against it on every request.
    .addColumn("key_id", "integer", (c) => c.notNull().references("api_keys.id").onDelete("cascade"))
    .addColumn("created", "bigint", (c) => c.notNull())
    .addColumn("expires_at", "bigint", (c) => c.notNull())
    .execute();
  await db.schema.createIndex("ui_sessions_expires").on("ui_sessions").column("expires_at").execute();
}
