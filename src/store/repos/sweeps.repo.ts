/**
 * Sweep runs and their change records, and the sweep's one decision query: sightings counted in
 * SQL and grouped by attribute, so that a million attributes cost one statement, not a million.
 */
import { sql, type Expression, type ExpressionBuilder, type Selectable, type SqlBool } from "kysely";
import type { SweepFailure, SweepTarget } from "../../core/sweep-report.js";
import type { SweepChangeRecord, SweepRunParameters, SweepRunRecord, SweepScope, SweepSkip } from "../../core/sweep-run.js";
import type { Database } from "../schema.js";
import type { SweepChangesTable, SweepRunsTable, SweepTables } from "../sweep-schema.js";
import type { IdRange, New, SweepCandidate, SweepsPort, Viewer } from "../store.js";
import { attributeVisible, sightingVisible } from "../visibility.js";
import { chunks, type Db } from "./common.js";

type Tables = Database & SweepTables;
type Scoped = ExpressionBuilder<Tables & { a: Database["attributes"]; e: Database["events"] }, "a" | "e">;

// The share is compared exactly in the core; SQL only drops rows that are clearly under it. The
// margin is far larger than any rounding of counts below 2^31, and far smaller than any real gap.
const SHARE_MARGIN = 1e-6;

function scopeConditions(eb: Scoped, scope: SweepScope, viewer: Viewer, range?: IdRange): Expression<SqlBool> {
  const all: Expression<SqlBool>[] = [eb("a.to_ids", "=", 1), eb("a.deleted", "=", 0)];
  if (range) all.push(eb("a.id", ">=", range.fromId), eb("a.id", "<=", range.toId));
  if (needsEvents(scope, viewer)) all.push(attributeVisible(eb, viewer));
  if (scope.eventIds) all.push(eb("a.event_id", "in", scope.eventIds.length ? scope.eventIds : [-1]));
  if (scope.types) all.push(eb("a.type", "in", scope.types.length ? scope.types : [""]));
  if (scope.orgId !== undefined) all.push(eb("e.orgc_id", "=", scope.orgId));
  return eb.and(all);
}

/**
 * Whether the events table must be joined: for an organisation's scope or a viewer who does not
 * see everything. The instance's own sweep skips the join, which on a million attributes is most
 * of the cost of counting them.
 */
function needsEvents(scope: SweepScope, viewer: Viewer): boolean {
  return scope.orgId !== undefined || !viewer.siteAdmin;
}

const json = <T>(text: string | null, fallback: T): T => {
  if (text === null || text === "") return fallback;
  try {
    return JSON.parse(text) as T;
  } catch {
    return fallback;
  }
};

function toRun(row: Selectable<SweepRunsTable>): SweepRunRecord {
  const target: SweepTarget =
    row.target_kind === "misp" ? { kind: "misp", url: row.target_url ?? "" } : { kind: "local", ...(row.target_label ? { label: row.target_label } : {}) };
  return {
    id: row.id,
    kind: row.kind as SweepRunRecord["kind"],
    target,
    dryRun: row.dry_run === 1,
    status: row.status as SweepRunRecord["status"],
    origin: row.origin as SweepRunRecord["origin"],
    userId: row.user_id,
    orgScopeId: row.org_scope_id,
    parameters: json<SweepRunParameters>(row.parameters, { rule: { minimalFp: 0, threshold: 0.5, cutoff: 0 }, scope: {} }),
    startedAt: Number(row.started_at),
    finishedAt: row.finished_at === null ? null : Number(row.finished_at),
    attributesChecked: Number(row.attributes_checked),
    attributesChanged: Number(row.attributes_changed),
    eventsRepublished: Number(row.events_republished),
    failures: json<SweepFailure[]>(row.failures, []),
    skipped: json<SweepSkip[]>(row.skipped, []),
    undoOf: row.undo_of,
    undoneBy: row.undone_by,
  };
}

function runRow(fields: Partial<Omit<SweepRunRecord, "id">>): Partial<Omit<SweepRunsTable, "id">> {
  const row: Partial<Omit<SweepRunsTable, "id">> = {};
  if (fields.kind !== undefined) row.kind = fields.kind;
  if (fields.target !== undefined) {
    row.target_kind = fields.target.kind;
    row.target_url = fields.target.kind === "misp" ? fields.target.url : null;
    row.target_label = fields.target.kind === "local" ? (fields.target.label ?? null) : null;
  }
  if (fields.dryRun !== undefined) row.dry_run = fields.dryRun ? 1 : 0;
  if (fields.status !== undefined) row.status = fields.status;
  if (fields.origin !== undefined) row.origin = fields.origin;
  if (fields.userId !== undefined) row.user_id = fields.userId;
  if (fields.orgScopeId !== undefined) row.org_scope_id = fields.orgScopeId;
  if (fields.parameters !== undefined) row.parameters = JSON.stringify(fields.parameters);
  if (fields.startedAt !== undefined) row.started_at = fields.startedAt;
  if (fields.finishedAt !== undefined) row.finished_at = fields.finishedAt;
  if (fields.attributesChecked !== undefined) row.attributes_checked = fields.attributesChecked;
  if (fields.attributesChanged !== undefined) row.attributes_changed = fields.attributesChanged;
  if (fields.eventsRepublished !== undefined) row.events_republished = fields.eventsRepublished;
  if (fields.failures !== undefined) row.failures = JSON.stringify(fields.failures);
  if (fields.skipped !== undefined) row.skipped = JSON.stringify(fields.skipped);
  if (fields.undoOf !== undefined) row.undo_of = fields.undoOf;
  if (fields.undoneBy !== undefined) row.undone_by = fields.undoneBy;
  return row;
}

function toChange(row: Selectable<SweepChangesTable>): SweepChangeRecord {
  return {
    id: row.id,
    runId: row.run_id,
    eventId: row.event_ref,
    eventUuid: row.event_uuid,
    eventInfo: row.event_info,
    eventOrgId: row.event_org_id,
    attributeId: row.attribute_ref,
    attributeUuid: row.attribute_uuid,
    attributeType: row.attribute_type,
    attributeValue: row.attribute_value,
    field: "to_ids",
    before: row.before_value === 1,
    after: row.after_value === 1,
    tp: row.tp === null ? null : Number(row.tp),
    fp: row.fp === null ? null : Number(row.fp),
    ratio: row.ratio === null ? null : Number(row.ratio),
    reason: row.reason,
    stamped: row.stamped === null ? null : Number(row.stamped),
    changedAt: Number(row.changed_at),
    republished: row.republished === 1,
  };
}

function changeRow(change: New<SweepChangeRecord>): Omit<SweepChangesTable, "id"> {
  return {
    run_id: change.runId,
    event_ref: change.eventId,
    event_uuid: change.eventUuid,
    event_info: change.eventInfo,
    event_org_id: change.eventOrgId,
    attribute_ref: change.attributeId,
    attribute_uuid: change.attributeUuid,
    attribute_type: change.attributeType,
    attribute_value: change.attributeValue,
    field: change.field,
    before_value: change.before ? 1 : 0,
    after_value: change.after ? 1 : 0,
    tp: change.tp,
    fp: change.fp,
    ratio: change.ratio,
    reason: change.reason,
    stamped: change.stamped,
    changed_at: change.changedAt,
    republished: change.republished ? 1 : 0,
  };
}

/**
 * A run's changed attributes and republished events, counted from its change records (for runs
 * that stopped before writing their totals; migration 0007 recounts those marked before this).
 */
function interruptedTotals(eb: ExpressionBuilder<SweepTables & { sweep_runs: SweepRunsTable }, "sweep_runs">) {
  const changes = () => eb.selectFrom("sweep_changes as c").whereRef("c.run_id", "=", "sweep_runs.id");
  return {
    attributes_changed: changes().select((inner) => inner.fn.countAll<number>().as("n")),
    events_republished: changes()
      .where("c.republished", "=", 1)
      .select(sql<number>`count(distinct c.event_ref)`.as("n")),
  };
}

export function sweepsRepo(base: Db): SweepsPort {
  const db = base.withTables<SweepTables>();
  return {
    async attributeIdBounds() {
      const row = await db
        .selectFrom("attributes")
        .select((eb) => [eb.fn.min<number>("id").as("first"), eb.fn.max<number>("id").as("last")])
        .executeTakeFirst();
      return row && row.first !== null && row.last !== null ? { fromId: Number(row.first), toId: Number(row.last) } : null;
    },

    async countToIds(scope, viewer, range) {
      const base = db.selectFrom("attributes as a");
      const query = needsEvents(scope, viewer) ? base.innerJoin("events as e", "e.id", "a.event_id") : base;
      const row = await (query as typeof base)
        .select((eb) => eb.fn.countAll<number>().as("n"))
        .where((eb) => scopeConditions(eb as unknown as Scoped, scope, viewer, range))
        .executeTakeFirstOrThrow();
      return Number(row.n);
    },

    async candidates(scope, rule, viewer, range) {
      // Only types 0 and 1 are counted, so the sum of the types is the false positives and the
      // count is TP + FP: cheaper than two CASE sums, and the same on both databases.
      const fp = sql<number>`sum(s.type)`;
      const total = sql<number>`count(*)`;
      let counts = db
        .selectFrom("sightings as s")
        .select(["s.attribute_id", fp.as("fp"), total.as("total")])
        // Sighting dates are whole seconds, so "after a fractional cutoff" is "after its floor".
        .where("s.date_sighting", ">", Math.floor(rule.cutoff))
        .where("s.type", "in", [0, 1])
        .groupBy("s.attribute_id")
        .having((eb) =>
          eb.and([
            eb(fp, ">", rule.minimalFp),
            eb(sql<number>`${fp} * 1.0`, ">=", sql<number>`cast(${rule.threshold} as double precision) * ${total} - cast(${SHARE_MARGIN} as double precision)`),
          ]),
        );
      if (scope.eventIds) counts = counts.where("s.event_id", "in", scope.eventIds.length ? scope.eventIds : [-1]);
      if (range) counts = counts.where("s.attribute_id", ">=", range.fromId).where("s.attribute_id", "<=", range.toId);
      // The sightings policy: the instance (a site admin) sees every sighting, and then the
      // count needs no join; anyone else counts only the sightings they may see.
      if (!viewer.siteAdmin && viewer.sightingsPolicy !== 2) {
        counts = counts.innerJoin("events as e", "e.id", "s.event_id").where((eb) => sightingVisible(eb as never, viewer));
      }
      // A cross join with the key in WHERE: SQLite then keeps the written order (the few counted
      // attributes first, each looked up by its key) instead of scanning every to_ids attribute
      // and probing the counts; PostgreSQL plans it as the inner join it is.
      const base = db.selectFrom(counts.as("c")).crossJoin("attributes as a").whereRef("a.id", "=", "c.attribute_id");
      const joined = needsEvents(scope, viewer) ? base.innerJoin("events as e", "e.id", "a.event_id") : base;
      const rows = await (joined as typeof base)
        .select(["a.id", "a.event_id", "a.uuid", "a.type", "a.value", "c.fp", "c.total"])
        .where((eb) => scopeConditions(eb as unknown as Scoped, scope, viewer, range))
        .orderBy("a.event_id")
        .orderBy("a.id")
        .execute();
      return rows.map(
        (row): SweepCandidate => ({
          attributeId: row.id,
          eventId: row.event_id,
          uuid: row.uuid,
          type: row.type,
          value: row.value,
          tp: Number(row.total) - Number(row.fp),
          fp: Number(row.fp),
        }),
      );
    },

    async createRun(run) {
      const row = await db
        .insertInto("sweep_runs")
        .values(runRow(run) as Omit<SweepRunsTable, "id">)
        .returningAll()
        .executeTakeFirstOrThrow();
      return toRun(row);
    },
    async updateRun(id, fields) {
      const row = runRow(fields);
      if (Object.keys(row).length === 0) return;
      await db.updateTable("sweep_runs").set(row).where("id", "=", id).execute();
    },
    async runById(id) {
      const row = await db.selectFrom("sweep_runs").selectAll().where("id", "=", id).executeTakeFirst();
      return row ? toRun(row) : null;
    },
    async listRuns(filter) {
      let query = db.selectFrom("sweep_runs").selectAll().orderBy("id", "desc").limit(filter.limit);
      if (filter.beforeId !== undefined) query = query.where("id", "<", filter.beforeId);
      if (filter.visibleToOrg !== undefined) {
        const org = filter.visibleToOrg;
        query = query.where((eb) =>
          eb.or([eb("org_scope_id", "=", org), eb.and([eb("org_scope_id", "is", null), eb("target_kind", "=", "local")])]),
        );
      }
      return (await query.execute()).map(toRun);
    },
    async addChanges(changes) {
      // Small statements: SQLite parses a statement of thousands of parameters slower than it
      // runs many small ones (measured: 100 rows a statement is about twice as fast as 1,000).
      for (const part of chunks(changes, 100)) {
        if (part.length === 0) continue;
        await db.insertInto("sweep_changes").values(part.map(changeRow)).execute();
      }
    },
    async changes(runId, options = {}) {
      let query = db.selectFrom("sweep_changes").selectAll().where("run_id", "=", runId).orderBy("id");
      if (options.eventOrgId !== undefined) query = query.where("event_org_id", "=", options.eventOrgId);
      return (await query.execute()).map(toChange);
    },
    async changeCounts(runIds, eventOrgId) {
      const out = new Map<number, { attributes: number; events: number; republished: number }>();
      for (const part of chunks([...new Set(runIds)])) {
        if (part.length === 0) continue;
        const rows = await db
          .selectFrom("sweep_changes")
          .select((eb) => [
            "run_id",
            eb.fn.countAll<number>().as("attributes"),
            sql<number>`count(distinct event_ref)`.as("events"),
            sql<number>`count(distinct case when republished = 1 then event_ref end)`.as("republished"),
          ])
          .where("run_id", "in", part)
          .where("event_org_id", "=", eventOrgId)
          .groupBy("run_id")
          .execute();
        for (const row of rows) {
          out.set(row.run_id, { attributes: Number(row.attributes), events: Number(row.events), republished: Number(row.republished) });
        }
      }
      return out;
    },
    async markRepublished(runId, eventIds) {
      for (const part of chunks([...new Set(eventIds)])) {
        if (part.length === 0) continue;
        await db.updateTable("sweep_changes").set({ republished: 1 }).where("run_id", "=", runId).where("event_ref", "in", part).execute();
      }
    },
    async markInterrupted(finishedAt) {
      // The run's totals were to be written when it finished: count what it recorded instead.
      // Every change record landed with the change it records, so these are what it did.
      const rows = await db
        .updateTable("sweep_runs")
        .set((eb) => ({
          status: "interrupted",
          finished_at: finishedAt,
          ...interruptedTotals(eb),
        }))
        .where("status", "=", "running")
        .returning("id")
        .execute();
      return rows.length;
    },
  };
}
