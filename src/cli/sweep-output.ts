/**
 * What `halflife sweep` prints: the run history as a table, an undo's report, a one-line status of
 * a run, and a progress bar that shows only on a terminal (never under cron).
 */
import cliProgress from "cli-progress";
import type { Writable } from "node:stream";
import type { SweepProgress } from "../app/sweep-settings.js";
import type { SweepRunRecord } from "../core/sweep-run.js";
import type { SweepUndoReport } from "../core/sweep-undo-report.js";
import { formatCutoff } from "../core/sweep-rule.js";
import { count, oneLine, safeUrl, utc } from "../mail/plain-text.js";
import { table } from "./table.js";


function targetOf(run: SweepRunRecord): string {
  return run.target.kind === "misp" ? safeUrl(run.target.url) : "local";
}

function whatOf(run: SweepRunRecord): string {
  if (run.kind === "undo") return `undo of ${run.undoOf}`;
  return run.dryRun ? "dry run" : "sweep";
}

/** The run history as a table, newest first. */
export function runsTable(runs: readonly SweepRunRecord[]): string {
  if (runs.length === 0) return "No sweep runs yet.\n";
  const rows = runs.map((run) => [
    String(run.id),
    formatCutoff(run.startedAt),
    whatOf(run),
    targetOf(run),
    run.status + (run.failures.length > 0 ? ` (${count(run.failures.length, "failure")})` : ""),
    String(run.attributesChecked),
    String(run.attributesChanged),
    String(run.eventsRepublished),
    run.undoneBy === null ? "" : `undone by ${run.undoneBy}`,
  ]);
  return table([["run", "started (UTC)", "what", "target", "status", "checked", "changed", "events", ""], ...rows]);
}

/** One line on a run, above its report. */
export function runHeadline(run: SweepRunRecord): string {
  const by = run.origin === "schedule" ? "the schedule" : run.origin === "api" ? "the API" : "the command line";
  const undone = run.undoneBy === null ? "" : `; undone by run ${run.undoneBy}`;
  return `Run ${run.id}: ${whatOf(run)}, ${run.status}, started from ${by}${run.orgScopeId === null ? "" : ` for organisation ${run.orgScopeId}`}${undone}.\n\n`;
}

/** An undo's report as text: what was put back (by event), what was left alone and why. */
export function undoText(report: SweepUndoReport): string {
  const lines = [
    `Undo of sweep run ${oneLine(report.undoneRunId, 40)} (run ${oneLine(report.runId, 40)})`,
    "",
    `Target:    ${report.target.kind === "misp" ? `MISP ${safeUrl(report.target.url)}` : "the local store"}`,
    `Finished:  ${utc(report.finishedAt)}`,
    `Restored:  ${count(report.totals.attributesRestored, "indicator")} back in detection, ${count(report.totals.eventsRepublished, "event")} republished without alerts`,
    `Left as they are: ${report.totals.attributesSkipped}`,
    "",
  ];
  for (const event of report.events) {
    lines.push(`Event ${oneLine(event.id, 40)}: ${oneLine(event.info)}${event.republished ? "" : " (NOT republished: see the failures below)"}`);
    for (const attribute of event.attributes) lines.push(`  + ${oneLine(attribute.type, 60)} ${oneLine(attribute.value)} (attribute ${oneLine(attribute.id, 40)})`);
    lines.push("");
  }
  if (report.skipped.length > 0) {
    lines.push("Left as they are");
    for (const skip of report.skipped) {
      lines.push(`  - ${oneLine(skip.type, 60)} ${oneLine(skip.value)} (attribute ${oneLine(skip.attributeId, 40)}, event ${oneLine(skip.eventId, 40)}): ${oneLine(skip.why)}`);
    }
    lines.push("");
  }
  if (report.failures.length > 0) {
    lines.push(`Failures (${report.failures.length})`);
    for (const failure of report.failures) lines.push(`  - ${oneLine(failure.stage, 40)}: [${failure.code}] ${oneLine(failure.message, 400)}`);
    lines.push("");
  }
  return lines.join("\n");
}

const PHASES: Record<SweepProgress["phase"], string> = { deciding: "Counting sightings", applying: "Pulling indicators", restoring: "Restoring indicators" };

/** A progress callback drawing a bar on `stream`, and a `stop` to clear it; both inert off a terminal. */
export function progressBar(stream: Writable, interactive: boolean): { update(progress: SweepProgress): void; stop(): void } {
  if (!interactive) return { update: () => {}, stop: () => {} };
  const bar = new cliProgress.SingleBar(
    { stream: stream as unknown as NodeJS.WritableStream, format: "{phase} [{bar}] {value}/{total}", clearOnComplete: true, hideCursor: true },
    cliProgress.Presets.shades_classic,
  );
  let phase: string | undefined;
  return {
    update(progress) {
      const label = PHASES[progress.phase];
      if (phase !== label) {
        if (phase !== undefined) bar.stop();
        phase = label;
        bar.start(Math.max(progress.total, 1), progress.done, { phase: label });
      }
      bar.setTotal(Math.max(progress.total, 1));
      bar.update(progress.done, { phase: label });
    },
    stop() {
      if (phase !== undefined) bar.stop();
    },
  };
}
