/**
 * What MISP's administration API reads and writes beyond Halflife's own rules:
 * - organisations: MISP's descriptive fields (type, nationality, sector, contacts, the e-mail
 *   domains a user must have, landing page) as one JSON profile, and who created it and when it
 *   last changed;
 * - roles: which one new users get (`default_role`, MISP's User role at first), which ones only a
 *   site admin may hand out (the admin and sync roles at first), and MISP's other role fields
 *   (limits, permissions Halflife does not check) kept as JSON so that they round-trip;
 * - users: MISP's other user fields (alerts, keys for encryption, NIDS sid…) as JSON, and when
 *   they last changed and who invited them;
 * - API keys: a uuid, as MISP's AuthKey has.
 */
import { randomUUID } from "node:crypto";
import { sql, type Kysely } from "kysely";

export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable("organisations").addColumn("profile", "text", (c) => c.notNull().defaultTo("{}")).execute();
  await db.schema.alterTable("organisations").addColumn("modified", "bigint", (c) => c.notNull().defaultTo(0)).execute();
  await db.schema.alterTable("organisations").addColumn("created_by", "integer", (c) => c.notNull().defaultTo(0)).execute();
  await sql`update organisations set modified = created`.execute(db);

  await db.schema.alterTable("roles").addColumn("default_role", "integer", (c) => c.notNull().defaultTo(0)).execute();
  await db.schema.alterTable("roles").addColumn("restricted_to_site_admin", "integer", (c) => c.notNull().defaultTo(0)).execute();
  await db.schema.alterTable("roles").addColumn("extras", "text", (c) => c.notNull().defaultTo("{}")).execute();
  await db.schema.alterTable("roles").addColumn("created", "bigint", (c) => c.notNull().defaultTo(0)).execute();
  await db.schema.alterTable("roles").addColumn("modified", "bigint", (c) => c.notNull().defaultTo(0)).execute();
  await sql`update roles set default_role = 1 where id = 3`.execute(db);
  await sql`update roles set restricted_to_site_admin = 1 where perm_site_admin = 1 or perm_sync = 1`.execute(db);

  await db.schema.alterTable("users").addColumn("extras", "text", (c) => c.notNull().defaultTo("{}")).execute();
  await db.schema.alterTable("users").addColumn("modified", "bigint", (c) => c.notNull().defaultTo(0)).execute();
  await db.schema.alterTable("users").addColumn("invited_by", "integer", (c) => c.notNull().defaultTo(0)).execute();
  await sql`update users set modified = created`.execute(db);

  await db.schema.alterTable("api_keys").addColumn("uuid", "text").execute();
  const keys = await sql<{ id: number }>`select id from api_keys`.execute(db);
  for (const key of keys.rows) await sql`update api_keys set uuid = ${randomUUID()} where id = ${key.id}`.execute(db);
  await db.schema.createIndex("api_keys_uuid").on("api_keys").column("uuid").unique().execute();
}
