import type { TagRecord } from "../../core/domain.js";
import type { Dialect } from "../dialects/dialect.js";
import { flags, toTag } from "../rows.js";
import type { TagsPort } from "../store.js";
import { chunks, likeMatch, likePattern, type Db } from "./common.js";
import type { ChangeTracker } from "../changes.js";

export function tagsRepo(db: Db, dialect: Dialect, changes: ChangeTracker): TagsPort {
  return {
    async byId(id) {
      const row = await db.selectFrom("tags").selectAll().where("id", "=", id).executeTakeFirst();
      return row ? toTag(row) : null;
    },
    async byName(name) {
      const row = await db.selectFrom("tags").selectAll().where("name", "=", name).executeTakeFirst();
      return row ? toTag(row) : null;
    },
    async byNames(names) {
      const out = new Map<string, TagRecord>();
      for (const part of chunks([...new Set(names)])) {
        if (part.length === 0) continue;
        for (const row of await db.selectFrom("tags").selectAll().where("name", "in", part).execute()) out.set(row.name, toTag(row));
      }
      return out;
    },
    async create(tag) {
      return toTag(await db.insertInto("tags").values(flags(tag)).returningAll().executeTakeFirstOrThrow());
    },
    async update(id, fields) {
      if (Object.keys(fields).length === 0) return;
      await db.updateTable("tags").set(flags(fields)).where("id", "=", id).execute();
      // A tag's value, or its name (which decides its base key), feeds base scores.
      if (fields.numerical_value !== undefined || fields.name !== undefined) await changes.tags([id]);
    },
    async list(filter) {
      let query = db.selectFrom("tags").selectAll().orderBy("name");
      if (filter.search !== undefined) query = query.where(likeMatch("name", likePattern(filter.search), dialect));
      if (filter.ids) query = query.where("id", "in", filter.ids.length ? filter.ids : [-1]);
      return (await query.execute()).map(toTag);
    },
    async idsMatching(pattern) {
      const rows = await db.selectFrom("tags").select("id").where(likeMatch("name", likePattern(pattern), dialect)).execute();
      return rows.map((r) => r.id);
    },
    async attachToEvent(eventId, tagId, local) {
      const existing = await db.selectFrom("event_tags").select("id").where("event_id", "=", eventId).where("tag_id", "=", tagId).executeTakeFirst();
      if (existing) return false;
      await db.insertInto("event_tags").values({ event_id: eventId, tag_id: tagId, local: local ? 1 : 0 }).execute();
      await changes.events([eventId]);
      return true;
    },
    async detachFromEvent(eventId, tagId) {
      const result = await db.deleteFrom("event_tags").where("event_id", "=", eventId).where("tag_id", "=", tagId).executeTakeFirst();
      await changes.events([eventId]);
      return Number(result.numDeletedRows) > 0;
    },
    async attachToAttribute(attributeId, eventId, tagId, local) {
      const existing = await db
        .selectFrom("attribute_tags")
        .select("id")
        .where("attribute_id", "=", attributeId)
        .where("tag_id", "=", tagId)
        .executeTakeFirst();
      if (existing) return false;
      await db.insertInto("attribute_tags").values({ attribute_id: attributeId, event_id: eventId, tag_id: tagId, local: local ? 1 : 0 }).execute();
      await changes.attributes([attributeId]);
      return true;
    },
    async detachFromAttribute(attributeId, tagId) {
      const result = await db.deleteFrom("attribute_tags").where("attribute_id", "=", attributeId).where("tag_id", "=", tagId).executeTakeFirst();
      await changes.attributes([attributeId]);
      return Number(result.numDeletedRows) > 0;
    },
    async attachManyToAttributes(links) {
      for (const part of chunks(links, Math.floor(dialect.maxParameters / 5))) {
        if (part.length === 0) continue;
        await db
          .insertInto("attribute_tags")
          .values(part.map((l) => ({ ...l, local: l.local ? 1 : 0 })))
          .onConflict((oc) => oc.columns(["attribute_id", "tag_id"]).doNothing())
          .execute();
      }
      await changes.attributes(links.map((l) => l.attribute_id));
    },
    async delete(id) {
      // Scores that counted the tag move: record the attributes and events that carried it.
      const attributes = await db.selectFrom("attribute_tags").select("attribute_id").where("tag_id", "=", id).execute();
      const events = await db.selectFrom("event_tags").select("event_id").where("tag_id", "=", id).execute();
      await db.deleteFrom("attribute_tags").where("tag_id", "=", id).execute();
      await db.deleteFrom("event_tags").where("tag_id", "=", id).execute();
      await db.deleteFrom("tags").where("id", "=", id).execute();
      await changes.attributes(attributes.map((row) => row.attribute_id));
      await changes.events(events.map((row) => row.event_id));
    },
    async usageCounts(tagIds) {
      const out = new Map<number, { events: number; attributes: number }>();
      for (const id of tagIds) out.set(id, { events: 0, attributes: 0 });
      for (const part of chunks([...new Set(tagIds)])) {
        if (part.length === 0) continue;
        const events = await db
          .selectFrom("event_tags")
          .select(["tag_id", (eb) => eb.fn.countAll<number>().as("n")])
          .where("tag_id", "in", part)
          .groupBy("tag_id")
          .execute();
        const attributes = await db
          .selectFrom("attribute_tags")
          .select(["tag_id", (eb) => eb.fn.countAll<number>().as("n")])
          .where("tag_id", "in", part)
          .groupBy("tag_id")
          .execute();
        for (const row of events) out.get(row.tag_id)!.events = Number(row.n);
        for (const row of attributes) out.get(row.tag_id)!.attributes = Number(row.n);
      }
      return out;
    },
  };
}
