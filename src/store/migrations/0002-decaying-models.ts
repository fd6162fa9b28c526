/**
 * Decaying models, their attribute-type mappings, and the decay index: for every attribute and
 * every enabled model that applies to it, the base score, the reference time, and the window in
 * which the attribute is fresh (fresh_from ≤ now < fresh_until). Writes keep it current; with it,
 * "not decayed" is a range condition instead of a computation per attribute.
 */
import type { Kysely } from "kysely";
import type { Dialect } from "../dialects/dialect.js";

export async function up(db: Kysely<unknown>, dialect: Dialect): Promise<void> {
  await dialect
    .addIdColumn(db.schema.createTable("decaying_models"))
    .addColumn("uuid", "text", (c) => c.unique())
    .addColumn("name", "text", (c) => c.notNull())
    .addColumn("description", "text", (c) => c.notNull().defaultTo(""))
    .addColumn("formula", "text", (c) => c.notNull())
    .addColumn("parameters", "text", (c) => c.notNull())
    .addColumn("attribute_types", "text", (c) => c.notNull().defaultTo("[]"))
    .addColumn("org_id", "integer", (c) => c.notNull())
    .addColumn("enabled", "integer", (c) => c.notNull().defaultTo(0))
    .addColumn("all_orgs", "integer", (c) => c.notNull().defaultTo(1))
    .addColumn("ref", "text")
    .addColumn("version", "text", (c) => c.notNull().defaultTo(""))
    // "default" is a reserved word in SQL.
    .addColumn("is_default", "integer", (c) => c.notNull().defaultTo(0))
    .execute();
  await db.schema.createIndex("decaying_models_org").on("decaying_models").column("org_id").execute();

  await dialect
    .addIdColumn(db.schema.createTable("decaying_model_mappings"))
    .addColumn("attribute_type", "text", (c) => c.notNull())
    .addColumn("model_id", "integer", (c) => c.notNull().references("decaying_models.id").onDelete("cascade"))
    .addUniqueConstraint("decaying_model_mappings_unique", ["model_id", "attribute_type"])
    .execute();
  await db.schema.createIndex("decaying_model_mappings_type").on("decaying_model_mappings").column("attribute_type").execute();

  // Rows are read by attribute ranges, page after page: store them in that order.
  await dialect
    .clustered(
      db.schema
        .createTable("decay_index")
        .addColumn("attribute_id", "integer", (c) => c.notNull().references("attributes.id").onDelete("cascade"))
        .addColumn("model_id", "integer", (c) => c.notNull().references("decaying_models.id").onDelete("cascade"))
        .addColumn("base_score", "double precision", (c) => c.notNull())
        .addColumn("ref_time", "bigint", (c) => c.notNull())
        .addColumn("fresh_from", "bigint", (c) => c.notNull())
        .addColumn("fresh_until", "bigint", (c) => c.notNull())
        .addPrimaryKeyConstraint("decay_index_pk", ["attribute_id", "model_id"]),
    )
    .execute();
  // No index on model_id: queries read rows by attribute, and an index led SQLite's planner to
  // scan a whole model for a page of attributes. Rebuilding a model scans, which is rare.

  // For each live attribute with rows: when at least one enabled model finds it fresh. Every
  // model's fresh window contains the attribute's reference time (or is empty), so their union is
  // one interval; [0, 0) means "scored, never fresh". One join answers excludeDecayed when the
  // viewer sees every enabled model, and counting the decayed is an index range.
  await db.schema
    .createTable("decay_summary")
    .addColumn("attribute_id", "integer", (c) => c.primaryKey().references("attributes.id").onDelete("cascade"))
    .addColumn("fresh_from", "bigint", (c) => c.notNull())
    .addColumn("fresh_until", "bigint", (c) => c.notNull())
    .execute();
  // Counting the decayed is two index ranges: windows over by now, and windows not begun yet.
  await db.schema.createIndex("decay_summary_until").on("decay_summary").column("fresh_until").execute();
  await db.schema.createIndex("decay_summary_from").on("decay_summary").column("fresh_from").execute();
}
