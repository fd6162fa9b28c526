/**
 * The decay summary carries each attribute's `to_ids` flag. An IDS export asks for fresh
 * indicators with `to_ids` set; counting them for X-Result-Count then stays inside the summary's
 * indexes (the decayed ones among the flagged), where a probe per flagged attribute took a quarter
 * of a second at 1M. The decay indexer writes the flag with every summary row it writes, in the
 * same transaction as the attribute change, so it never lags.
 */
import { sql, type Kysely } from "kysely";

export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable("decay_summary").addColumn("to_ids", "integer", (c) => c.notNull().defaultTo(0)).execute();
  await sql`update decay_summary set to_ids = (select a.to_ids from attributes a where a.id = decay_summary.attribute_id)`.execute(db);
  await db.schema.createIndex("decay_summary_to_ids_until").on("decay_summary").columns(["to_ids", "fresh_until"]).execute();
  await db.schema.createIndex("decay_summary_to_ids_from").on("decay_summary").columns(["to_ids", "fresh_from"]).execute();
}
