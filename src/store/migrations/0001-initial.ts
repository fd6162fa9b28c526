/**
 * The first schema: organisations, roles, users and keys; events, objects, attributes; tags and
 * their links; taxonomies; sightings. Forward-only, the same for SQLite and PostgreSQL.
 */
import { sql, type Kysely } from "kysely";
import type { Dialect } from "../dialects/dialect.js";

export async function up(db: Kysely<unknown>, dialect: Dialect): Promise<void> {
  await dialect
    .addIdColumn(db.schema.createTable("organisations"))
    .addColumn("uuid", "text", (c) => c.notNull().unique())
    .addColumn("name", "text", (c) => c.notNull().unique())
    .addColumn("description", "text", (c) => c.notNull().defaultTo(""))
    .addColumn("local", "integer", (c) => c.notNull().defaultTo(1))
    .addColumn("created", "bigint", (c) => c.notNull())
    .execute();

  let roles = dialect.addIdColumn(db.schema.createTable("roles")).addColumn("name", "text", (c) => c.notNull().unique());
  for (const permission of ROLE_PERMISSIONS) roles = roles.addColumn(permission, "integer", (c) => c.notNull().defaultTo(0));
  await roles.execute();

  await dialect
    .addIdColumn(db.schema.createTable("users"))
    .addColumn("org_id", "integer", (c) => c.notNull().references("organisations.id"))
    .addColumn("role_id", "integer", (c) => c.notNull().references("roles.id"))
    .addColumn("email", "text", (c) => c.notNull().unique())
    .addColumn("disabled", "integer", (c) => c.notNull().defaultTo(0))
    .addColumn("created", "bigint", (c) => c.notNull())
    .addColumn("last_login", "bigint")
    .execute();

  await dialect
    .addIdColumn(db.schema.createTable("api_keys"))
    .addColumn("user_id", "integer", (c) => c.notNull().references("users.id").onDelete("cascade"))
    .addColumn("key_hash", "text", (c) => c.notNull().unique())
    .addColumn("key_start", "text", (c) => c.notNull())
    .addColumn("key_end", "text", (c) => c.notNull())
    .addColumn("comment", "text", (c) => c.notNull().defaultTo(""))
    .addColumn("created", "bigint", (c) => c.notNull())
    .addColumn("expires_at", "bigint")
    .addColumn("revoked_at", "bigint")
    .addColumn("last_used_at", "bigint")
    .execute();
  await db.schema.createIndex("api_keys_user").on("api_keys").column("user_id").execute();

  await dialect
    .addIdColumn(db.schema.createTable("events"))
    .addColumn("uuid", "text", (c) => c.notNull().unique())
    .addColumn("org_id", "integer", (c) => c.notNull())
    .addColumn("orgc_id", "integer", (c) => c.notNull())
    .addColumn("user_id", "integer", (c) => c.notNull())
    .addColumn("info", "text", (c) => c.notNull())
    .addColumn("date", "text", (c) => c.notNull())
    .addColumn("threat_level_id", "integer", (c) => c.notNull().defaultTo(4))
    .addColumn("analysis", "integer", (c) => c.notNull().defaultTo(0))
    .addColumn("distribution", "integer", (c) => c.notNull().defaultTo(0))
    .addColumn("sharing_group_id", "integer", (c) => c.notNull().defaultTo(0))
    .addColumn("published", "integer", (c) => c.notNull().defaultTo(0))
    .addColumn("publish_timestamp", "bigint", (c) => c.notNull().defaultTo(0))
    .addColumn("timestamp", "bigint", (c) => c.notNull())
    .addColumn("locked", "integer", (c) => c.notNull().defaultTo(0))
    .addColumn("disable_correlation", "integer", (c) => c.notNull().defaultTo(0))
    .addColumn("extends_uuid", "text", (c) => c.notNull().defaultTo(""))
    .execute();
  for (const column of ["org_id", "orgc_id", "timestamp", "date", "publish_timestamp"]) {
    await db.schema.createIndex(`events_${column}`).on("events").column(column).execute();
  }

  await dialect
    .addIdColumn(db.schema.createTable("objects"))
    .addColumn("uuid", "text", (c) => c.notNull().unique())
    .addColumn("event_id", "integer", (c) => c.notNull().references("events.id").onDelete("cascade"))
    .addColumn("name", "text", (c) => c.notNull())
    .addColumn("meta_category", "text", (c) => c.notNull().defaultTo(""))
    .addColumn("description", "text", (c) => c.notNull().defaultTo(""))
    .addColumn("template_uuid", "text", (c) => c.notNull().defaultTo(""))
    .addColumn("template_version", "text", (c) => c.notNull().defaultTo(""))
    .addColumn("comment", "text", (c) => c.notNull().defaultTo(""))
    .addColumn("distribution", "integer", (c) => c.notNull().defaultTo(5))
    .addColumn("sharing_group_id", "integer", (c) => c.notNull().defaultTo(0))
    .addColumn("timestamp", "bigint", (c) => c.notNull())
    .addColumn("first_seen", "bigint")
    .addColumn("last_seen", "bigint")
    .addColumn("deleted", "integer", (c) => c.notNull().defaultTo(0))
    .execute();
  await db.schema.createIndex("objects_event").on("objects").column("event_id").execute();

  await dialect
    .addIdColumn(db.schema.createTable("attributes"))
    .addColumn("uuid", "text", (c) => c.notNull().unique())
    .addColumn("event_id", "integer", (c) => c.notNull().references("events.id").onDelete("cascade"))
    .addColumn("object_id", "integer", (c) => c.notNull().defaultTo(0))
    .addColumn("object_relation", "text")
    .addColumn("category", "text", (c) => c.notNull())
    .addColumn("type", "text", (c) => c.notNull())
    .addColumn("value", "text", (c) => c.notNull())
    .addColumn("value1", "text", (c) => c.notNull())
    .addColumn("value2", "text", (c) => c.notNull().defaultTo(""))
    .addColumn("to_ids", "integer", (c) => c.notNull().defaultTo(0))
    .addColumn("comment", "text", (c) => c.notNull().defaultTo(""))
    .addColumn("distribution", "integer", (c) => c.notNull().defaultTo(5))
    .addColumn("sharing_group_id", "integer", (c) => c.notNull().defaultTo(0))
    .addColumn("timestamp", "bigint", (c) => c.notNull())
    .addColumn("first_seen", "bigint")
    .addColumn("last_seen", "bigint")
    .addColumn("deleted", "integer", (c) => c.notNull().defaultTo(0))
    .addColumn("disable_correlation", "integer", (c) => c.notNull().defaultTo(0))
    .execute();
  await db.schema.createIndex("attributes_event").on("attributes").columns(["event_id", "id"]).execute();
  await db.schema.createIndex("attributes_object").on("attributes").column("object_id").execute();
  await db.schema.createIndex("attributes_type").on("attributes").columns(["type", "id"]).execute();
  await dialect.equalityIndex(db.schema.createIndex("attributes_value1").on("attributes").column("value1")).execute();
  await dialect.equalityIndex(db.schema.createIndex("attributes_value2").on("attributes").column("value2")).execute();
  await db.schema.createIndex("attributes_timestamp").on("attributes").column("timestamp").execute();
  await db.schema.createIndex("attributes_to_ids").on("attributes").columns(["to_ids", "deleted", "id"]).execute();

  await dialect
    .addIdColumn(db.schema.createTable("tags"))
    .addColumn("name", "text", (c) => c.notNull().unique())
    .addColumn("colour", "text", (c) => c.notNull().defaultTo(""))
    .addColumn("exportable", "integer", (c) => c.notNull().defaultTo(1))
    .addColumn("hide_tag", "integer", (c) => c.notNull().defaultTo(0))
    .addColumn("numerical_value", "double precision")
    .addColumn("is_galaxy", "integer", (c) => c.notNull().defaultTo(0))
    .addColumn("is_custom_galaxy", "integer", (c) => c.notNull().defaultTo(0))
    .addColumn("local_only", "integer", (c) => c.notNull().defaultTo(0))
    .addColumn("org_id", "integer", (c) => c.notNull().defaultTo(0))
    .addColumn("user_id", "integer", (c) => c.notNull().defaultTo(0))
    .execute();

  await dialect
    .addIdColumn(db.schema.createTable("event_tags"))
    .addColumn("event_id", "integer", (c) => c.notNull().references("events.id").onDelete("cascade"))
    .addColumn("tag_id", "integer", (c) => c.notNull().references("tags.id").onDelete("cascade"))
    .addColumn("local", "integer", (c) => c.notNull().defaultTo(0))
    .addUniqueConstraint("event_tags_unique", ["event_id", "tag_id"])
    .execute();
  await db.schema.createIndex("event_tags_tag").on("event_tags").column("tag_id").execute();

  await dialect
    .addIdColumn(db.schema.createTable("attribute_tags"))
    .addColumn("attribute_id", "integer", (c) => c.notNull().references("attributes.id").onDelete("cascade"))
    .addColumn("event_id", "integer", (c) => c.notNull())
    .addColumn("tag_id", "integer", (c) => c.notNull().references("tags.id").onDelete("cascade"))
    .addColumn("local", "integer", (c) => c.notNull().defaultTo(0))
    .addUniqueConstraint("attribute_tags_unique", ["attribute_id", "tag_id"])
    .execute();
  await db.schema.createIndex("attribute_tags_tag").on("attribute_tags").columns(["tag_id", "attribute_id"]).execute();
  await db.schema.createIndex("attribute_tags_event").on("attribute_tags").column("event_id").execute();

  await dialect
    .addIdColumn(db.schema.createTable("taxonomies"))
    .addColumn("namespace", "text", (c) => c.notNull().unique())
    .addColumn("description", "text", (c) => c.notNull().defaultTo(""))
    .addColumn("version", "integer", (c) => c.notNull().defaultTo(1))
    .addColumn("enabled", "integer", (c) => c.notNull().defaultTo(0))
    .addColumn("exclusive", "integer", (c) => c.notNull().defaultTo(0))
    .addColumn("required", "integer", (c) => c.notNull().defaultTo(0))
    .addColumn("highlighted", "integer", (c) => c.notNull().defaultTo(0))
    .addColumn("expanded", "text", (c) => c.notNull().defaultTo(""))
    .execute();

  await dialect
    .addIdColumn(db.schema.createTable("taxonomy_predicates"))
    .addColumn("taxonomy_id", "integer", (c) => c.notNull().references("taxonomies.id").onDelete("cascade"))
    .addColumn("value", "text", (c) => c.notNull())
    .addColumn("expanded", "text", (c) => c.notNull().defaultTo(""))
    .addColumn("colour", "text", (c) => c.notNull().defaultTo(""))
    .addColumn("description", "text", (c) => c.notNull().defaultTo(""))
    .addColumn("exclusive", "integer", (c) => c.notNull().defaultTo(0))
    .addColumn("numerical_value", "double precision")
    .addUniqueConstraint("taxonomy_predicates_unique", ["taxonomy_id", "value"])
    .execute();

  await dialect
    .addIdColumn(db.schema.createTable("taxonomy_entries"))
    .addColumn("taxonomy_predicate_id", "integer", (c) => c.notNull().references("taxonomy_predicates.id").onDelete("cascade"))
    .addColumn("value", "text", (c) => c.notNull())
    .addColumn("expanded", "text", (c) => c.notNull().defaultTo(""))
    .addColumn("colour", "text", (c) => c.notNull().defaultTo(""))
    .addColumn("description", "text", (c) => c.notNull().defaultTo(""))
    .addColumn("numerical_value", "double precision")
    .addUniqueConstraint("taxonomy_entries_unique", ["taxonomy_predicate_id", "value"])
    .execute();

  await dialect
    .addIdColumn(db.schema.createTable("sightings"))
    .addColumn("uuid", "text", (c) => c.notNull().unique())
    .addColumn("attribute_id", "integer", (c) => c.notNull().references("attributes.id").onDelete("cascade"))
    .addColumn("event_id", "integer", (c) => c.notNull())
    .addColumn("org_id", "integer", (c) => c.notNull())
    .addColumn("date_sighting", "bigint", (c) => c.notNull())
    .addColumn("source", "text", (c) => c.notNull().defaultTo(""))
    .addColumn("type", "integer", (c) => c.notNull().defaultTo(0))
    .execute();
  await db.schema.createIndex("sightings_attribute").on("sightings").columns(["attribute_id", "type", "date_sighting"]).execute();
  await db.schema.createIndex("sightings_event").on("sightings").column("event_id").execute();
  await db.schema.createIndex("sightings_date").on("sightings").column("date_sighting").execute();

  await dialect
    .addIdColumn(db.schema.createTable("user_settings"))
    .addColumn("user_id", "integer", (c) => c.notNull().references("users.id").onDelete("cascade"))
    .addColumn("setting", "text", (c) => c.notNull())
    .addColumn("value", "text", (c) => c.notNull())
    .addUniqueConstraint("user_settings_unique", ["user_id", "setting"])
    .execute();

  // MISP's default roles, with MISP's ids, so that role_id values mean the same thing.
  for (const role of DEFAULT_ROLES) {
    await sql`insert into roles (id, name, ${sql.join(ROLE_PERMISSIONS.map((p) => sql.ref(p)))})
              values (${role.id}, ${role.name}, ${sql.join(ROLE_PERMISSIONS.map((p) => (role.perms.includes(p) ? 1 : 0)))})`.execute(db);
  }
  await dialect.afterExplicitIds(db, "roles");
}

const ROLE_PERMISSIONS = [
  "perm_add",
  "perm_modify",
  "perm_modify_org",
  "perm_publish",
  "perm_sync",
  "perm_admin",
  "perm_site_admin",
  "perm_tagger",
  "perm_tag_editor",
  "perm_sighting",
  "perm_decaying",
  "perm_auth",
] as const;

type RolePermission = (typeof ROLE_PERMISSIONS)[number];

const EVERYDAY: RolePermission[] = ["perm_add", "perm_modify", "perm_modify_org", "perm_tagger", "perm_sighting", "perm_decaying", "perm_auth"];

const DEFAULT_ROLES: Array<{ id: number; name: string; perms: RolePermission[] }> = [
  { id: 1, name: "admin", perms: [...ROLE_PERMISSIONS] },
  { id: 2, name: "Org Admin", perms: [...EVERYDAY, "perm_publish", "perm_admin", "perm_tag_editor"] },
  { id: 3, name: "User", perms: EVERYDAY },
  { id: 4, name: "Publisher", perms: [...EVERYDAY, "perm_publish"] },
  { id: 5, name: "Sync user", perms: [...EVERYDAY, "perm_publish", "perm_sync", "perm_tag_editor"] },
  { id: 6, name: "Read Only", perms: ["perm_auth"] },
];
