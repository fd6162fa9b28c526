import type { OrgRecord } from "../../core/domain.js";
import type { Dialect } from "../dialects/dialect.js";
import { toOrg } from "../rows.js";
import type { OrgsPort } from "../store.js";
import { chunks, likeMatch, likePattern, type Db } from "./common.js";

/** A search term as MISP's index uses it: a substring, unless it brings its own % wildcards. */
export function containing(term: string): string {
  const pattern = likePattern(term);
  return term.includes("%") ? pattern : `%${pattern}%`;
}

/** Record fields → columns: the profile is stored as JSON, flags as integers. */
function columns(fields: Partial<Omit<OrgRecord, "id">>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(fields)) {
    if (value === undefined) continue;
    if (key === "profile") out.profile = JSON.stringify(value);
    else if (key === "local") out.local = value ? 1 : 0;
    else out[key] = value;
  }
  return out;
}

export function orgsRepo(db: Db, dialect: Dialect): OrgsPort {
  return {
    async create(org) {
      const row = await db
        .insertInto("organisations")
        .values({ ...columns(org), modified: org.modified ?? org.created } as never)
        .returningAll()
        .executeTakeFirstOrThrow();
      return toOrg(row);
    },
    async byId(id) {
      const row = await db.selectFrom("organisations").selectAll().where("id", "=", id).executeTakeFirst();
      return row ? toOrg(row) : null;
    },
    async byUuid(uuid) {
      const row = await db.selectFrom("organisations").selectAll().where("uuid", "=", uuid).executeTakeFirst();
      return row ? toOrg(row) : null;
    },
    async byName(name) {
      const row = await db.selectFrom("organisations").selectAll().where("name", "=", name).executeTakeFirst();
      return row ? toOrg(row) : null;
    },
    async list(filter = {}) {
      let query = db.selectFrom("organisations").selectAll().orderBy("id");
      if (filter.local !== undefined) query = query.where("local", "=", filter.local ? 1 : 0);
      if (filter.search !== undefined) {
        const pattern = containing(filter.search);
        query = query.where((eb) =>
          eb.or([likeMatch("name", pattern, dialect), likeMatch("uuid", pattern, dialect), likeMatch("description", pattern, dialect)]),
        );
      }
      return (await query.execute()).map(toOrg);
    },
    async byIds(ids) {
      const out = new Map<number, OrgRecord>();
      for (const part of chunks([...new Set(ids)])) {
        if (part.length === 0) continue;
        for (const row of await db.selectFrom("organisations").selectAll().where("id", "in", part).execute()) out.set(row.id, toOrg(row));
      }
      return out;
    },
    async update(id, fields) {
      const set = columns(fields);
      if (Object.keys(set).length === 0) return;
      await db.updateTable("organisations").set(set as never).where("id", "=", id).execute();
    },
    async references(id) {
      const count = async (table: "users" | "sightings" | "decaying_models", column: "org_id") =>
        Number((await db.selectFrom(table).select((eb) => eb.fn.countAll<number>().as("n")).where(column, "=", id).executeTakeFirstOrThrow()).n);
      const events = Number(
        (
          await db
            .selectFrom("events")
            .select((eb) => eb.fn.countAll<number>().as("n"))
            .where((eb) => eb.or([eb("org_id", "=", id), eb("orgc_id", "=", id)]))
            .executeTakeFirstOrThrow()
        ).n,
      );
      return { users: await count("users", "org_id"), events, sightings: await count("sightings", "org_id"), models: await count("decaying_models", "org_id") };
    },
    async delete(id) {
      await db.deleteFrom("organisations").where("id", "=", id).execute();
    },
  };
}
