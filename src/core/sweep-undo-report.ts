/**
 * What undoing a sweep run reports: which flags were turned back on (grouped by event, each event
 * republished once), which were left alone because someone changed the attribute since, and what
 * failed. Plain data, like the sweep report, so it serialises as it is.
 */
import type { SweepFailure, SweepTarget } from "./sweep-report.js";
import type { SweepSkip } from "./sweep-run.js";

export interface SweepUndoAttribute {
  id: string;
  uuid: string;
  type: string;
  value: string;
}

export interface SweepUndoEvent {
  id: string;
  uuid: string;
  info: string;
  republished: boolean;
  attributes: SweepUndoAttribute[];
}

export interface SweepUndoReport {
  /** The undo's own run id. */
  runId: string;
  /** The run whose changes were undone. */
  undoneRunId: string;
  target: SweepTarget;
  startedAt: number;
  finishedAt: number;
  events: SweepUndoEvent[];
  skipped: SweepSkip[];
  totals: { attributesRestored: number; attributesSkipped: number; eventsRepublished: number };
  failures: SweepFailure[];
}

/**
 * Totals that agree with the lists.
 *
 * @example undoTotals([{ ...event, republished: true, attributes: [a] }], [])
 *          // → { attributesRestored: 1, attributesSkipped: 0, eventsRepublished: 1 }
 */
export function undoTotals(events: readonly SweepUndoEvent[], skipped: readonly SweepSkip[]): SweepUndoReport["totals"] {
  return {
    attributesRestored: events.reduce((sum, event) => sum + event.attributes.length, 0),
    attributesSkipped: skipped.length,
    eventsRepublished: events.filter((event) => event.republished).length,
  };
}
