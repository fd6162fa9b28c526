import { PERMISSIONS, type RoleRecord, type UserRecord } from "../../core/domain.js";
import type { Dialect } from "../dialects/dialect.js";
import { toRole, toUser } from "../rows.js";
import type { UsersPort } from "../store.js";
import type { Db } from "./common.js";
import { likeMatch } from "./common.js";
import { containing } from "./orgs.repo.js";

/** Record fields → columns: JSON for the extras, integers for flags. */
function columns(fields: Partial<Omit<UserRecord, "id">> | Partial<Omit<RoleRecord, "id">>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(fields)) {
    if (value === undefined) continue;
    if (key === "extras") out.extras = JSON.stringify(value);
    else out[key] = typeof value === "boolean" ? (value ? 1 : 0) : value;
  }
  return out;
}

const ROLE_FIELDS = new Set<string>(["name", "restricted_to_site_admin", "extras", ...PERMISSIONS]);

function roleColumns(fields: Partial<Omit<RoleRecord, "id">>): Record<string, unknown> {
  return columns(Object.fromEntries(Object.entries(fields).filter(([key]) => ROLE_FIELDS.has(key))));
}

export function usersRepo(db: Db, dialect: Dialect): UsersPort {
  return {
    async create(user) {
      const row = await db
        .insertInto("users")
        .values({ ...columns(user), modified: user.modified ?? user.created } as never)
        .returningAll()
        .executeTakeFirstOrThrow();
      return toUser(row);
    },
    async byId(id) {
      const row = await db.selectFrom("users").selectAll().where("id", "=", id).executeTakeFirst();
      return row ? toUser(row) : null;
    },
    async byEmail(email) {
      const row = await db.selectFrom("users").selectAll().where("email", "=", email).executeTakeFirst();
      return row ? toUser(row) : null;
    },
    async list(filter = {}) {
      let query = db.selectFrom("users").selectAll().orderBy("id");
      if (filter.orgId !== undefined) query = query.where("org_id", "=", filter.orgId);
      if (filter.search !== undefined) query = query.where(likeMatch("email", containing(filter.search), dialect));
      return (await query.execute()).map(toUser);
    },
    async update(id, fields) {
      const set = columns(fields);
      if (Object.keys(set).length === 0) return;
      await db.updateTable("users").set(set as never).where("id", "=", id).execute();
    },
    async delete(id) {
      // Keys and sessions go with the user (foreign keys cascade); events keep their user_id, as in MISP.
      await db.deleteFrom("users").where("id", "=", id).execute();
    },
    async count() {
      const row = await db.selectFrom("users").select((eb) => eb.fn.countAll<number>().as("n")).executeTakeFirstOrThrow();
      return Number(row.n);
    },
    async countWithRole(roleId) {
      const row = await db.selectFrom("users").select((eb) => eb.fn.countAll<number>().as("n")).where("role_id", "=", roleId).executeTakeFirstOrThrow();
      return Number(row.n);
    },
    async roles() {
      return (await db.selectFrom("roles").selectAll().orderBy("id").execute()).map(toRole);
    },
    async roleById(id) {
      const row = await db.selectFrom("roles").selectAll().where("id", "=", id).executeTakeFirst();
      return row ? toRole(row) : null;
    },
    async roleByName(name) {
      const row = await db.selectFrom("roles").selectAll().where("name", "=", name).executeTakeFirst();
      return row ? toRole(row) : null;
    },
    async createRole(role, now) {
      const row = await db
        .insertInto("roles")
        .values({ ...roleColumns(role), created: now, modified: now } as never)
        .returningAll()
        .executeTakeFirstOrThrow();
      return toRole(row);
    },
    async updateRole(id, fields, now) {
      await db.updateTable("roles").set({ ...roleColumns(fields), modified: now } as never).where("id", "=", id).execute();
    },
    async deleteRole(id) {
      await db.deleteFrom("roles").where("id", "=", id).execute();
    },
    async setDefaultRole(id) {
      await db.updateTable("roles").set({ default_role: 0 }).where("id", "!=", id).execute();
      await db.updateTable("roles").set({ default_role: 1 }).where("id", "=", id).execute();
    },
  };
}
