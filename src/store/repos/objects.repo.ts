import { flags, toObject } from "../rows.js";
import type { ObjectsPort } from "../store.js";
import { chunks, type Db } from "./common.js";
import type { ObjectRecord } from "../../core/domain.js";

export function objectsRepo(db: Db): ObjectsPort {
  return {
    async insert(object) {
      return toObject(await db.insertInto("objects").values(flags(object)).returningAll().executeTakeFirstOrThrow());
    },
    async byId(id) {
      const row = await db.selectFrom("objects").selectAll().where("id", "=", id).executeTakeFirst();
      return row ? toObject(row) : null;
    },
    async byEvents(eventIds, options = {}) {
      const out: ObjectRecord[] = [];
      for (const part of chunks([...new Set(eventIds)])) {
        if (part.length === 0) continue;
        let query = db.selectFrom("objects").selectAll().where("event_id", "in", part).orderBy("id");
        if (!options.includeDeleted) query = query.where("deleted", "=", 0);
        out.push(...(await query.execute()).map(toObject));
      }
      return out;
    },
  };
}
