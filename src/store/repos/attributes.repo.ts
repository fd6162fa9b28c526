import { sql, type ExpressionBuilder, type Expression, type SqlBool } from "kysely";
import type { AttributeRecord, TagLinkRecord } from "../../core/domain.js";
import type { Dialect } from "../dialects/dialect.js";
import { flags, toAttribute, toTag } from "../rows.js";
import type { Database } from "../schema.js";
import type { AttributeFilter, AttributesPort, New, Viewer } from "../store.js";
import { attributeVisible, isAttributeVisible } from "../visibility.js";
import { chunks, denseRange, likeMatch, likePattern, type Db } from "./common.js";
import type { ChangeTracker } from "../changes.js";
import { invalidInput } from "../../core/errors.js";

type Scope = ExpressionBuilder<Database & { a: Database["attributes"]; e: Database["events"] }, "a" | "e">;

/** MISP splits the values of composite types ("domain|ip") into value1 and value2. */
export function splitValue(type: string, value: string): { value1: string; value2: string } {
  if (type.includes("|")) {
    const bar = value.indexOf("|");
    if (bar >= 0) return { value1: value.slice(0, bar), value2: value.slice(bar + 1) };
  }
  return { value1: value, value2: "" };
}

function valueCondition(eb: Scope, value: string, dialect: Dialect): Expression<SqlBool> {
  if (value.includes("%")) {
    const pattern = likePattern(value);
    return eb.or([
      likeMatch("a.value1", pattern, dialect),
      likeMatch("a.value2", pattern, dialect),
      likeMatch("a.value", pattern, dialect),
    ]);
  }
  const bar = value.indexOf("|");
  if (bar >= 0) {
    return eb.or([eb("a.value1", "=", value), eb.and([eb("a.value1", "=", value.slice(0, bar)), eb("a.value2", "=", value.slice(bar + 1))])]);
  }
  return eb.or([eb("a.value1", "=", value), eb("a.value2", "=", value)]);
}

/** % patterns one value filter may hold: each is its own LIKE, and SQLite's expressions stop at a depth of 1,000. */
const MAX_VALUE_PATTERNS = 200;

/**
 * Any of these values, as few SQL terms as possible: exact values in IN lists (either half, or
 * the whole composite value), and one term per % pattern. One term per value would nest past
 * SQLite's expression depth limit on long lists.
 */
function anyValue(eb: Scope, values: readonly string[], dialect: Dialect): Expression<SqlBool> {
  const patterns = values.filter((v) => v.includes("%"));
  if (patterns.length > MAX_VALUE_PATTERNS) throw invalidInput("value", `holds more than ${MAX_VALUE_PATTERNS} % patterns; split the search`);
  const exact = values.filter((v) => !v.includes("%"));
  const composite = exact.filter((v) => v.includes("|"));
  const any: Expression<SqlBool>[] = [];
  if (exact.length) any.push(eb("a.value1", "in", exact), eb("a.value2", "in", exact));
  // "a|b" is the whole value of a composite attribute: its first half narrows through the index.
  if (composite.length) any.push(eb.and([eb("a.value1", "in", composite.map((v) => v.slice(0, v.indexOf("|")))), eb("a.value", "in", composite)]));
  for (const pattern of patterns) any.push(valueCondition(eb, pattern, dialect));
  return eb.or(any);
}

const nonEmpty = <T>(list: T[], none: T): T[] => (list.length ? list : [none]);

function tagged(eb: Scope, tagIds: number[]): Expression<SqlBool> {
  const ids = nonEmpty(tagIds, -1);
  return eb.or([
    eb.exists(eb.selectFrom("attribute_tags as at").select(sql`1`.as("one")).whereRef("at.attribute_id", "=", "a.id").where("at.tag_id", "in", ids)),
    eb.exists(eb.selectFrom("event_tags as et").select(sql`1`.as("one")).whereRef("et.event_id", "=", "a.event_id").where("et.tag_id", "in", ids)),
  ]);
}

export function attributeConditions(eb: Scope, f: AttributeFilter, viewer: Viewer, dialect: Dialect): Expression<SqlBool> {
  const all: Expression<SqlBool>[] = [attributeVisible(eb, viewer)];
  if (f.deleted === undefined || f.deleted === false) all.push(eb("a.deleted", "=", 0));
  else if (f.deleted === true) all.push(eb("a.deleted", "=", 1));
  if (f.ids) all.push(eb("a.id", "in", nonEmpty(f.ids, -1)));
  if (f.uuids) all.push(eb("a.uuid", "in", nonEmpty(f.uuids, "")));
  if (f.anyUuids) all.push(eb.or([eb("a.uuid", "in", nonEmpty(f.anyUuids, "")), eb("e.uuid", "in", nonEmpty(f.anyUuids, ""))]));
  if (f.eventIds) all.push(eb("a.event_id", "in", nonEmpty(f.eventIds, -1)));
  if (f.eventUuids) all.push(eb("e.uuid", "in", nonEmpty(f.eventUuids, "")));
  if (f.values?.length) all.push(anyValue(eb, f.values, dialect));
  if (f.notValues?.length) all.push(eb.not(anyValue(eb, f.notValues, dialect)));
  if (f.types) all.push(eb("a.type", "in", nonEmpty(f.types, "")));
  if (f.notTypes?.length) all.push(eb("a.type", "not in", f.notTypes));
  if (f.categories) all.push(eb("a.category", "in", nonEmpty(f.categories, "")));
  if (f.notCategories?.length) all.push(eb("a.category", "not in", f.notCategories));
  for (const group of f.tagIdGroups ?? []) all.push(tagged(eb, group));
  if (f.notTagIds?.length) all.push(eb.not(tagged(eb, f.notTagIds)));
  if (f.toIds !== undefined) all.push(eb("a.to_ids", "=", f.toIds ? 1 : 0));
  if (f.published !== undefined) all.push(eb("e.published", "=", f.published ? 1 : 0));
  if (f.timestampFrom !== undefined) all.push(eb("a.timestamp", ">=", f.timestampFrom));
  if (f.timestampTo !== undefined) all.push(eb("a.timestamp", "<=", f.timestampTo));
  if (f.eventTimestampFrom !== undefined) all.push(eb("e.timestamp", ">=", f.eventTimestampFrom));
  if (f.eventTimestampTo !== undefined) all.push(eb("e.timestamp", "<=", f.eventTimestampTo));
  if (f.publishTimestampFrom !== undefined) all.push(eb("e.publish_timestamp", ">=", f.publishTimestampFrom));
  if (f.publishTimestampTo !== undefined) all.push(eb("e.publish_timestamp", "<=", f.publishTimestampTo));
  if (f.dateFrom !== undefined) all.push(eb("e.date", ">=", f.dateFrom));
  if (f.dateTo !== undefined) all.push(eb("e.date", "<=", f.dateTo));
  if (f.orgIds) all.push(eb("e.orgc_id", "in", nonEmpty(f.orgIds, -1)));
  if (f.notOrgIds?.length) all.push(eb("e.orgc_id", "not in", f.notOrgIds));
  if (f.objectRelations) all.push(eb("a.object_relation", "in", nonEmpty(f.objectRelations, "")));
  if (f.eventInfo !== undefined) all.push(likeMatch("e.info", likePattern(f.eventInfo), dialect));
  if (f.comment !== undefined) all.push(likeMatch("a.comment", likePattern(f.comment), dialect));
  if (f.firstSeenFrom !== undefined) all.push(eb("a.first_seen", ">=", f.firstSeenFrom));
  if (f.lastSeenTo !== undefined) all.push(eb("a.last_seen", "<=", f.lastSeenTo));
  if (f.threatLevelIds) all.push(eb("e.threat_level_id", "in", nonEmpty(f.threatLevelIds, -1)));
  if (f.freshAt?.allEnabled) {
    // Kept unless the attribute has a summary and it is not fresh now: one primary-key probe.
    const now = f.freshAt.now;
    all.push(
      eb.not(
        eb.exists(
          eb
            .selectFrom("decay_summary as s")
            .select(sql`1`.as("one"))
            .whereRef("s.attribute_id", "=", "a.id")
            .where((inner) => inner.or([inner("s.fresh_from", ">", now), inner("s.fresh_until", "<=", now)])),
        ),
      ),
    );
  } else if (f.freshAt) {
    const models = nonEmpty(f.freshAt.modelIds, -1);
    const now = f.freshAt.now;
    all.push(
      eb.or([
        eb.exists(
          eb
            .selectFrom("decay_index as d")
            .select(sql`1`.as("one"))
            .whereRef("d.attribute_id", "=", "a.id")
            .where("d.model_id", "in", models)
            .where("d.fresh_from", "<=", now)
            .where("d.fresh_until", ">", now),
        ),
        eb.not(eb.exists(eb.selectFrom("decay_index as d").select(sql`1`.as("one")).whereRef("d.attribute_id", "=", "a.id").where("d.model_id", "in", models))),
      ]),
    );
  }
  return eb.and(all);
}

/** Whether a search must join the events table: for visibility, or for a filter on event fields. */
function needsEvent(f: AttributeFilter, viewer: Viewer): boolean {
  if (!viewer.siteAdmin) return true;
  return [
    f.eventUuids,
    f.anyUuids,
    f.published,
    f.eventTimestampFrom,
    f.eventTimestampTo,
    f.publishTimestampFrom,
    f.publishTimestampTo,
    f.dateFrom,
    f.dateTo,
    f.orgIds,
    f.notOrgIds,
    f.eventInfo,
    f.threatLevelIds,
  ].some((v) => v !== undefined);
}

/**
 * `select … from attributes a [join events e]`: a site admin's search that filters on nothing of
 * the event reads attributes alone (a plain count is then an index scan, and pages a rowid range).
 * The conditions only mention `e` when the join is there.
 */
function fromAttributes(db: Db, filter: AttributeFilter, viewer: Viewer) {
  const joined = db.selectFrom("attributes as a").innerJoin("events as e", "e.id", "a.event_id");
  return needsEvent(filter, viewer) ? joined : (db.selectFrom("attributes as a") as unknown as typeof joined);
}

function insertRow(attribute: New<AttributeRecord>) {
  return { ...flags(attribute), ...splitValue(attribute.type, attribute.value) };
}

export function attributesRepo(db: Db, dialect: Dialect, changes: ChangeTracker): AttributesPort {
  return {
    async insert(attribute) {
      const created = toAttribute(await db.insertInto("attributes").values(insertRow(attribute)).returningAll().executeTakeFirstOrThrow());
      await changes.attributes([created.id]);
      return created;
    },
    async insertMany(attributes) {
      if (dialect.insertRows && db.isTransaction && attributes.length > 0) {
        const rows = attributes.map(insertRow);
        const columns = Object.keys(rows[0]!);
        const ids = await dialect.insertRows(db, "attributes", columns, rows.map((row) => columns.map((c) => (row as Record<string, unknown>)[c] ?? null)));
        await changes.attributes(ids);
        return ids;
      }
      const idByUuid = new Map<string, number>();
      // 20 columns a row: stay well inside both databases' parameter limits.
      for (const part of chunks(attributes, Math.floor(dialect.maxParameters / 24))) {
        if (part.length === 0) continue;
        const rows = await db.insertInto("attributes").values(part.map(insertRow)).returning(["id", "uuid"]).execute();
        for (const row of rows) idByUuid.set(row.uuid, row.id);
      }
      const ids = attributes.map((a) => idByUuid.get(a.uuid)!);
      await changes.attributes(ids);
      return ids;
    },
    async byId(id) {
      const row = await db.selectFrom("attributes").selectAll().where("id", "=", id).executeTakeFirst();
      return row ? toAttribute(row) : null;
    },
    async byIds(ids) {
      const out = new Map<number, AttributeRecord>();
      for (const part of chunks([...new Set(ids)])) {
        if (part.length === 0) continue;
        for (const row of await db.selectFrom("attributes").selectAll().where("id", "in", part).execute()) out.set(row.id, toAttribute(row));
      }
      return out;
    },
    async byUuid(uuid) {
      const row = await db.selectFrom("attributes").selectAll().where("uuid", "=", uuid).executeTakeFirst();
      return row ? toAttribute(row) : null;
    },
    async existingUuids(uuids) {
      const out = new Set<string>();
      for (const part of chunks([...new Set(uuids)])) {
        if (part.length === 0) continue;
        for (const row of await db.selectFrom("attributes").select("uuid").where("uuid", "in", part).execute()) out.add(row.uuid);
      }
      return out;
    },
    async update(id, fields, guard) {
      if (Object.keys(fields).length === 0) return true;
      const row = flags(fields) as Record<string, unknown>;
      if (fields.value !== undefined || fields.type !== undefined) {
        const current = await db.selectFrom("attributes").select(["type", "value"]).where("id", "=", id).executeTakeFirstOrThrow();
        Object.assign(row, splitValue(fields.type ?? current.type, fields.value ?? current.value));
      }
      let query = db.updateTable("attributes").set(row).where("id", "=", id);
      if (guard) query = query.where("timestamp", "<", guard.olderThan);
      const { numUpdatedRows } = await query.executeTakeFirst();
      if (Number(numUpdatedRows) === 0) return false;
      await changes.attributes([id]);
      return true;
    },
    async setToIds(ids, value, timestamp) {
      const changed: number[] = [];
      // A thousand ids a statement: long IN lists cost more to parse than they save.
      for (const part of chunks([...new Set(ids)], 1_000)) {
        if (part.length === 0) continue;
        const rows = await db
          .updateTable("attributes")
          .set({ to_ids: value ? 1 : 0, timestamp })
          .where("id", "in", part)
          .where("to_ids", "=", value ? 0 : 1)
          .where("deleted", "=", 0)
          .returning("id")
          .execute();
        for (const row of rows) changed.push(row.id);
      }
      // The timestamp moved: the reference time of these attributes' decay may have too.
      await changes.attributes(changed);
      return changed.sort((a, b) => a - b);
    },
    async delete(id) {
      await db.deleteFrom("sightings").where("attribute_id", "=", id).execute();
      await db.deleteFrom("attribute_tags").where("attribute_id", "=", id).execute();
      await db.deleteFrom("attributes").where("id", "=", id).execute();
    },
    async byEvents(eventIds, options = {}) {
      const out: AttributeRecord[] = [];
      for (const part of chunks([...new Set(eventIds)])) {
        if (part.length === 0) continue;
        let query = db.selectFrom("attributes").selectAll().where("event_id", "in", part).orderBy("id");
        if (!options.includeDeleted) query = query.where("deleted", "=", 0);
        out.push(...(await query.execute()).map(toAttribute));
      }
      return out;
    },
    async search(filter, viewer, page) {
      let query = fromAttributes(db, filter, viewer)
        .selectAll("a")
        .where((eb) => attributeConditions(eb, filter, viewer, dialect))
        .orderBy("a.id")
        .limit(page.limit);
      if (page.afterId !== undefined) query = query.where("a.id", ">", page.afterId);
      if (page.offset) query = query.offset(page.offset);
      return (await query.execute()).map(toAttribute);
    },
    async count(filter, viewer) {
      const { freshAt, deleted, toIds, ...others } = filter;
      const everyLive = viewer.siteAdmin && (deleted === undefined || deleted === false) && Object.values(others).every((v) => v === undefined);
      // A site admin's count of every live attribute, or of the fresh ones, perhaps only those with
      // `to_ids` given: what the first page of a plain search or of an IDS export needs. Whole-table
      // and index-range counts instead of a probe per attribute.
      if (everyLive && (freshAt ? freshAt.allEnabled : toIds === undefined)) {
        const flag = toIds === undefined ? undefined : toIds ? 1 : 0;
        const live =
          flag === undefined
            ? // All rows minus the deleted ones: SQLite counts a whole table from its B-tree pages
              // and the deleted ones through their partial index (migration 0005), where
              // `deleted = 0` walks an index entry per attribute.
              db
                .selectNoFrom((eb) => [
                  eb.selectFrom("attributes").select((inner) => inner.fn.countAll<number>().as("n")).as("total"),
                  eb.selectFrom("attributes").select((inner) => inner.fn.countAll<number>().as("n")).where("deleted", "=", 1).as("gone"),
                ])
                .executeTakeFirstOrThrow()
                .then((row) => Number(row.total) - Number(row.gone))
            : db
                .selectFrom("attributes")
                .select((eb) => eb.fn.countAll<number>().as("n"))
                .where("to_ids", "=", flag)
                .where("deleted", "=", 0)
                .executeTakeFirstOrThrow()
                .then((row) => Number(row.n));
        if (!freshAt) return live;
        // Minus what the summary says is decayed now. A window not begun yet (fresh_from > now) is
        // not over either, so the two ranges are disjoint. The summary holds live attributes only,
        // with their `to_ids` flag (migration 0006).
        const now = freshAt.now;
        const decayed = (column: "fresh_until" | "fresh_from", op: "<=" | ">") => {
          let query = db.selectFrom("decay_summary").select((eb) => eb.fn.countAll<number>().as("n")).where(column, op, now);
          if (flag !== undefined) query = query.where("to_ids", "=", flag);
          return query.executeTakeFirstOrThrow().then((row) => Number(row.n));
        };
        const [liveCount, over, ahead] = await Promise.all([live, decayed("fresh_until", "<="), decayed("fresh_from", ">")]);
        return liveCount - over - ahead;
      }
      const row = await fromAttributes(db, filter, viewer)
        .select((eb) => eb.fn.countAll<number>().as("n"))
        .where((eb) => attributeConditions(eb, filter, viewer, dialect))
        .executeTakeFirstOrThrow();
      return Number(row.n);
    },
    async eventIdsMatching(filter, viewer) {
      const rows = await fromAttributes(db, filter, viewer)
        .select("a.event_id")
        .distinct()
        .where((eb) => attributeConditions(eb, filter, viewer, dialect))
        .execute();
      return rows.map((r) => r.event_id);
    },
    async liveWithValues(eventId, values) {
      const out: AttributeRecord[] = [];
      for (const part of chunks([...new Set(values)], 1_000)) {
        if (part.length === 0) continue;
        const rows = await db.selectFrom("attributes").selectAll().where("event_id", "=", eventId).where("deleted", "=", 0).where("value", "in", part).orderBy("id").execute();
        out.push(...rows.map(toAttribute));
      }
      return out;
    },
    async byValues(values, viewer) {
      if (values.length === 0) return [];
      const rows = await db
        .selectFrom("attributes as a")
        .innerJoin("events as e", "e.id", "a.event_id")
        .selectAll("a")
        .where((eb) => attributeConditions(eb, { values: [...values].filter((v) => !v.includes("%")) }, viewer, dialect))
        .orderBy("a.id")
        .execute();
      return rows.map(toAttribute);
    },
    async tags(attributeIds) {
      const out = new Map<number, TagLinkRecord[]>();
      const wanted = new Set(attributeIds);
      const range = denseRange([...wanted]);
      const parts = range ? [range] : chunks([...wanted]);
      for (const part of parts) {
        if (part.length === 0) continue;
        let query = db
          .selectFrom("attribute_tags as at")
          .innerJoin("tags as t", "t.id", "at.tag_id")
          .selectAll("t")
          .select(["at.attribute_id", "at.local as link_local"])
          .orderBy("at.id");
        query = range ? query.where("at.attribute_id", ">=", range[0]).where("at.attribute_id", "<=", range[1]) : query.where("at.attribute_id", "in", part);
        for (const { attribute_id, link_local, ...tag } of await query.execute()) {
          if (!wanted.has(attribute_id)) continue;
          const list = out.get(attribute_id) ?? [];
          list.push({ tag: toTag(tag), local: link_local === 1 });
          out.set(attribute_id, list);
        }
      }
      return out;
    },
    isVisible: isAttributeVisible,
  };
}
