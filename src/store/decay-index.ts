/**
 * The decay index: for every attribute and every enabled model that applies to it (by type), the
 * base score, the reference time, and the window in which the attribute is fresh. It is computed
 * with the scoring core from every sighting (the instance's view); queries use it for viewers who
 * see every sighting, and compute per page otherwise. It is kept current inside the transaction of
 * every write that changes an input (see changes.ts); a model change rebuilds that model's rows in
 * batches.
 */
import { sql } from "kysely";
import { computeBaseScore } from "../core/base-score.js";
import type { DecayingModelRecord } from "../core/domain.js";
import type { Formula } from "../core/formulas/formula.js";
import type { FormulaRegistry } from "../core/formulas/registry.js";
import { computeReferenceTime } from "../core/reference-time.js";
import { freshWindow } from "../core/score.js";
import type { AttributeInput, TagLink } from "../core/types.js";
import type { ChangeSet } from "./changes.js";
import type { Dialect } from "./dialects/dialect.js";
import { chunks, type Db } from "./repos/common.js";
import { toModel } from "./repos/models.repo.js";

/** Stands for ±infinity in fresh_from / fresh_until (inside 2^53, and a bigint). */
export const FOREVER = 9_000_000_000_000_000;

const BATCH = 4_000;

export interface IndexedModel {
  record: DecayingModelRecord;
  formula: Formula;
  types: ReadonlySet<string>;
}

const clamp = (t: number) => (t === Infinity ? FOREVER : t === -Infinity ? -FOREVER : Math.max(-FOREVER, Math.min(FOREVER, t)));

/** The types a model applies to: its own column for default models, plus its mapping rows. */
export async function modelTypes(db: Db, models: readonly DecayingModelRecord[]): Promise<Map<number, Set<string>>> {
  const out = new Map<number, Set<string>>(models.map((m) => [m.id, new Set(m.default ? m.attribute_types : [])]));
  if (models.length === 0) return out;
  const rows = await db.selectFrom("decaying_model_mappings").select(["model_id", "attribute_type"]).where("model_id", "in", models.map((m) => m.id)).execute();
  for (const row of rows) out.get(row.model_id)?.add(row.attribute_type);
  return out;
}

interface AttributeFacts {
  id: number;
  type: string;
  event_id: number;
  timestamp: number;
  last_seen: number | null;
}

export class DecayIndexer {
  constructor(
    private readonly formulas: FormulaRegistry,
    private readonly dialect: Dialect,
  ) {}

  /** Enabled models whose formula has a closed form: the ones the index can answer for. */
  async indexedModels(db: Db, onlyIds?: readonly number[]): Promise<IndexedModel[]> {
    let query = db.selectFrom("decaying_models").selectAll().where("enabled", "=", 1);
    if (onlyIds) query = query.where("id", "in", onlyIds.length ? [...onlyIds] : [-1]);
    const records = (await query.execute()).map(toModel);
    const types = await modelTypes(db, records);
    const out: IndexedModel[] = [];
    for (const record of records) {
      const formula = this.formulas.find(record.formula);
      if (formula?.decaysAt) out.push({ record, formula, types: types.get(record.id)! });
    }
    return out;
  }

  /** Brings the index up to date after the changes of one transaction. */
  async flush(db: Db, changes: ChangeSet): Promise<void> {
    for (const modelId of changes.models) await this.rebuildModel(db, modelId, undefined, false);
    if (changes.models.size > 0) await this.summarise(db);
    const ids = new Set(changes.attributes);
    for (const part of chunks([...changes.events])) {
      if (part.length === 0) continue;
      for (const row of await db.selectFrom("attributes").select("id").where("event_id", "in", part).execute()) ids.add(row.id);
    }
    for (const part of chunks([...changes.tags])) {
      if (part.length === 0) continue;
      const direct = await db.selectFrom("attribute_tags").select("attribute_id").where("tag_id", "in", part).execute();
      direct.forEach((r) => ids.add(r.attribute_id));
      const viaEvents = await db
        .selectFrom("attributes as a")
        .innerJoin("event_tags as et", "et.event_id", "a.event_id")
        .select("a.id")
        .where("et.tag_id", "in", part)
        .execute();
      viaEvents.forEach((r) => ids.add(r.id));
    }
    if (ids.size > 0) await this.refreshAttributes(db, [...ids]);
  }

  /** Recomputes the rows of these attributes, for every enabled model. */
  async refreshAttributes(db: Db, ids: readonly number[]): Promise<void> {
    const models = await this.indexedModels(db);
    if (models.length === 0) return;
    for (const part of chunks([...new Set(ids)], BATCH)) {
      const facts = await this.facts(db, { ids: part });
      await db.deleteFrom("decay_index").where("attribute_id", "in", part).execute();
      await this.insert(db, await this.rows(db, facts, models));
      await this.summarise(db, part);
    }
  }

  /**
   * Recomputes the per-attribute summary (the union of the fresh windows of every enabled model)
   * for these attributes, or for all of them. Deleted attributes get none.
   */
  async summarise(db: Db, ids?: readonly number[]): Promise<void> {
    if (ids) return this.summariseWhere(db, { ids });
    // A slice of attribute ids per statement: one statement over the whole store would hold
    // SQLite (and with it the event loop) for as long as it runs.
    const bounds = await db.selectFrom("attributes").select((eb) => [eb.fn.min<number>("id").as("first"), eb.fn.max<number>("id").as("last")]).executeTakeFirst();
    const first = Number(bounds?.first ?? 1);
    const last = Number(bounds?.last ?? 0);
    await db.deleteFrom("decay_summary").where((eb) => eb.or([eb("attribute_id", "<", first), eb("attribute_id", ">", last)])).execute();
    for (let from = first; from <= last; from += BATCH) await this.summariseWhere(db, { from, to: from + BATCH - 1 });
  }

  private async summariseWhere(db: Db, which: { ids: readonly number[] } | { from: number; to: number }): Promise<void> {
    if ("ids" in which) await db.deleteFrom("decay_summary").where("attribute_id", "in", [...which.ids]).execute();
    else await db.deleteFrom("decay_summary").where("attribute_id", ">=", which.from).where("attribute_id", "<=", which.to).execute();
    const nonEmpty = sql`d.fresh_until > d.fresh_from`;
    let query = db
      .selectFrom("decay_index as d")
      .innerJoin("attributes as a", "a.id", "d.attribute_id")
      .select([
        "d.attribute_id",
        sql<number>`coalesce(min(case when ${nonEmpty} then d.fresh_from end), 0)`.as("fresh_from"),
        sql<number>`coalesce(max(case when ${nonEmpty} then d.fresh_until end), 0)`.as("fresh_until"),
        sql<number>`max(a.to_ids)`.as("to_ids"),
      ])
      .where("a.deleted", "=", 0)
      .groupBy("d.attribute_id");
    query = "ids" in which ? query.where("d.attribute_id", "in", [...which.ids]) : query.where("d.attribute_id", ">=", which.from).where("d.attribute_id", "<=", which.to);
    await db.insertInto("decay_summary").columns(["attribute_id", "fresh_from", "fresh_until", "to_ids"]).expression(query).execute();
  }

  /** Rebuilds one model's rows (after it was enabled, disabled, edited or re-mapped). Returns the row count. */
  async rebuildModel(db: Db, modelId: number, onProgress?: (done: number) => void, summarise = true): Promise<number> {
    await db.deleteFrom("decay_index").where("model_id", "=", modelId).execute();
    const [model] = await this.indexedModels(db, [modelId]);
    if (!model || model.types.size === 0) {
      if (summarise) await this.summarise(db);
      return 0;
    }
    let afterId = 0;
    let written = 0;
    for (;;) {
      const facts = await this.facts(db, { types: [...model.types], afterId, limit: BATCH });
      if (facts.length === 0) break;
      const rows = await this.rows(db, facts, [model]);
      await this.insert(db, rows);
      written += rows.length;
      afterId = facts.at(-1)!.id;
      onProgress?.(written);
      if (facts.length < BATCH) break;
    }
    if (summarise) await this.summarise(db);
    return written;
  }

  /** Rebuilds every enabled model's rows (a repair, and what the consistency tests compare). */
  async rebuildAll(db: Db): Promise<void> {
    await db.deleteFrom("decay_index").execute();
    for (const model of await this.indexedModels(db)) await this.rebuildModel(db, model.record.id, undefined, false);
    await this.summarise(db);
  }

  private async facts(db: Db, by: { ids: readonly number[] } | { types: readonly string[]; afterId: number; limit: number }): Promise<AttributeFacts[]> {
    let query = db.selectFrom("attributes").select(["id", "type", "event_id", "timestamp", "last_seen"]);
    query = "ids" in by ? query.where("id", "in", [...by.ids]) : query.where("type", "in", [...by.types]).where("id", ">", by.afterId).orderBy("id").limit(by.limit);
    const rows = await query.execute();
    return rows.map((r) => ({
      id: r.id,
      type: r.type,
      event_id: r.event_id,
      timestamp: Number(r.timestamp),
      last_seen: r.last_seen === null ? null : Math.floor(Number(r.last_seen) / 1_000_000),
    }));
  }

  /** The index rows for these attributes and models, computed with the core. */
  private async rows(db: Db, facts: readonly AttributeFacts[], models: readonly IndexedModel[]) {
    const applicable = facts.filter((a) => models.some((m) => m.types.has(a.type)));
    if (applicable.length === 0) return [];
    const ids = applicable.map((a) => a.id);
    const eventIds = [...new Set(applicable.map((a) => a.event_id))];
    const needsAllSightings = models.some((m) => m.formula.requiresSightings);

    const [attributeTags, eventTags, sightings] = await Promise.all([
      db
        .selectFrom("attribute_tags as at")
        .innerJoin("tags as t", "t.id", "at.tag_id")
        .select(["at.attribute_id as owner", "t.name", "t.numerical_value"])
        .where("at.attribute_id", "in", ids)
        .orderBy("at.id")
        .execute(),
      db
        .selectFrom("event_tags as et")
        .innerJoin("tags as t", "t.id", "et.tag_id")
        .select(["et.event_id as owner", "t.name", "t.numerical_value"])
        .where("et.event_id", "in", eventIds)
        .orderBy("et.id")
        .execute(),
      needsAllSightings
        ? db.selectFrom("sightings").select(["attribute_id", "type", "date_sighting"]).where("attribute_id", "in", ids).orderBy("date_sighting").execute()
        : db
            .selectFrom("sightings")
            .select(["attribute_id", sql<number>`max(date_sighting)`.as("date_sighting"), sql<number>`0`.as("type")])
            .where("attribute_id", "in", ids)
            .where("type", "=", 0)
            .groupBy("attribute_id")
            .execute(),
    ]);
    const group = (rows: ReadonlyArray<{ owner: number; name: string; numerical_value: number | null }>) => {
      const out = new Map<number, TagLink[]>();
      for (const row of rows) {
        const list = out.get(row.owner) ?? [];
        list.push({ Tag: { name: row.name, numerical_value: row.numerical_value === null ? null : Number(row.numerical_value) } });
        out.set(row.owner, list);
      }
      return out;
    };
    const byAttribute = group(attributeTags);
    const byEvent = group(eventTags);
    const sightingsOf = new Map<number, Array<{ type: number; date_sighting: number }>>();
    for (const s of sightings) {
      const list = sightingsOf.get(s.attribute_id) ?? [];
      list.push({ type: Number(s.type), date_sighting: Number(s.date_sighting) });
      sightingsOf.set(s.attribute_id, list);
    }

    const out: Array<{ attribute_id: number; model_id: number; base_score: number; ref_time: number; fresh_from: number; fresh_until: number }> = [];
    for (const a of applicable) {
      const input: AttributeInput = {
        timestamp: a.timestamp,
        last_seen: a.last_seen,
        EventTag: byEvent.get(a.event_id) ?? [],
        AttributeTag: byAttribute.get(a.id) ?? [],
        Sighting: sightingsOf.get(a.id) ?? [],
      };
      const referenceTime = computeReferenceTime(input);
      for (const model of models) {
        if (!model.types.has(a.type)) continue;
        const modelInput = { formula: model.record.formula, parameters: model.record.parameters };
        try {
          const { baseScore } = computeBaseScore(modelInput, input);
          const window = freshWindow(model.formula, modelInput, input, baseScore, referenceTime)!;
          out.push({ attribute_id: a.id, model_id: model.record.id, base_score: baseScore, ref_time: referenceTime, fresh_from: clamp(window.from), fresh_until: clamp(window.until) });
        } catch {
          // A model that cannot score this attribute leaves no row: the attribute is then scored
          // per request, where the error is reported.
        }
      }
    }
    return out;
  }

  private async insert(db: Db, rows: ReadonlyArray<{ attribute_id: number; model_id: number; base_score: number; ref_time: number; fresh_from: number; fresh_until: number }>): Promise<void> {
    for (const part of chunks(rows, Math.floor(this.dialect.maxParameters / 7))) {
      if (part.length) await db.insertInto("decay_index").values(part).execute();
    }
  }
}
