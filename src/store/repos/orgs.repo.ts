import type { OrgRecord } from "../../core/domain.js";
import { toOrg } from "../rows.js";
import type { New, OrgsPort } from "../store.js";
import { chunks, type Db } from "./common.js";

export function orgsRepo(db: Db): OrgsPort {
  return {
    async create(org: New<OrgRecord>) {
      const row = await db.insertInto("organisations").values({ ...org, local: org.local ? 1 : 0 }).returningAll().executeTakeFirstOrThrow();
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
    async list() {
      return (await db.selectFrom("organisations").selectAll().orderBy("id").execute()).map(toOrg);
    },
    async byIds(ids) {
      const out = new Map<number, OrgRecord>();
      for (const part of chunks([...new Set(ids)])) {
        if (part.length === 0) continue;
        for (const row of await db.selectFrom("organisations").selectAll().where("id", "in", part).execute()) out.set(row.id, toOrg(row));
      }
      return out;
    },
  };
}
