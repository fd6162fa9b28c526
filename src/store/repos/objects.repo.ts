import { flags, toObject } from "../rows.js";
import type { ObjectsPort } from "../store.js";
import { chunks, type Db } from "./common.js";
import type { ObjectRecord } from "../../core/domain.js";
import type { Dialect } from "../dialects/dialect.js";
import { isObjectVisible } from "../visibility.js";

export function objectsRepo(db: Db, dialect: Dialect): ObjectsPort {
  return {
    async insert(object) {
      return toObject(await db.insertInto("objects").values(flags(object)).returningAll().executeTakeFirstOrThrow());
    },
    async insertMany(objects) {
      if (objects.length === 0) return [];
      const rows = objects.map((object) => flags(object) as Record<string, unknown>);
      if (dialect.insertRows && db.isTransaction) {
        const columns = Object.keys(rows[0]!);
        return dialect.insertRows(db, "objects", columns, rows.map((row) => columns.map((c) => row[c] ?? null)));
      }
      const ids: number[] = [];
      // 15 columns a row: stay well inside both databases' parameter limits.
      for (const part of chunks(rows, Math.floor(dialect.maxParameters / 16))) {
        // Rows come back in the order given: a multi-row INSERT ... RETURNING keeps it on both databases.
        const inserted = await db.insertInto("objects").values(part as never).returning(["id", "uuid"]).execute();
        const byUuid = new Map(inserted.map((r) => [r.uuid, r.id]));
        ids.push(...part.map((row) => byUuid.get(row.uuid as string)!));
      }
      return ids;
    },
    async existingUuids(uuids) {
      const out = new Set<string>();
      for (const part of chunks([...new Set(uuids)])) {
        if (part.length === 0) continue;
        for (const row of await db.selectFrom("objects").select("uuid").where("uuid", "in", part).execute()) out.add(row.uuid);
      }
      return out;
    },
    async byUuid(uuid) {
      const row = await db.selectFrom("objects").selectAll().where("uuid", "=", uuid).executeTakeFirst();
      return row ? toObject(row) : null;
    },
    async update(id, fields) {
      if (Object.keys(fields).length === 0) return;
      await db.updateTable("objects").set(flags(fields)).where("id", "=", id).execute();
    },
    async delete(id) {
      // The object's attributes go first, through the attributes port (which keeps what depends on them in step).
      await db.deleteFrom("objects").where("id", "=", id).execute();
    },
    async byId(id) {
      const row = await db.selectFrom("objects").selectAll().where("id", "=", id).executeTakeFirst();
      return row ? toObject(row) : null;
    },
    async search(filter) {
      let query = db.selectFrom("objects").selectAll().orderBy("id").limit(filter.limit);
      if (filter.names?.length) query = query.where("name", "in", filter.names);
      if (filter.eventIds?.length) query = query.where("event_id", "in", filter.eventIds);
      if (filter.uuids?.length) query = query.where("uuid", "in", filter.uuids);
      if (filter.deleted !== "both") query = query.where("deleted", "=", filter.deleted ? 1 : 0);
      return (await query.execute()).map(toObject);
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
    isVisible: isObjectVisible,
  };
}
