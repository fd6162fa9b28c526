/**
 * Undoing a remote run: reads the attributes' current state from the MISP (restSearch by uuid),
 * turns back on the flags nobody touched since, and republishes each of those events once. A
 * failed edit does not stop the others; the undo can be run again to finish the job.
 */
import { toNumber } from "../../core/numeric.js";
import type { SweepFailure } from "../../core/sweep-report.js";
import type { SweepChangeRecord, SweepSkip } from "../../core/sweep-run.js";
import { mapWithConcurrency } from "../../misp/client.js";
import type { AppContext } from "../context.js";
import { failureOf, mispClientFor, mispTruthy, serverGone, type RemoteTargetOptions } from "./misp-remote.js";
import { byEvent, restoreRecord, skipOf, skipReason, undoEvent, type AttributeState, type RestoreResult, type Restorer } from "./restore.js";

const UUIDS_PER_SEARCH = 200;

export function remoteRestorer(context: AppContext, options: RemoteTargetOptions): { restore: Restorer; close(): Promise<void> } {
  const client = mispClientFor(options);

  async function currentState(changes: readonly SweepChangeRecord[]): Promise<Map<string, AttributeState>> {
    const out = new Map<string, AttributeState>();
    const uuids = [...new Set(changes.map((change) => change.attributeUuid))];
    for (let i = 0; i < uuids.length; i += UUIDS_PER_SEARCH) {
      for await (const page of client.pageAttributes({ uuid: uuids.slice(i, i + UUIDS_PER_SEARCH) }, { pageSize: 1000 })) {
        for (const attribute of page.attributes) {
          out.set(String(attribute.uuid), {
            toIds: mispTruthy(attribute.to_ids),
            deleted: mispTruthy(attribute.deleted),
            timestamp: toNumber(attribute.timestamp) ?? null,
          });
        }
      }
    }
    return out;
  }

  const restore: Restorer = async (changes, stamp, progress) => {
    const result: RestoreResult = { events: [], skipped: [], failures: [] };
    const state = { aborted: false, done: 0, notStarted: 0 };
    progress?.({ phase: "restoring", done: 0, total: changes.length });
    const outcomes = await mapWithConcurrency(byEvent(changes), options.concurrency ?? 4, async (group) => {
      const failures: SweepFailure[] = [];
      const skipped: SweepSkip[] = [];
      if (state.aborted) {
        state.notStarted++;
        return { failures, skipped, restored: [] as Array<{ change: SweepChangeRecord; stamped: number | null }>, republished: false };
      }
      const eventId = group[0]!.eventId;
      let current: Map<string, AttributeState>;
      try {
        current = await currentState(group);
      } catch (error) {
        if (serverGone(error)) state.aborted = true;
        failures.push(failureOf("search", error, { eventId }));
        return { failures, skipped, restored: [] as Array<{ change: SweepChangeRecord; stamped: number | null }>, republished: false };
      }
      const restored: Array<{ change: SweepChangeRecord; stamped: number | null }> = [];
      for (const change of group) {
        const why = skipReason(change, current.get(change.attributeUuid));
        if (why) {
          skipped.push(skipOf(change, why));
          continue;
        }
        try {
          const saved = await client.editAttribute(change.attributeUuid, { uuid: change.attributeUuid, to_ids: 1 });
          restored.push({ change, stamped: toNumber(saved.timestamp) ?? null });
        } catch (error) {
          if (serverGone(error)) state.aborted = true;
          failures.push(failureOf("edit", error, { eventId, attributeId: change.attributeId }));
        }
      }
      let republished = false;
      if (restored.length > 0) {
        await context.store.transaction((tx) => tx.sweeps.addChanges(restored.map((entry) => restoreRecord(stamp, entry.change, { stamped: entry.stamped, republished: false }))));
        try {
          await client.publishEvent(eventId);
          republished = true;
          await context.store.sweeps.markRepublished(stamp.runId, [eventId]);
        } catch (error) {
          if (serverGone(error)) state.aborted = true;
          failures.push(failureOf("publish", error, { eventId }));
        }
      }
      state.done += group.length;
      progress?.({ phase: "restoring", done: state.done, total: changes.length });
      return { failures, skipped, restored, republished };
    });
    outcomes.forEach((outcome, index) => {
      if (!outcome.ok) {
        result.failures.push(failureOf("restore", outcome.error, { eventId: byEvent(changes)[index]![0]!.eventId }));
        return;
      }
      const { failures, skipped, restored, republished } = outcome.value;
      result.failures.push(...failures);
      result.skipped.push(...skipped);
      if (restored.length > 0) result.events.push(undoEvent(restored.map((entry) => entry.change), republished));
    });
    if (state.notStarted > 0) {
      result.failures.push({
        stage: "restore",
        code: "UPSTREAM",
        message: `${state.notStarted} event${state.notStarted === 1 ? " was" : "s were"} not started because MISP stopped answering; run the undo again once it is back`,
      });
    }
    return result;
  };

  return { restore, close: () => client.close() };
}
