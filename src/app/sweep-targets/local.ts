/**
 * The sweep on Halflife's own store. The decision is set-based SQL (a count of the to_ids
 * attributes in scope, and the sightings counted per attribute), a slice of attribute ids per
 * statement, so that no statement holds the store (and, on SQLite, the event loop) for long; the
 * rule then decides in the core. Changes are applied a batch of whole events per short
 * transaction: the flags, the change records and the events' republication land together or not
 * at all, so an interrupted run leaves every event either untouched or fully swept, republished and
 * recorded, and other writers (sightings, edits, another process) get the store between batches.
 */
import { decide, type SweepRule } from "../../core/sweep-rule.js";
import type { SweepTarget } from "../../core/sweep-report.js";
import type { SweepScope } from "../../core/sweep-run.js";
import type { IdRange, Viewer } from "../../store/store.js";
import type { AppContext } from "../context.js";
import type { SweepProgress } from "../sweep-settings.js";
import { changeRecord, type AppliedSweep, type PlannedEvent, type RunStamp, type SweepPlan, type SweepTargetPort } from "./target.js";

/**
 * Attributes per transaction: large enough to amortise commits, small enough that a writer
 * waiting behind one (a sighting, an edit) waits tens of milliseconds, not seconds.
 */
const BATCH_ATTRIBUTES = 1_000;

/** Attribute ids per decision statement: each counts the sightings of about this many attributes. */
const SLICE_IDS = 10_000;

/** The store's attribute ids, a slice at a time. */
export function idSlices(bounds: IdRange | null, size = SLICE_IDS): IdRange[] {
  if (!bounds) return [];
  const out: IdRange[] = [];
  for (let from = bounds.fromId; from <= bounds.toId; from += size) out.push({ fromId: from, toId: Math.min(bounds.toId, from + size - 1) });
  return out;
}

/** Whole events, in order, in batches of about `size` attributes (a bigger event makes a batch of its own). */
export function eventBatches(events: readonly PlannedEvent[], size = BATCH_ATTRIBUTES): PlannedEvent[][] {
  const batches: PlannedEvent[][] = [];
  let current: PlannedEvent[] = [];
  let count = 0;
  for (const event of events) {
    if (count > 0 && count + event.attributes.length > size) {
      batches.push(current);
      current = [];
      count = 0;
    }
    current.push(event);
    count += event.attributes.length;
  }
  if (current.length > 0) batches.push(current);
  return batches;
}

export function localTarget(context: AppContext, viewer: Viewer, label?: string): SweepTargetPort {
  const target: SweepTarget = { kind: "local", ...(label ? { label } : {}) };
  return {
    target,
    async connect() {},

    async plan(rule: SweepRule, scope: SweepScope, progress?: (p: SweepProgress) => void): Promise<SweepPlan> {
      const store = context.store;
      const slices = idSlices(await store.sweeps.attributeIdBounds());
      let checked = 0;
      for (const slice of slices) checked += await store.sweeps.countToIds(scope, viewer, slice);
      progress?.({ phase: "deciding", done: 0, total: checked });
      const byEvent = new Map<number, Array<PlannedEvent["attributes"][number] & { attributeId: number }>>();
      let counted = 0;
      for (const slice of slices) {
        for (const candidate of await store.sweeps.candidates(scope, rule, viewer, slice)) {
          const decision = decide(candidate, rule);
          if (!decision.disable) continue;
          const list = byEvent.get(candidate.eventId) ?? [];
          list.push({
            attributeId: candidate.attributeId,
            id: String(candidate.attributeId),
            uuid: candidate.uuid,
            type: candidate.type,
            value: candidate.value,
            tp: decision.tp,
            fp: decision.fp,
            ratio: decision.ratio,
            reason: decision.reason,
          });
          byEvent.set(candidate.eventId, list);
        }
        counted = Math.min(checked, counted + (slice.toId - slice.fromId + 1));
        progress?.({ phase: "deciding", done: counted, total: checked });
      }
      // An event's attributes may span two slices: events in id order, attributes in id order.
      const ordered = [...byEvent.entries()]
        .sort(([a], [b]) => a - b)
        .map(([id, list]): [number, PlannedEvent["attributes"]] => [id, list.sort((x, y) => x.attributeId - y.attributeId).map(({ attributeId: _id, ...attribute }) => attribute)]);
      const events = await store.events.byIds(ordered.map(([id]) => id));
      const planned: PlannedEvent[] = ordered.flatMap(([id, attributes]) => {
        const event = events.get(id);
        return event ? [{ id: String(id), uuid: event.uuid, info: event.info, orgId: event.orgc_id, attributes }] : [];
      });
      progress?.({ phase: "deciding", done: checked, total: checked });
      return { checked, events: planned };
    },

    async apply(plan: SweepPlan, stamp: RunStamp, progress?: (p: SweepProgress) => void): Promise<AppliedSweep> {
      const total = plan.events.reduce((sum, event) => sum + event.attributes.length, 0);
      const applied: AppliedSweep = { events: [], failures: [] };
      let done = 0;
      progress?.({ phase: "applying", done, total });
      for (const batch of eventBatches(plan.events)) {
        const changed = await context.store.transaction(async (tx) => {
          const ids = batch.flatMap((event) => event.attributes.map((attribute) => Number(attribute.id)));
          // Only attributes still live and flagged change: an analyst may have acted since the plan.
          const flipped = new Set(await tx.attributes.setToIds(ids, false, stamp.now));
          const events = batch
            .map((event) => ({ ...event, attributes: event.attributes.filter((attribute) => flipped.has(Number(attribute.id))) }))
            .filter((event) => event.attributes.length > 0);
          await tx.sweeps.addChanges(
            events.flatMap((event) => event.attributes.map((attribute) => changeRecord(stamp, event, attribute, { stamped: stamp.now, republished: true }))),
          );
          // Each change stamps its attribute and unpublishes its event (as attributes/edit does),
          // and each event is republished once, without alerts, after all of its changes. All of
          // that commits together here, so one statement writes the end state of every event.
          await tx.events.updateMany(
            events.map((event) => Number(event.id)),
            { timestamp: stamp.now, published: true, publish_timestamp: stamp.now },
          );
          return events;
        });
        for (const event of changed) {
          applied.events.push({ id: event.id, uuid: event.uuid, info: event.info, republished: true, attributes: event.attributes });
        }
        done += batch.reduce((sum, event) => sum + event.attributes.length, 0);
        progress?.({ phase: "applying", done, total });
      }
      return applied;
    },

    async close() {},
  };
}
