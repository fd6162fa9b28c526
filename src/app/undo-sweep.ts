/**
 * `sweep undo RUN`: turns back on exactly the flags a run turned off, unless someone has acted on
 * the attribute since, and republishes those events once each. The undo is a run of its own, with
 * its own change records, so the history shows who put what back and when.
 */
import { HalflifeError } from "../core/errors.js";
import type { Principal } from "../core/domain.js";
import type { SweepFailure } from "../core/sweep-report.js";
import type { SweepOrigin } from "../core/sweep-run.js";
import { undoTotals, type SweepUndoReport } from "../core/sweep-undo-report.js";
import type { AppContext } from "./context.js";
import { sweepAccess, withSweepLock } from "./sweep-access.js";
import { findSweepRun, startRun } from "./sweep-runs.js";
import type { SweepProgress } from "./sweep-settings.js";
import { failureOf, type RemoteTargetOptions } from "./sweep-targets/misp-remote.js";
import { remoteRestorer } from "./sweep-targets/misp-remote-restore.js";
import { localRestorer, type RestoreResult, type Restorer } from "./sweep-targets/restore.js";

export interface UndoRequest {
  runId: number;
  origin: SweepOrigin;
  /** For a run that swept a remote MISP: its key (never stored), and connection settings. The URL is the run's. */
  misp?: Omit<RemoteTargetOptions, "url">;
  wait?: boolean;
  lockPollMs?: number;
  onWait?: () => void;
  onProgress?: (progress: SweepProgress) => void;
}

/**
 * @throws HalflifeError NOT_FOUND for a run the principal cannot see; INVALID_INPUT for a dry run,
 *         an undo run, or a remote run without a key; CONFLICT when the run was undone already
 *         (completely) or another sweep holds the lock.
 */
export async function undoSweep(context: AppContext, principal: Principal | null, request: UndoRequest): Promise<SweepUndoReport> {
  const access = sweepAccess(principal);
  const run = await findSweepRun(context, access, request.runId);
  const refuse = (field: string, message: string) => new HalflifeError("INVALID_INPUT", message, { field });
  if (run.kind !== "sweep") throw refuse("run", `run ${run.id} is itself an undo; undo the sweep run it undid instead`);
  if (run.dryRun) throw refuse("run", `run ${run.id} was a dry run: it changed nothing, so there is nothing to undo`);
  if (run.target.kind === "misp" && !request.misp?.key) {
    throw refuse("misp-key", `run ${run.id} swept MISP ${run.target.url}; give that MISP's key (--misp-key) to undo it`);
  }
  // An organisation admin undoes only their organisation's part of an instance-wide run.
  const orgPart = access.kind === "org" && run.orgScopeId === null ? access.orgId : undefined;

  let restorer: { restore: Restorer; close(): Promise<void> };
  if (run.target.kind === "misp") restorer = remoteRestorer(context, { ...request.misp!, url: run.target.url });
  else restorer = { restore: localRestorer(context), close: async () => {} };

  try {
    return await withSweepLock(
      context,
      {
        wait: request.wait === true,
        label: `halflife sweep undo ${run.id} (${request.origin}${principal ? `, ${principal.user.email}` : ""})`,
        ...(request.lockPollMs !== undefined ? { pollMs: request.lockPollMs } : {}),
        ...(request.onWait ? { onWait: request.onWait } : {}),
      },
      async () => {
        // Read again under the lock: another undo may have finished while this one waited.
        const fresh = (await context.store.sweeps.runById(run.id))!;
        if (fresh.undoneBy !== null && orgPart === undefined) {
          const previous = await context.store.sweeps.runById(fresh.undoneBy);
          if (previous && previous.status === "done" && previous.failures.length === 0) {
            throw new HalflifeError("CONFLICT", `run ${run.id} was undone already, by run ${previous.id}`, { field: "run" });
          }
        }
        const startedAt = context.now();
        await context.store.sweeps.markInterrupted(startedAt);
        const undo = await startRun(context, {
          kind: "undo",
          target: run.target,
          dryRun: false,
          origin: request.origin,
          userId: principal?.user.id ?? null,
          orgScopeId: access.kind === "org" ? access.orgId : null,
          parameters: run.parameters,
          startedAt,
          undoOf: run.id,
        });
        const changes = (await context.store.sweeps.changes(run.id, orgPart === undefined ? {} : { eventOrgId: orgPart })).filter(
          (change) => change.before && !change.after,
        );
        // Written now, not only at the end: an undo whose process dies keeps what it set out to do.
        await context.store.sweeps.updateRun(undo.id, { attributesChecked: changes.length });
        let result: RestoreResult = { events: [], skipped: [], failures: [] };
        let status: "done" | "failed" = "done";
        const failures: SweepFailure[] = [];
        try {
          result = await restorer.restore(changes, { runId: undo.id, now: startedAt, undoneRunId: run.id }, request.onProgress);
          failures.push(...result.failures);
        } catch (error) {
          status = "failed";
          failures.push(failureOf("restore", error));
        }
        const totals = undoTotals(result.events, result.skipped);
        const finishedAt = context.now();
        await context.store.sweeps.updateRun(undo.id, {
          status,
          finishedAt,
          attributesChecked: changes.length,
          attributesChanged: totals.attributesRestored,
          eventsRepublished: totals.eventsRepublished,
          failures,
          skipped: result.skipped,
        });
        if (orgPart === undefined) await context.store.sweeps.updateRun(run.id, { undoneBy: undo.id });
        return {
          runId: String(undo.id),
          undoneRunId: String(run.id),
          target: run.target,
          startedAt,
          finishedAt,
          events: result.events,
          skipped: result.skipped,
          totals,
          failures,
        };
      },
    );
  } finally {
    await restorer.close();
  }
}
