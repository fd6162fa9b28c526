/**
 * Sweep runs and their change records (what undo reads back), and the job locks that keep two
 * sweeps on one store from interleaving. Forward-only, the same for SQLite and PostgreSQL.
 */
import type { Kysely } from "kysely";
import type { Dialect } from "../dialects/dialect.js";

export async function up(db: Kysely<unknown>, dialect: Dialect): Promise<void> {
  await dialect
    .addIdColumn(db.schema.createTable("sweep_runs"))
    .addColumn("kind", "text", (c) => c.notNull())
    .addColumn("target_kind", "text", (c) => c.notNull())
    // Never a secret: the remote URL without credentials; keys are not stored.
    .addColumn("target_url", "text")
    .addColumn("target_label", "text")
    .addColumn("dry_run", "integer", (c) => c.notNull().defaultTo(0))
    .addColumn("status", "text", (c) => c.notNull())
    .addColumn("origin", "text", (c) => c.notNull())
    .addColumn("user_id", "integer")
    .addColumn("org_scope_id", "integer")
    .addColumn("parameters", "text", (c) => c.notNull())
    .addColumn("started_at", "bigint", (c) => c.notNull())
    .addColumn("finished_at", "bigint")
    .addColumn("attributes_checked", "integer", (c) => c.notNull().defaultTo(0))
    .addColumn("attributes_changed", "integer", (c) => c.notNull().defaultTo(0))
    .addColumn("events_republished", "integer", (c) => c.notNull().defaultTo(0))
    .addColumn("failures", "text", (c) => c.notNull().defaultTo("[]"))
    .addColumn("skipped", "text", (c) => c.notNull().defaultTo("[]"))
    .addColumn("undo_of", "integer")
    .addColumn("undone_by", "integer")
    .execute();
  await db.schema.createIndex("sweep_runs_status").on("sweep_runs").column("status").execute();
  await db.schema.createIndex("sweep_runs_org_scope").on("sweep_runs").columns(["org_scope_id", "id"]).execute();

  await dialect
    .addIdColumn(db.schema.createTable("sweep_changes"))
    .addColumn("run_id", "integer", (c) => c.notNull().references("sweep_runs.id").onDelete("cascade"))
    .addColumn("event_ref", "text", (c) => c.notNull())
    .addColumn("event_uuid", "text", (c) => c.notNull())
    .addColumn("event_info", "text", (c) => c.notNull())
    .addColumn("event_org_id", "integer")
    .addColumn("attribute_ref", "text", (c) => c.notNull())
    .addColumn("attribute_uuid", "text", (c) => c.notNull())
    .addColumn("attribute_type", "text", (c) => c.notNull())
    .addColumn("attribute_value", "text", (c) => c.notNull())
    .addColumn("field", "text", (c) => c.notNull())
    .addColumn("before_value", "integer", (c) => c.notNull())
    .addColumn("after_value", "integer", (c) => c.notNull())
    .addColumn("tp", "integer")
    .addColumn("fp", "integer")
    .addColumn("ratio", "double precision")
    .addColumn("reason", "text", (c) => c.notNull())
    .addColumn("stamped", "bigint")
    .addColumn("changed_at", "bigint", (c) => c.notNull())
    .addColumn("republished", "integer", (c) => c.notNull().defaultTo(0))
    .execute();
  await db.schema.createIndex("sweep_changes_run").on("sweep_changes").columns(["run_id", "id"]).execute();
  await db.schema.createIndex("sweep_changes_run_org").on("sweep_changes").columns(["run_id", "event_org_id"]).execute();

  // One row per held lock. On SQLite the row is the lock (with an expiry, kept fresh while the
  // holder lives); on PostgreSQL an advisory lock is, and the row only says who holds it.
  await db.schema
    .createTable("job_locks")
    .addColumn("name", "text", (c) => c.primaryKey())
    .addColumn("token", "text", (c) => c.notNull())
    .addColumn("pid", "integer", (c) => c.notNull())
    .addColumn("host", "text", (c) => c.notNull())
    .addColumn("label", "text", (c) => c.notNull())
    .addColumn("acquired_at", "bigint", (c) => c.notNull())
    .addColumn("expires_at", "bigint", (c) => c.notNull())
    .execute();
}
