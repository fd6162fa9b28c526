/**
 * The false-positive sweep, one use-case for the command line, the schedule and the API: take the
 * sweep lock, record a run, decide with the rule, apply (or, in a dry run, only report), and
 * return the report. The report is the answer even when the run fails: a failure after the run
 * was recorded is listed in it (and in the run), not thrown.
 */
import { HalflifeError, invalidInput } from "../core/errors.js";
import type { Principal } from "../core/domain.js";
import { sweepTotals, type SweepEventChanges, type SweepFailure, type SweepReport } from "../core/sweep-report.js";
import type { SweepRule } from "../core/sweep-rule.js";
import type { SweepOrigin, SweepScope } from "../core/sweep-run.js";
import { instanceViewer, viewerOf, type AppContext } from "./context.js";
import { sweepAccess, withSweepLock } from "./sweep-access.js";
import type { SweepProgress } from "./sweep-settings.js";
import { failureOf, remoteTarget, type RemoteTargetOptions } from "./sweep-targets/misp-remote.js";
import { localTarget } from "./sweep-targets/local.js";
import { changeRecord, type SweepTargetPort } from "./sweep-targets/target.js";
import { startRun } from "./sweep-runs.js";

export interface SweepRequest {
  rule: SweepRule;
  scope?: Pick<SweepScope, "eventIds" | "types">;
  dryRun?: boolean;
  /** A remote MISP; the local store when absent. */
  misp?: RemoteTargetOptions;
  origin: SweepOrigin;
  /** Wait for a sweep that holds the lock, instead of failing at once. */
  wait?: boolean;
  lockPollMs?: number;
  onWait?: () => void;
  onProgress?: (progress: SweepProgress) => void;
}

/** Checks a scope: event ids are positive whole numbers, types are non-empty. */
export function validateScope(scope: SweepRequest["scope"] = {}): Pick<SweepScope, "eventIds" | "types"> {
  const out: Pick<SweepScope, "eventIds" | "types"> = {};
  if (scope.eventIds !== undefined) {
    for (const id of scope.eventIds) {
      if (!Number.isSafeInteger(id) || id < 1) throw invalidInput("eventIds", `must be event ids (whole numbers from 1), got ${JSON.stringify(id)}`);
    }
    if (scope.eventIds.length > 0) out.eventIds = [...new Set(scope.eventIds)];
  }
  if (scope.types !== undefined) {
    for (const type of scope.types) {
      if (typeof type !== "string" || type.trim() === "") throw invalidInput("types", "must be attribute types, not empty");
    }
    if (scope.types.length > 0) out.types = [...new Set(scope.types.map((type) => type.trim()))];
  }
  return out;
}

/**
 * Runs a sweep as `principal` (null: the instance itself, as the command line and the schedule
 * do). An organisation admin's sweep covers the events their organisation created; a remote
 * target needs the instance or a site admin.
 *
 * @throws HalflifeError FORBIDDEN, INVALID_INPUT before anything is recorded; CONFLICT when
 *         another sweep holds the lock (and `wait` is off).
 */
export async function runSweep(context: AppContext, principal: Principal | null, request: SweepRequest): Promise<SweepReport> {
  const access = sweepAccess(principal);
  if (request.misp && access.kind !== "all") throw new HalflifeError("FORBIDDEN", "Only site administrators may sweep a remote MISP.");
  const scope: SweepScope = { ...validateScope(request.scope), ...(access.kind === "org" ? { orgId: access.orgId } : {}) };
  const dryRun = request.dryRun === true;
  const viewer = principal ? viewerOf(context, principal) : instanceViewer(context);
  const target: SweepTargetPort = request.misp
    ? remoteTarget(context, request.misp)
    : localTarget(context, viewer, context.settings.sweep?.storeLabel);

  try {
    return await withSweepLock(
      context,
      {
        wait: request.wait === true,
        label: `halflife sweep (${request.origin}${principal ? `, ${principal.user.email}` : ""})`,
        ...(request.lockPollMs !== undefined ? { pollMs: request.lockPollMs } : {}),
        ...(request.onWait ? { onWait: request.onWait } : {}),
      },
      async () => {
        const startedAt = context.now();
        // Holding the lock, no other sweep can be running: a run still marked so died with its process.
        await context.store.sweeps.markInterrupted(startedAt);
        const run = await startRun(context, {
          kind: "sweep",
          target: target.target,
          dryRun,
          origin: request.origin,
          userId: principal?.user.id ?? null,
          orgScopeId: access.kind === "org" ? access.orgId : null,
          parameters: { rule: request.rule, scope },
          startedAt,
          undoOf: null,
        });
        const stamp = { runId: run.id, now: startedAt };
        let events: SweepEventChanges[] = [];
        let checked = 0;
        const failures: SweepFailure[] = [];
        let stage = "connect";
        let status: "done" | "failed" = "done";
        try {
          await target.connect();
          stage = "decide";
          const plan = await target.plan(request.rule, scope, request.onProgress);
          checked = plan.checked;
          // Written now, not only at the end: a run whose process dies keeps what it checked.
          await context.store.sweeps.updateRun(run.id, { attributesChecked: checked });
          if (dryRun) {
            stage = "record";
            await context.store.transaction((tx) =>
              tx.sweeps.addChanges(
                plan.events.flatMap((event) => event.attributes.map((attribute) => changeRecord(stamp, event, attribute, { stamped: null, republished: false }))),
              ),
            );
            events = plan.events.map((event) => ({ id: event.id, uuid: event.uuid, info: event.info, republished: false, attributes: event.attributes }));
          } else {
            stage = "apply";
            const applied = await target.apply(plan, stamp, request.onProgress);
            events = applied.events;
            failures.push(...applied.failures);
          }
        } catch (error) {
          status = "failed";
          failures.push(failureOf(stage, error));
        }
        const totals = sweepTotals(events, checked);
        const finishedAt = context.now();
        await context.store.sweeps.updateRun(run.id, {
          status,
          finishedAt,
          attributesChecked: totals.attributesChecked,
          attributesChanged: totals.attributesDisabled,
          eventsRepublished: totals.eventsRepublished,
          failures,
        });
        return {
          runId: String(run.id),
          target: target.target,
          startedAt,
          finishedAt,
          dryRun,
          rule: request.rule,
          events,
          totals,
          failures,
        };
      },
    );
  } finally {
    await target.close();
  }
}
