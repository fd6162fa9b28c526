/**
 * What the store keeps of sweep runs: the run itself (who started it, where, with which rule, how
 * it ended) and one change record per attribute it touched, with the before and after values and
 * the reason. Undo reads these records back, so they hold everything needed to put a flag back
 * and to tell whether an analyst has changed the attribute since.
 */
import type { SweepFailure, SweepTarget } from "./sweep-report.js";
import type { SweepRule } from "./sweep-rule.js";

/** A sweep turns flags off; an undo turns the flags of an earlier run back on. */
export type SweepRunKind = "sweep" | "undo";

/**
 * - `running`: under way (or its process died; the next sweep marks such runs `interrupted`);
 * - `done`: finished, possibly with per-event failures listed in the run;
 * - `failed`: stopped before it could finish (the store or the remote MISP failed);
 * - `interrupted`: its process went away while it ran. Whatever it recorded was applied.
 */
export type SweepRunStatus = "running" | "done" | "failed" | "interrupted";

/** Where a run was started from. */
export type SweepOrigin = "cli" | "schedule" | "api";

/** Which attributes a run considered. Empty means everything the runner may see. */
export interface SweepScope {
  eventIds?: number[];
  types?: string[];
  /** Only events created by this organisation: a sweep started by an organisation admin. */
  orgId?: number;
}

export interface SweepRunParameters {
  rule: SweepRule;
  scope: SweepScope;
}

export interface SweepRunRecord {
  id: number;
  kind: SweepRunKind;
  target: SweepTarget;
  dryRun: boolean;
  status: SweepRunStatus;
  origin: SweepOrigin;
  /** The user who started it; null for the instance itself (the command line, the schedule). */
  userId: number | null;
  /** Set when an organisation admin started it: the run is limited to that organisation's events. */
  orgScopeId: number | null;
  parameters: SweepRunParameters;
  /** Unix seconds. */
  startedAt: number;
  finishedAt: number | null;
  attributesChecked: number;
  attributesChanged: number;
  eventsRepublished: number;
  failures: SweepFailure[];
  /** For an undo: what it skipped and why (attributes an analyst changed since, ...). */
  skipped: SweepSkip[];
  /** For an undo: the run it undid. */
  undoOf: number | null;
  /** For a sweep: the full undo that undid it. */
  undoneBy: number | null;
}

/** An attribute an undo left alone, and why. */
export interface SweepSkip {
  eventId: string;
  attributeId: string;
  uuid: string;
  type: string;
  value: string;
  why: string;
}

export interface SweepChangeRecord {
  id: number;
  runId: number;
  /** The event's id as the target knows it (a local id, or a remote MISP's id), as a string. */
  eventId: string;
  eventUuid: string;
  eventInfo: string;
  /** The creator organisation of a local event; null for a remote one. */
  eventOrgId: number | null;
  attributeId: string;
  attributeUuid: string;
  attributeType: string;
  attributeValue: string;
  /** The field changed; the sweep changes `to_ids` only. */
  field: "to_ids";
  before: boolean;
  after: boolean;
  /** Counted sightings and share when the rule decided; null for an undo. */
  tp: number | null;
  fp: number | null;
  ratio: number | null;
  reason: string;
  /** The attribute's timestamp right after the change: a later timestamp means someone edited it since. */
  stamped: number | null;
  /** Unix seconds. */
  changedAt: number;
  /** True once the attribute's event was republished after this run's changes. */
  republished: boolean;
}
