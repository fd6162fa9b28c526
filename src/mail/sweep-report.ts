/**
 * The sweep report as a text/plain mail: a subject that says the outcome at a glance, and a body
 * grouped by event, with the counts and the reason of every change, the failures, and the exact
 * command that undoes the run. Plain text on purpose: it reads the same in every mail client, in a
 * terminal and in a cron mail, and it cannot carry active content.
 */
import { isAllClear, type SweepReport, type SweepTarget } from "../core/sweep-report.js";
import { formatCutoff } from "../core/sweep-rule.js";
import { count, duration, oneLine, safeUrl, shellWord, utc } from "./plain-text.js";

export interface RenderedMail {
  subject: string;
  text: string;
}

/** The command that undoes a run, exactly as a person would type it. */
export function undoCommand(runId: string): string {
  return `halflife sweep undo ${shellWord(runId)}`;
}

/**
 * Whether a report is worth a mail: always when something changed (or would have, in a dry run)
 * or something failed; an all-clear report only when asked for (`--mail-always`).
 */
export function shouldMail(report: SweepReport, options: { always?: boolean } = {}): boolean {
  return options.always === true || !isAllClear(report);
}

/**
 * Renders a sweep report as a mail. One shape for every outcome: changes applied, a dry run,
 * failures, and the "all clear" run that changed nothing.
 */
export function renderSweepReport(report: SweepReport): RenderedMail {
  return { subject: subject(report), text: body(report).join("\n") + "\n" };
}

function targetName(target: SweepTarget): string {
  return target.kind === "misp" ? `MISP ${safeUrl(target.url)}` : `the local store${target.label ? ` (${oneLine(target.label, 80)})` : ""}`;
}

function targetShort(target: SweepTarget): string {
  if (target.kind === "local") return "local store";
  try {
    return new URL(target.url).host;
  } catch {
    return "remote MISP";
  }
}

function subject(report: SweepReport): string {
  const { attributesDisabled } = report.totals;
  const eventCount = report.events.filter((event) => event.attributes.length > 0).length;
  const failures = report.failures.length;
  const run = `Halflife sweep ${oneLine(report.runId, 40)}${report.dryRun ? " (dry run)" : ""} on ${oneLine(targetShort(report.target), 80)}`;
  let outcome: string;
  if (isAllClear(report)) outcome = "all clear, no indicator to pull";
  else if (attributesDisabled === 0) outcome = `nothing changed, ${count(failures, "failure")}`;
  else {
    const verb = report.dryRun ? "would be pulled" : "pulled";
    outcome = `${count(attributesDisabled, "indicator")} ${verb} from detection in ${count(eventCount, "event")}`;
    if (failures > 0) outcome += `, ${count(failures, "failure")}`;
  }
  return `${run}: ${outcome}`;
}

function ruleLines(report: SweepReport): string[] {
  const { minimalFp, threshold, cutoff, maxPerOrg, minOrgs } = report.rule;
  return [
    `Rule:      pull an indicator with more than ${count(minimalFp, "false positive")}`,
    `           that make up at least ${Number((threshold * 100).toFixed(4))}% of its true- and false-positive reports,`,
    `           counting reports after ${formatCutoff(cutoff)} UTC`,
    ...(maxPerOrg !== undefined ? [`           and at most ${maxPerOrg} of each kind per organisation`] : []),
    ...(minOrgs !== undefined && minOrgs > 1 ? [`           with false positives from at least ${count(minOrgs, "organisation")}`] : []),
  ];
}

function body(report: SweepReport): string[] {
  const { totals } = report;
  const title = `False-positive sweep ${oneLine(report.runId, 80)}`;
  const lines = [
    title,
    "=".repeat(Math.min(title.length, 78)),
    "",
    `Target:    ${targetName(report.target)}`,
    `Started:   ${utc(report.startedAt)}`,
    `Finished:  ${utc(report.finishedAt)} (took ${duration(report.finishedAt - report.startedAt)})`,
    `Mode:      ${report.dryRun ? "dry run, nothing was changed" : "changes applied"}`,
    ...ruleLines(report),
    "",
    "Totals",
    ...aligned([
      ["IDS indicators checked", totals.attributesChecked],
      [report.dryRun ? "Would be pulled from detection" : "Pulled from detection", totals.attributesDisabled],
      ["Events republished without alerts", totals.eventsRepublished],
      ["Failures", report.failures.length],
    ]),
    "",
  ];

  if (isAllClear(report)) {
    lines.push(
      "All clear: no indicator reached the false-positive rule, and nothing was changed.",
      "",
      `Run id: ${oneLine(report.runId, 80)}`,
    );
    return lines;
  }

  for (const event of report.events) {
    if (event.attributes.length === 0) continue;
    lines.push(...eventLines(report, event));
  }
  if (report.failures.length > 0) lines.push(...failureLines(report));
  lines.push(...closingLines(report));
  return lines;
}

function aligned(rows: Array<[string, number]>): string[] {
  const width = Math.max(...rows.map(([label]) => label.length)) + 1;
  return rows.map(([label, value]) => `  ${`${label}:`.padEnd(width)} ${value}`);
}

function eventLines(report: SweepReport, event: SweepReport["events"][number]): string[] {
  const state = report.dryRun
    ? "not republished (dry run)"
    : event.republished
      ? "republished without e-mail alerts"
      : "NOT republished: see the failures below";
  const lines = [
    `Event ${oneLine(event.id, 40)}: ${oneLine(event.info)}`,
    `  uuid ${oneLine(event.uuid, 60)}, ${state}`,
    `  ${count(event.attributes.length, "indicator")} ${report.dryRun ? "would be pulled" : "pulled"} from detection:`,
  ];
  for (const attribute of event.attributes) {
    const share = attribute.ratio === null ? "none counted" : `${Number((attribute.ratio * 100).toFixed(2))}%`;
    lines.push(
      `  - ${oneLine(attribute.type, 60)} ${oneLine(attribute.value)}`,
      `    attribute ${oneLine(attribute.id, 40)}, uuid ${oneLine(attribute.uuid, 60)}`,
      `    false positives ${attribute.fp}, true positives ${attribute.tp}, false share ${share}`,
      `    ${oneLine(attribute.reason, 400)}`,
    );
  }
  lines.push("");
  return lines;
}

function failureLines(report: SweepReport): string[] {
  const lines = [`Failures (${report.failures.length})`];
  for (const failure of report.failures) {
    const where = [
      failure.eventId === undefined ? "" : `event ${oneLine(failure.eventId, 40)}`,
      failure.attributeId === undefined ? "" : `attribute ${oneLine(failure.attributeId, 40)}`,
    ].filter(Boolean);
    const context = where.length > 0 ? ` (${where.join(", ")})` : "";
    lines.push(`  - ${oneLine(failure.stage, 40)}${context}: [${failure.code}] ${oneLine(failure.message, 400)}`);
  }
  lines.push("");
  return lines;
}

function closingLines(report: SweepReport): string[] {
  if (report.dryRun) {
    return [
      "This was a dry run: no flag was changed and no event was republished, so there is nothing to undo.",
      "Run the sweep again without --dry-run to apply these changes.",
      "",
      `Run id: ${oneLine(report.runId, 80)}`,
    ];
  }
  if (report.totals.attributesDisabled === 0) {
    return ["Nothing was changed, so there is nothing to undo.", "", `Run id: ${oneLine(report.runId, 80)}`];
  }
  const lines = [
    `Run id: ${oneLine(report.runId, 80)}`,
    "",
    "Every change is recorded with this run. To turn these flags back on and republish the events:",
    "",
    `  ${undoCommand(report.runId)}`,
  ];
  if (report.target.kind === "misp") {
    lines.push("", `The undo applies to the same target: ${targetName(report.target)}.`);
  }
  return lines;
}
