import type { SightingRecord } from "../../core/domain.js";
import { toSighting } from "../rows.js";
import type { SightingFilter, SightingsPort } from "../store.js";
import { sightingVisible } from "../visibility.js";
import { chunks, denseRange, type Db } from "./common.js";
import type { ChangeTracker } from "../changes.js";

export function sightingsRepo(db: Db, changes: ChangeTracker): SightingsPort {
  return {
    async insertMany(sightings) {
      const out: SightingRecord[] = [];
      for (const part of chunks(sightings, 2_000)) {
        if (part.length === 0) continue;
        out.push(...(await db.insertInto("sightings").values(part).returningAll().execute()).map(toSighting));
      }
      await changes.attributes(sightings.map((s) => s.attribute_id));
      return out;
    },
    async byId(id) {
      const row = await db.selectFrom("sightings").selectAll().where("id", "=", id).executeTakeFirst();
      return row ? toSighting(row) : null;
    },
    async byUuid(uuid) {
      const row = await db.selectFrom("sightings").selectAll().where("uuid", "=", uuid).executeTakeFirst();
      return row ? toSighting(row) : null;
    },
    async existingUuids(uuids) {
      const out = new Set<string>();
      for (const part of chunks([...new Set(uuids)])) {
        if (part.length === 0) continue;
        for (const row of await db.selectFrom("sightings").select("uuid").where("uuid", "in", part).execute()) out.add(row.uuid);
      }
      return out;
    },
    async delete(id) {
      const row = await db.deleteFrom("sightings").where("id", "=", id).returning("attribute_id").executeTakeFirst();
      if (row) await changes.attributes([row.attribute_id]);
    },
    async deleteExpirations(attributeId, orgId) {
      await db.deleteFrom("sightings").where("attribute_id", "=", attributeId).where("org_id", "=", orgId).where("type", "=", 2).execute();
      await changes.attributes([attributeId]);
    },
    async list(filter: SightingFilter, viewer, page) {
      let query = db
        .selectFrom("sightings as s")
        .selectAll("s")
        .where((eb) => sightingVisible(eb, viewer))
        .orderBy("s.date_sighting")
        .orderBy("s.id");
      if (filter.attributeIds) query = query.where("s.attribute_id", "in", filter.attributeIds.length ? filter.attributeIds : [-1]);
      if (filter.eventIds) query = query.where("s.event_id", "in", filter.eventIds.length ? filter.eventIds : [-1]);
      if (filter.ids) query = query.where("s.id", "in", filter.ids.length ? filter.ids : [-1]);
      if (filter.uuids) query = query.where("s.uuid", "in", filter.uuids.length ? filter.uuids : [""]);
      if (filter.types) query = query.where("s.type", "in", filter.types.length ? filter.types : [-1]);
      // One lower bound on the date, the keyset's when paging: given two, SQLite ranges over the
      // index from the smaller one and filters every row up to the page.
      const after = page?.after;
      const from = after ? Math.max(after.date_sighting, filter.from ?? -Infinity) : filter.from;
      if (from !== undefined) query = query.where("s.date_sighting", ">=", from);
      if (filter.to !== undefined) query = query.where("s.date_sighting", "<=", filter.to);
      if (filter.orgIds) query = query.where("s.org_id", "in", filter.orgIds.length ? filter.orgIds : [-1]);
      if (filter.notOrgIds?.length) query = query.where("s.org_id", "not in", filter.notOrgIds);
      if (filter.source !== undefined) query = query.where("s.source", "=", filter.source);
      if (after) query = query.where((eb) => eb.or([eb("s.date_sighting", ">", after.date_sighting), eb("s.id", ">", after.id)]));
      if (page) query = query.limit(page.limit);
      if (page?.offset) query = query.offset(page.offset);
      return (await query.execute()).map(toSighting);
    },
    async lastTruePositives(attributeIds, viewer) {
      const out = new Map<number, number>();
      const wanted = new Set(attributeIds);
      const range = denseRange([...wanted]);
      for (const part of range ? [range] : chunks([...wanted])) {
        if (part.length === 0) continue;
        let query = db
          .selectFrom("sightings as s")
          .select(["s.attribute_id", (eb) => eb.fn.max("s.date_sighting").as("last")])
          .where("s.type", "=", 0)
          .where((eb) => sightingVisible(eb, viewer))
          .groupBy("s.attribute_id");
        query = range ? query.where("s.attribute_id", ">=", range[0]).where("s.attribute_id", "<=", range[1]) : query.where("s.attribute_id", "in", part);
        for (const row of await query.execute()) if (wanted.has(row.attribute_id)) out.set(row.attribute_id, Number(row.last));
      }
      return out;
    },
    async forAttributes(attributeIds, viewer) {
      const out = new Map<number, SightingRecord[]>();
      for (const part of chunks([...new Set(attributeIds)])) {
        if (part.length === 0) continue;
        const rows = await db
          .selectFrom("sightings as s")
          .selectAll("s")
          .where("s.attribute_id", "in", part)
          .where((eb) => sightingVisible(eb, viewer))
          .orderBy("s.date_sighting")
          .orderBy("s.id")
          .execute();
        for (const row of rows) {
          const list = out.get(row.attribute_id) ?? [];
          list.push(toSighting(row));
          out.set(row.attribute_id, list);
        }
      }
      return out;
    },
  };
}
