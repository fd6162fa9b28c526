/**
 * What a false-positive sweep run reports: the job's answer to "what was done, what failed, and
 * why". The sweep use-case builds it (for the local store or a remote MISP alike); the CLI prints
 * it (`--json` gives it as is), the mailer renders it, the UI shows it. Plain data, so that it
 * serialises to JSON without a presenter and can be stored with the run.
 */
import type { ErrorCode } from "./errors.js";
import type { SweepRule } from "./sweep-rule.js";

/** Where the sweep ran. Never holds a secret: no API key, no password in a URL. */
export type SweepTarget =
  /** Halflife's own store; `label` is for people ("SQLite ./data/halflife.db", "PostgreSQL"). */
  | { kind: "local"; label?: string }
  /** A MISP server (or another Halflife) reached over MISP's REST API. */
  | { kind: "misp"; url: string };

/** One attribute whose to_ids flag was (or, in a dry run, would be) turned off. */
export interface SweepAttributeChange {
  /** MISP's ids are strings on the wire; the local store's numbers are given as strings too. */
  id: string;
  uuid: string;
  type: string;
  value: string;
  /** Counted true positives (type 0) after the cutoff. */
  tp: number;
  /** Counted false positives (type 1) after the cutoff. */
  fp: number;
  /** FP / (TP + FP); null only when nothing counted, which never disables (see sweep-rule.ts). */
  ratio: number | null;
  /** The rule's own sentence (`decide(...).reason`). */
  reason: string;
}

/** The changes of one event. */
export interface SweepEventChanges {
  id: string;
  uuid: string;
  info: string;
  /** True once the event was republished (without e-mail alerts) after all of its changes. */
  republished: boolean;
  attributes: SweepAttributeChange[];
}

/** Something that went wrong without stopping the whole run (or, with `stage: "run"`, that did). */
export interface SweepFailure {
  /** What was being done: "search", "edit", "publish", "lock", "run", ... */
  stage: string;
  eventId?: string;
  attributeId?: string;
  /** The typed error code, or "UNKNOWN" for an error that was not a HalflifeError. */
  code: ErrorCode | "UNKNOWN";
  /** One line, without secrets. */
  message: string;
}

export interface SweepTotals {
  /** Attributes with to_ids set whose sightings were counted. */
  attributesChecked: number;
  /** Attributes whose flag was turned off (in a dry run: would have been). */
  attributesDisabled: number;
  /** Events republished after their changes (always 0 in a dry run). */
  eventsRepublished: number;
}

export interface SweepReport {
  runId: string;
  target: SweepTarget;
  /** Unix seconds. */
  startedAt: number;
  /** Unix seconds. */
  finishedAt: number;
  dryRun: boolean;
  rule: SweepRule;
  /** Only the events with at least one change, ordered as the sweep met them. */
  events: SweepEventChanges[];
  totals: SweepTotals;
  failures: SweepFailure[];
}

/**
 * Totals that agree with the events listed: disabled attributes and republished events are
 * counted from `events`, so a report cannot contradict itself.
 *
 * @example sweepTotals([{ ...event, republished: true, attributes: [a, b] }], 10)
 *          // → { attributesChecked: 10, attributesDisabled: 2, eventsRepublished: 1 }
 */
export function sweepTotals(events: readonly SweepEventChanges[], attributesChecked: number): SweepTotals {
  return {
    attributesChecked,
    attributesDisabled: events.reduce((sum, event) => sum + event.attributes.length, 0),
    eventsRepublished: events.filter((event) => event.republished).length,
  };
}

/**
 * True when the run changed nothing and nothing failed: the "all clear" report.
 *
 * @example isAllClear({ ...report, events: [], failures: [] }) === true
 */
export function isAllClear(report: Pick<SweepReport, "events" | "failures">): boolean {
  return report.failures.length === 0 && report.events.every((event) => event.attributes.length === 0);
}
