import { flags, toRole, toUser } from "../rows.js";
import type { UsersPort } from "../store.js";
import type { Db } from "./common.js";

export function usersRepo(db: Db): UsersPort {
  return {
    async create(user) {
      const row = await db.insertInto("users").values(flags(user)).returningAll().executeTakeFirstOrThrow();
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
      return (await query.execute()).map(toUser);
    },
    async update(id, fields) {
      if (Object.keys(fields).length === 0) return;
      await db.updateTable("users").set(flags(fields)).where("id", "=", id).execute();
    },
    async count() {
      const row = await db.selectFrom("users").select((eb) => eb.fn.countAll<number>().as("n")).executeTakeFirstOrThrow();
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
  };
}
