/**
 * One port, two adapters: the sweep decides and applies the same way on Halflife's own store
 * (local.ts, set-based SQL) and on any MISP over its REST API (misp-remote.ts). Both decide with
 * src/core/sweep-rule.ts, so they cannot disagree, and both record every change in the local
 * store, so that a run can be shown and undone whatever it swept.
 */
import type { SweepAttributeChange, SweepEventChanges, SweepFailure, SweepTarget } from "../../core/sweep-report.js";
import type { SweepRule } from "../../core/sweep-rule.js";
import type { SweepChangeRecord, SweepScope } from "../../core/sweep-run.js";
import type { New } from "../../store/store.js";
import type { SweepProgress } from "../sweep-settings.js";

/** An event with the attributes the rule pulls from detection. */
export interface PlannedEvent {
  id: string;
  uuid: string;
  info: string;
  /** The creator organisation of a local event; null for a remote one. */
  orgId: number | null;
  attributes: SweepAttributeChange[];
}

export interface SweepPlan {
  /** Attributes with to_ids set whose sightings were counted. */
  checked: number;
  /** Only events with at least one attribute to pull, in event order. */
  events: PlannedEvent[];
}

export interface AppliedSweep {
  /** The events changed, each with the attributes whose flag was turned off. */
  events: SweepEventChanges[];
  failures: SweepFailure[];
}

export interface RunStamp {
  runId: number;
  /** Unix seconds: the run's time, stamped on every attribute it changes. */
  now: number;
}

export interface SweepTargetPort {
  readonly target: SweepTarget;
  /** Checks that the target answers, before anything is recorded or changed. */
  connect(): Promise<void>;
  plan(rule: SweepRule, scope: SweepScope, progress?: (p: SweepProgress) => void): Promise<SweepPlan>;
  /** Applies a plan event by event; never leaves an event half-changed and unrecorded. */
  apply(plan: SweepPlan, stamp: RunStamp, progress?: (p: SweepProgress) => void): Promise<AppliedSweep>;
  close(): Promise<void>;
}

/** The change record of one planned attribute. */
export function changeRecord(
  stamp: RunStamp,
  event: Pick<PlannedEvent, "id" | "uuid" | "info" | "orgId">,
  attribute: SweepAttributeChange,
  facts: { stamped: number | null; republished: boolean },
): New<SweepChangeRecord> {
  return {
    runId: stamp.runId,
    eventId: event.id,
    eventUuid: event.uuid,
    eventInfo: event.info,
    eventOrgId: event.orgId,
    attributeId: attribute.id,
    attributeUuid: attribute.uuid,
    attributeType: attribute.type,
    attributeValue: attribute.value,
    field: "to_ids",
    before: true,
    after: false,
    tp: attribute.tp,
    fp: attribute.fp,
    ratio: attribute.ratio,
    reason: attribute.reason,
    stamped: facts.stamped,
    changedAt: stamp.now,
    republished: facts.republished,
  };
}
