import { sql, type ExpressionBuilder } from "kysely";
import type { EventRecord, TagLinkRecord } from "../../core/domain.js";
import { flags, toEvent, toTag } from "../rows.js";
import type { Database } from "../schema.js";
import type { EventListFilter, EventsPort, Viewer } from "../store.js";
import { eventVisible, isEventVisible } from "../visibility.js";
import { chunks, likeMatch, likePattern, type Db } from "./common.js";
import type { Dialect } from "../dialects/dialect.js";

type EventScope = ExpressionBuilder<Database & { e: Database["events"] }, "e">;

function conditions(eb: EventScope, filter: EventListFilter, viewer: Viewer, dialect: Dialect) {
  const all = [eventVisible(eb, viewer)];
  if (filter.info !== undefined) all.push(likeMatch("e.info", `%${likePattern(filter.info)}%`, dialect));
  if (filter.orgcIds) all.push(eb("e.orgc_id", "in", filter.orgcIds.length ? filter.orgcIds : [-1]));
  if (filter.published !== undefined) all.push(eb("e.published", "=", filter.published ? 1 : 0));
  if (filter.timestampFrom !== undefined) all.push(eb("e.timestamp", ">=", filter.timestampFrom));
  if (filter.timestampTo !== undefined) all.push(eb("e.timestamp", "<=", filter.timestampTo));
  if (filter.publishTimestampFrom !== undefined) all.push(eb("e.publish_timestamp", ">=", filter.publishTimestampFrom));
  if (filter.publishTimestampTo !== undefined) all.push(eb("e.publish_timestamp", "<=", filter.publishTimestampTo));
  if (filter.dateFrom !== undefined) all.push(eb("e.date", ">=", filter.dateFrom));
  if (filter.dateTo !== undefined) all.push(eb("e.date", "<=", filter.dateTo));
  if (filter.ids) all.push(eb("e.id", "in", filter.ids.length ? filter.ids : [-1]));
  if (filter.uuids) all.push(eb("e.uuid", "in", filter.uuids.length ? filter.uuids : [""]));
  if (filter.threatLevelIds) all.push(eb("e.threat_level_id", "in", filter.threatLevelIds.length ? filter.threatLevelIds : [-1]));
  if (filter.notThreatLevelIds?.length) all.push(eb("e.threat_level_id", "not in", filter.notThreatLevelIds));
  if (filter.notIds?.length) all.push(eb("e.id", "not in", filter.notIds));
  if (filter.notOrgcIds?.length) all.push(eb("e.orgc_id", "not in", filter.notOrgcIds));
  if (filter.distributions) all.push(eb("e.distribution", "in", filter.distributions.length ? filter.distributions : [-1]));
  if (filter.notDistributions?.length) all.push(eb("e.distribution", "not in", filter.notDistributions));
  if (filter.analyses) all.push(eb("e.analysis", "in", filter.analyses.length ? filter.analyses : [-1]));
  if (filter.notAnalyses?.length) all.push(eb("e.analysis", "not in", filter.notAnalyses));
  const contains = (text: string) => `%${likePattern(text)}%`;
  const liveAttributeWith = (columns: Array<"a.value1" | "a.value2" | "a.comment">, text: string) =>
    eb.exists(
      eb
        .selectFrom("attributes as a")
        .select(sql`1`.as("one"))
        .whereRef("a.event_id", "=", "e.id")
        .where("a.deleted", "=", 0)
        .where(() => sql<boolean>`(${sql.join(columns.map((c) => likeMatch(c, contains(text), dialect)), sql` or `)})`),
    );
  if (filter.attributeValue !== undefined) all.push(liveAttributeWith(["a.value1", "a.value2"], filter.attributeValue));
  if (filter.creatorEmail !== undefined) {
    all.push(eb.exists(eb.selectFrom("users as u").select(sql`1`.as("one")).whereRef("u.id", "=", "e.user_id").where(() => likeMatch("u.email", contains(filter.creatorEmail!), dialect))));
  }
  if (filter.anyText !== undefined) {
    const text = filter.anyText;
    all.push(
      eb.or([
        likeMatch("e.info", contains(text), dialect),
        liveAttributeWith(["a.value1", "a.value2", "a.comment"], text),
        eb.exists(eb.selectFrom("event_tags as et").innerJoin("tags as t", "t.id", "et.tag_id").select(sql`1`.as("one")).whereRef("et.event_id", "=", "e.id").where(() => likeMatch("t.name", contains(text), dialect))),
        eb.exists(eb.selectFrom("attribute_tags as at").innerJoin("tags as t", "t.id", "at.tag_id").select(sql`1`.as("one")).whereRef("at.event_id", "=", "e.id").where(() => likeMatch("t.name", contains(text), dialect))),
      ]),
    );
  }
  for (const group of filter.withTagIds ?? []) {
    const ids = group.length ? group : [-1];
    const onEvent = eb.exists(eb.selectFrom("event_tags as et").select(sql`1`.as("one")).whereRef("et.event_id", "=", "e.id").where("et.tag_id", "in", ids));
    if (!filter.tagsOnAttributesToo) {
      all.push(onEvent);
      continue;
    }
    // events/restSearch: an event matches through its own tags or those of a live attribute in it.
    const onAttribute = eb.exists(
      eb
        .selectFrom("attribute_tags as at")
        .innerJoin("attributes as ta", "ta.id", "at.attribute_id")
        .select(sql`1`.as("one"))
        .whereRef("at.event_id", "=", "e.id")
        .where("at.tag_id", "in", ids)
        .where("ta.deleted", "=", 0),
    );
    all.push(eb.or([onEvent, onAttribute]));
  }
  if (filter.withoutTagIds?.length) {
    all.push(
      eb.not(
        eb.exists(
          eb.selectFrom("event_tags as et").select(sql`1`.as("one")).whereRef("et.event_id", "=", "e.id").where("et.tag_id", "in", filter.withoutTagIds),
        ),
      ),
    );
  }
  return eb.and(all);
}

export function eventsRepo(db: Db, dialect: Dialect): EventsPort {
  return {
    async insert(event) {
      return toEvent(await db.insertInto("events").values(flags(event)).returningAll().executeTakeFirstOrThrow());
    },
    async byId(id) {
      const row = await db.selectFrom("events").selectAll().where("id", "=", id).executeTakeFirst();
      return row ? toEvent(row) : null;
    },
    async byIds(ids) {
      const out = new Map<number, EventRecord>();
      for (const part of chunks([...new Set(ids)])) {
        if (part.length === 0) continue;
        for (const row of await db.selectFrom("events").selectAll().where("id", "in", part).execute()) out.set(row.id, toEvent(row));
      }
      return out;
    },
    async byUuid(uuid) {
      const row = await db.selectFrom("events").selectAll().where("uuid", "=", uuid).executeTakeFirst();
      return row ? toEvent(row) : null;
    },
    async update(id, fields, guard) {
      if (Object.keys(fields).length === 0) return true;
      let query = db.updateTable("events").set(flags(fields)).where("id", "=", id);
      if (guard) query = query.where("timestamp", "<", guard.olderThan);
      const { numUpdatedRows } = await query.executeTakeFirst();
      return Number(numUpdatedRows) > 0;
    },
    async updateMany(ids, fields) {
      if (Object.keys(fields).length === 0) return;
      for (const part of chunks([...new Set(ids)])) {
        if (part.length === 0) continue;
        await db.updateTable("events").set(flags(fields)).where("id", "in", part).execute();
      }
    },
    async delete(id) {
      // Sightings and attribute tags reference attributes; cascades remove them with the attributes.
      await db.deleteFrom("sightings").where("event_id", "=", id).execute();
      await db.deleteFrom("attribute_tags").where("event_id", "=", id).execute();
      await db.deleteFrom("attributes").where("event_id", "=", id).execute();
      await db.deleteFrom("objects").where("event_id", "=", id).execute();
      await db.deleteFrom("event_tags").where("event_id", "=", id).execute();
      await db.deleteFrom("events").where("id", "=", id).execute();
    },
    async list(filter, viewer, page) {
      const rows = await db
        .selectFrom("events as e")
        .selectAll("e")
        .where((eb) => conditions(eb, filter, viewer, dialect))
        .$call((q) => {
          const order = page.order ?? { by: "timestamp", direction: "desc" };
          const column = order.by === "org" ? "e.orgc_id" : (`e.${order.by}` as const);
          return order.by === "id" ? q.orderBy("e.id", order.direction) : q.orderBy(column, order.direction).orderBy("e.id", order.direction);
        })
        .limit(page.limit)
        .offset(page.offset)
        .execute();
      return rows.map(toEvent);
    },
    async count(filter, viewer) {
      const row = await db
        .selectFrom("events as e")
        .select((eb) => eb.fn.countAll<number>().as("n"))
        .where((eb) => conditions(eb, filter, viewer, dialect))
        .executeTakeFirstOrThrow();
      return Number(row.n);
    },
    isVisible: isEventVisible,
    async tags(eventIds) {
      const out = new Map<number, TagLinkRecord[]>();
      for (const part of chunks([...new Set(eventIds)])) {
        if (part.length === 0) continue;
        const rows = await db
          .selectFrom("event_tags as et")
          .innerJoin("tags as t", "t.id", "et.tag_id")
          .selectAll("t")
          .select(["et.event_id", "et.local as link_local"])
          .where("et.event_id", "in", part)
          .orderBy("et.id")
          .execute();
        for (const { event_id, link_local, ...tag } of rows) {
          const list = out.get(event_id) ?? [];
          list.push({ tag: toTag(tag), local: link_local === 1 });
          out.set(event_id, list);
        }
      }
      return out;
    },
    async attributeCounts(eventIds) {
      const out = new Map<number, number>();
      for (const part of chunks([...new Set(eventIds)])) {
        if (part.length === 0) continue;
        const rows = await db
          .selectFrom("attributes")
          .select(["event_id", (eb) => eb.fn.countAll<number>().as("n")])
          .where("event_id", "in", part)
          .where("deleted", "=", 0)
          .groupBy("event_id")
          .execute();
        for (const row of rows) out.set(row.event_id, Number(row.n));
      }
      return out;
    },
  };
}
