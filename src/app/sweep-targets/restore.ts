/**
 * Undoing a run: turning back on the flags it turned off, on the local store or a remote MISP.
 * An attribute is left alone when someone has acted on it since the sweep: it was deleted, its
 * flag is on again, or its timestamp moved past the one the sweep stamped (an analyst's edit).
 * Each event with a restored attribute is republished once, without alerts.
 */
import { formatCutoff } from "../../core/sweep-rule.js";
import type { SweepFailure } from "../../core/sweep-report.js";
import type { SweepChangeRecord, SweepSkip } from "../../core/sweep-run.js";
import type { SweepUndoEvent } from "../../core/sweep-undo-report.js";
import type { New } from "../../store/store.js";
import type { AppContext } from "../context.js";
import type { SweepProgress } from "../sweep-settings.js";
import type { RunStamp } from "./target.js";

export interface RestoreResult {
  events: SweepUndoEvent[];
  skipped: SweepSkip[];
  failures: SweepFailure[];
}

export interface UndoStamp extends RunStamp {
  undoneRunId: number;
}

export type Restorer = (changes: readonly SweepChangeRecord[], stamp: UndoStamp, progress?: (p: SweepProgress) => void) => Promise<RestoreResult>;

/** The current state of an attribute, as far as undo cares. */
export interface AttributeState {
  toIds: boolean;
  deleted: boolean;
  timestamp: number | null;
}

/** Why an attribute must be left alone, or null when its flag can go back on. */
export function skipReason(change: SweepChangeRecord, current: AttributeState | undefined): string | null {
  if (!current || current.deleted) return "the attribute was deleted since the sweep";
  if (current.toIds) return "to_ids is on again already";
  if (change.stamped !== null && current.timestamp !== null && current.timestamp !== change.stamped) {
    return `the attribute was changed since the sweep (last at ${formatCutoff(current.timestamp)} UTC)`;
  }
  return null;
}

export function skipOf(change: SweepChangeRecord, why: string): SweepSkip {
  return { eventId: change.eventId, attributeId: change.attributeId, uuid: change.attributeUuid, type: change.attributeType, value: change.attributeValue, why };
}

/** The change record of a flag turned back on. */
export function restoreRecord(stamp: UndoStamp, change: SweepChangeRecord, facts: { stamped: number | null; republished: boolean }): New<SweepChangeRecord> {
  return {
    ...change,
    runId: stamp.runId,
    before: false,
    after: true,
    tp: null,
    fp: null,
    ratio: null,
    reason: `Turn to_ids back on: undo of sweep run ${stamp.undoneRunId}.`,
    stamped: facts.stamped,
    changedAt: stamp.now,
    republished: facts.republished,
  };
}

/** Changes grouped by event, in order. */
export function byEvent(changes: readonly SweepChangeRecord[]): SweepChangeRecord[][] {
  const groups = new Map<string, SweepChangeRecord[]>();
  for (const change of changes) groups.set(change.eventId, [...(groups.get(change.eventId) ?? []), change]);
  return [...groups.values()];
}

export function undoEvent(changes: readonly SweepChangeRecord[], republished: boolean): SweepUndoEvent {
  const first = changes[0]!;
  return {
    id: first.eventId,
    uuid: first.eventUuid,
    info: first.eventInfo,
    republished,
    attributes: changes.map((c) => ({ id: c.attributeId, uuid: c.attributeUuid, type: c.attributeType, value: c.attributeValue })),
  };
}

/** Attributes per transaction, as small as the sweep's: writers waiting behind one wait briefly. */
const BATCH_ATTRIBUTES = 1_000;

/** Restores on the local store: a batch of whole events per transaction, like the sweep itself. */
export function localRestorer(context: AppContext): Restorer {
  return async (changes, stamp, progress) => {
    const result: RestoreResult = { events: [], skipped: [], failures: [] };
    const groups = byEvent(changes);
    let done = 0;
    progress?.({ phase: "restoring", done, total: changes.length });
    for (let start = 0; start < groups.length; ) {
      const batch: SweepChangeRecord[][] = [];
      let size = 0;
      while (start < groups.length && (batch.length === 0 || size + groups[start]!.length <= BATCH_ATTRIBUTES)) {
        size += groups[start]!.length;
        batch.push(groups[start++]!);
      }
      const outcome = await context.store.transaction(async (tx) => {
        const ids = batch.flat().map((change) => Number(change.attributeId));
        const current = await tx.attributes.byIds(ids);
        const skipped: SweepSkip[] = [];
        const eligible = batch.flat().filter((change) => {
          const attribute = current.get(Number(change.attributeId));
          const why = skipReason(change, attribute && { toIds: attribute.to_ids, deleted: attribute.deleted, timestamp: attribute.timestamp });
          if (why) skipped.push(skipOf(change, why));
          return why === null;
        });
        const flipped = new Set(await tx.attributes.setToIds(eligible.map((change) => Number(change.attributeId)), true, stamp.now));
        const restored = eligible.filter((change) => flipped.has(Number(change.attributeId)));
        await tx.sweeps.addChanges(restored.map((change) => restoreRecord(stamp, change, { stamped: stamp.now, republished: true })));
        const events = byEvent(restored);
        await tx.events.updateMany(
          events.map((group) => Number(group[0]!.eventId)),
          { timestamp: stamp.now, published: true, publish_timestamp: stamp.now },
        );
        return { events: events.map((group) => undoEvent(group, true)), skipped };
      });
      result.events.push(...outcome.events);
      result.skipped.push(...outcome.skipped);
      done += size;
      progress?.({ phase: "restoring", done, total: changes.length });
    }
    return result;
  };
}
