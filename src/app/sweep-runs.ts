/**
 * Reading sweep runs back: the history, and one run as the report it gave (its changes grouped by
 * event). An organisation admin sees the runs of their organisation and the instance's local
 * runs, and in those only the changes to their organisation's events.
 */
import { HalflifeError } from "../core/errors.js";
import type { Principal } from "../core/domain.js";
import { sweepTotals, type SweepEventChanges, type SweepReport } from "../core/sweep-report.js";
import type { SweepChangeRecord, SweepRunRecord } from "../core/sweep-run.js";
import { undoTotals, type SweepUndoEvent, type SweepUndoReport } from "../core/sweep-undo-report.js";
import type { AppContext } from "./context.js";
import { canSeeRun, sweepAccess, type SweepAccess } from "./sweep-access.js";

export type SweepRunReport = { kind: "sweep"; report: SweepReport } | { kind: "undo"; report: SweepUndoReport };

/** Changes grouped by event, in the order they were made. */
function groupByEvent<T>(changes: readonly SweepChangeRecord[], entry: (change: SweepChangeRecord) => T) {
  const events = new Map<string, { first: SweepChangeRecord; republished: boolean; items: T[] }>();
  for (const change of changes) {
    const group = events.get(change.eventId) ?? { first: change, republished: true, items: [] };
    group.items.push(entry(change));
    group.republished &&= change.republished;
    events.set(change.eventId, group);
  }
  return [...events.values()];
}

/** The report a run gave, rebuilt from the run and its change records. */
export function reportOfRun(run: SweepRunRecord, changes: readonly SweepChangeRecord[]): SweepRunReport {
  const finishedAt = run.finishedAt ?? run.startedAt;
  if (run.kind === "undo") {
    const events: SweepUndoEvent[] = groupByEvent(changes, (c) => ({ id: c.attributeId, uuid: c.attributeUuid, type: c.attributeType, value: c.attributeValue })).map(
      ({ first, republished, items }) => ({ id: first.eventId, uuid: first.eventUuid, info: first.eventInfo, republished, attributes: items }),
    );
    return {
      kind: "undo",
      report: {
        runId: String(run.id),
        undoneRunId: String(run.undoOf ?? ""),
        target: run.target,
        startedAt: run.startedAt,
        finishedAt,
        events,
        skipped: run.skipped,
        totals: undoTotals(events, run.skipped),
        failures: run.failures,
      },
    };
  }
  const events: SweepEventChanges[] = groupByEvent(changes, (c) => ({
    id: c.attributeId,
    uuid: c.attributeUuid,
    type: c.attributeType,
    value: c.attributeValue,
    tp: c.tp ?? 0,
    fp: c.fp ?? 0,
    ratio: c.ratio,
    reason: c.reason,
  })).map(({ first, republished, items }) => ({
    id: first.eventId,
    uuid: first.eventUuid,
    info: first.eventInfo,
    republished: republished && !run.dryRun,
    attributes: items,
  }));
  return {
    kind: "sweep",
    report: {
      runId: String(run.id),
      target: run.target,
      startedAt: run.startedAt,
      finishedAt,
      dryRun: run.dryRun,
      rule: run.parameters.rule,
      events,
      totals: sweepTotals(events, run.attributesChecked),
      failures: run.failures,
    },
  };
}

/** An organisation's view of an instance-wide run: only its events' changes, and totals to match. */
function limitedToOrg(access: SweepAccess, run: SweepRunRecord): number | undefined {
  return access.kind === "org" && run.orgScopeId === null ? access.orgId : undefined;
}

/**
 * Records a run as it starts: running, nothing counted yet. What differs between a sweep and an
 * undo is given; the rest is the same for both.
 */
export function startRun(
  context: AppContext,
  start: Pick<SweepRunRecord, "kind" | "target" | "dryRun" | "origin" | "userId" | "orgScopeId" | "parameters" | "startedAt" | "undoOf">,
): Promise<SweepRunRecord> {
  return context.store.sweeps.createRun({
    ...start,
    status: "running",
    finishedAt: null,
    attributesChecked: 0,
    attributesChanged: 0,
    eventsRepublished: 0,
    failures: [],
    skipped: [],
    undoneBy: null,
  });
}

export async function findSweepRun(context: AppContext, access: SweepAccess, id: number): Promise<SweepRunRecord> {
  const run = Number.isSafeInteger(id) && id > 0 ? await context.store.sweeps.runById(id) : null;
  if (!run || !canSeeRun(access, run)) throw new HalflifeError("NOT_FOUND", `There is no sweep run ${id}.`, { field: "run" });
  return run;
}

/** The run history, newest first. */
export async function listSweepRuns(
  context: AppContext,
  principal: Principal | null,
  page: { limit?: number; beforeId?: number } = {},
): Promise<SweepRunRecord[]> {
  const access = sweepAccess(principal);
  const limit = Math.min(Math.max(page.limit ?? 50, 1), 1_000);
  const runs = await context.store.sweeps.listRuns({
    limit,
    ...(page.beforeId !== undefined ? { beforeId: page.beforeId } : {}),
    ...(access.kind === "org" ? { visibleToOrg: access.orgId } : {}),
  });
  if (access.kind === "all") return runs;
  const wide = runs.filter((run) => run.orgScopeId === null).map((run) => run.id);
  const counts = await context.store.sweeps.changeCounts(wide, access.orgId);
  return runs.map((run) => {
    if (run.orgScopeId !== null) return run;
    const mine = counts.get(run.id) ?? { attributes: 0, events: 0, republished: 0 };
    // What was skipped names other organisations' attributes: `show` gives this organisation its own.
    return { ...run, attributesChanged: mine.attributes, eventsRepublished: mine.republished, failures: run.failures.filter((f) => f.eventId === undefined), skipped: [] };
  });
}

/** One run with its report. */
export async function showSweepRun(context: AppContext, principal: Principal | null, id: number): Promise<{ run: SweepRunRecord; view: SweepRunReport }> {
  const access = sweepAccess(principal);
  const run = await findSweepRun(context, access, id);
  const org = limitedToOrg(access, run);
  const changes = await context.store.sweeps.changes(run.id, org === undefined ? {} : { eventOrgId: org });
  const view = reportOfRun(run, changes);
  if (org === undefined) return { run, view };
  // Other organisations' failures and skips are not this organisation's business.
  const own = new Set(changes.map((change) => change.eventId));
  const limited = {
    ...run,
    failures: run.failures.filter((f) => f.eventId === undefined || own.has(f.eventId)),
    skipped: run.skipped.filter((s) => own.has(s.eventId)),
  };
  const limitedView = reportOfRun(limited, changes);
  return {
    run: { ...limited, attributesChanged: changes.length, eventsRepublished: limitedView.report.totals.eventsRepublished },
    view: limitedView,
  };
}
