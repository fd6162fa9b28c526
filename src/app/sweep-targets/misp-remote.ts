/**
 * The sweep on a remote MISP (or another Halflife) over MISP's REST API.
 *
 * - Deciding pages through attributes/restSearch (to_ids, includeSightings) to the end before
 *   anything changes: turning a flag off would move every later row up a page, and paging on
 *   while changing would skip rows. Only the decisions are kept, never the pages.
 * - Applying works event by event, a few events at a time (bounded concurrency); the client
 *   retries transient errors with back-off. An event is all or nothing: if one of its edits
 *   fails, the edits already made in it are reverted, and it is republished only if it was
 *   published before. What could not be reverted is recorded, so `sweep undo` can still restore
 *   it. Once the server stops answering, no further event is started.
 * - Every change is recorded in the local store as soon as it is made, with the timestamp MISP
 *   stamped on the attribute, so the run can be shown and undone like a local one.
 */
import { isHalflifeError } from "../../core/errors.js";
import { countSightings, decide, type SweepRule } from "../../core/sweep-rule.js";
import type { SweepAttributeChange, SweepEventChanges, SweepFailure } from "../../core/sweep-report.js";
import type { SweepScope } from "../../core/sweep-run.js";
import { toNumber } from "../../core/numeric.js";
import { safeUrl } from "../../mail/plain-text.js";
import { MispClient, MispClientError, mapWithConcurrency, type AttributeSearchFilters, type MispClientOptions } from "../../misp/client.js";
import type { AppContext } from "../context.js";
import type { SweepProgress } from "../sweep-settings.js";
import { changeRecord, type AppliedSweep, type PlannedEvent, type RunStamp, type SweepPlan, type SweepTargetPort } from "./target.js";

export interface RemoteTargetOptions extends Pick<MispClientOptions, "retries" | "retryBaseMs" | "retryMaxMs" | "timeoutMs"> {
  url: string;
  key: string;
  insecure?: boolean;
  /** Events changed at once (default 4). */
  concurrency?: number;
  /** Attributes per restSearch page (default 1000). */
  pageSize?: number;
}

/** A MISP flag as it comes on the wire: true, 1, "1", "true". */
export function mispTruthy(value: unknown): boolean {
  return value === true || value === 1 || value === "1" || value === "true";
}

/** A failure entry from anything thrown. */
export function failureOf(stage: string, error: unknown, where: { eventId?: string; attributeId?: string } = {}): SweepFailure {
  return {
    stage,
    ...where,
    code: isHalflifeError(error) ? error.code : "UNKNOWN",
    message: (error instanceof Error ? error.message : String(error)).replace(/\s*\n\s*/g, " "),
  };
}

/** Whether the server gave no answer at all (down, unreachable, timing out): then stop starting work. */
export function serverGone(error: unknown): boolean {
  return error instanceof MispClientError && error.status === null;
}

export function mispClientFor(options: RemoteTargetOptions): MispClient {
  return new MispClient({
    baseUrl: options.url,
    key: options.key,
    insecure: options.insecure === true,
    ...(options.retries !== undefined ? { retries: options.retries } : {}),
    ...(options.retryBaseMs !== undefined ? { retryBaseMs: options.retryBaseMs } : {}),
    ...(options.retryMaxMs !== undefined ? { retryMaxMs: options.retryMaxMs } : {}),
    ...(options.timeoutMs !== undefined ? { timeoutMs: options.timeoutMs } : {}),
    connections: Math.max(2, options.concurrency ?? 4),
  });
}

export function remoteTarget(context: AppContext, options: RemoteTargetOptions): SweepTargetPort {
  const client = mispClientFor(options);
  const concurrency = options.concurrency ?? 4;

  async function applyEvent(planned: PlannedEvent, stamp: RunStamp, state: { aborted: boolean }): Promise<{ event?: SweepEventChanges; failures: SweepFailure[] }> {
    const failures: SweepFailure[] = [];
    const where = { eventId: planned.id };
    // The event's title for the report, and whether it was published: an event that has to be
    // restored is republished only if it was.
    let wasPublished: boolean;
    let info = planned.info;
    try {
      const event = await client.getEvent(planned.id);
      wasPublished = mispTruthy(event.published);
      if (typeof event.info === "string") info = event.info;
    } catch (error) {
      if (serverGone(error)) state.aborted = true;
      return { failures: [failureOf("view", error, where)] };
    }
    const facts = { ...planned, info };

    const done: Array<{ attribute: SweepAttributeChange; stamped: number | null }> = [];
    let failed = false;
    for (const attribute of planned.attributes) {
      try {
        const saved = await client.editAttribute(attribute.uuid, { uuid: attribute.uuid, to_ids: 0 });
        done.push({ attribute, stamped: toNumber(saved.timestamp) ?? null });
      } catch (error) {
        if (serverGone(error)) state.aborted = true;
        failures.push(failureOf("edit", error, { ...where, attributeId: attribute.id }));
        failed = true;
        break;
      }
    }

    let kept = done;
    if (failed) {
      // All or nothing: put back what this event already lost.
      kept = [];
      for (const entry of done) {
        try {
          await client.editAttribute(entry.attribute.uuid, { uuid: entry.attribute.uuid, to_ids: 1 });
        } catch (error) {
          failures.push(failureOf("revert", error, { ...where, attributeId: entry.attribute.id }));
          kept.push(entry);
        }
      }
      if (kept.length === 0 && done.length > 0 && wasPublished) {
        try {
          await client.publishEvent(planned.id);
        } catch (error) {
          failures.push(failureOf("publish", error, where));
        }
      }
      if (kept.length === 0) return { failures };
    }

    // Recorded before the publish, so that undo knows of these changes even if the publish fails.
    await context.store.transaction((tx) =>
      tx.sweeps.addChanges(kept.map((entry) => changeRecord(stamp, facts, entry.attribute, { stamped: entry.stamped, republished: false }))),
    );
    let republished = false;
    if (!failed) {
      try {
        await client.publishEvent(planned.id);
        republished = true;
        await context.store.sweeps.markRepublished(stamp.runId, [planned.id]);
      } catch (error) {
        if (serverGone(error)) state.aborted = true;
        failures.push(failureOf("publish", error, where));
      }
    }
    return {
      event: { id: planned.id, uuid: planned.uuid, info, republished, attributes: kept.map((entry) => entry.attribute) },
      failures,
    };
  }

  return {
    target: { kind: "misp", url: safeUrl(client.baseUrl) },

    async connect() {
      await client.getVersion();
      await client.whoAmI();
    },

    async plan(rule: SweepRule, scope: SweepScope, progress?: (p: SweepProgress) => void): Promise<SweepPlan> {
      const filters: AttributeSearchFilters = { to_ids: 1, includeSightings: 1 };
      if (scope.eventIds?.length) filters.eventid = scope.eventIds.map(String);
      if (scope.types?.length) filters.type = scope.types;
      const seen = new Set<string>();
      const byEvent = new Map<string, PlannedEvent>();
      let checked = 0;
      for await (const page of client.pageAttributes(filters, { pageSize: options.pageSize ?? 1000 })) {
        for (const attribute of page.attributes) {
          const id = String(attribute.id);
          // A row seen twice (another writer shifted the pages) counts once; a server that
          // ignores the to_ids filter, or shows deleted rows, is corrected here.
          if (seen.has(id) || !mispTruthy(attribute.to_ids) || mispTruthy(attribute.deleted)) continue;
          seen.add(id);
          checked++;
          const decision = decide(countSightings(attribute.Sighting, rule), rule);
          if (!decision.disable) continue;
          const eventId = String(attribute.event_id);
          const event = byEvent.get(eventId) ?? {
            id: eventId,
            uuid: typeof attribute.Event?.uuid === "string" ? attribute.Event.uuid : "",
            info: typeof attribute.Event?.info === "string" ? attribute.Event.info : "",
            orgId: null,
            attributes: [],
          };
          event.attributes.push({
            id,
            uuid: String(attribute.uuid),
            type: String(attribute.type),
            value: String(attribute.value),
            tp: decision.tp,
            fp: decision.fp,
            ratio: decision.ratio,
            reason: decision.reason,
          });
          byEvent.set(eventId, event);
        }
        progress?.({ phase: "deciding", done: checked, total: checked });
      }
      const events = [...byEvent.values()].sort((a, b) => Number(a.id) - Number(b.id) || a.id.localeCompare(b.id));
      return { checked, events };
    },

    async apply(plan: SweepPlan, stamp: RunStamp, progress?: (p: SweepProgress) => void): Promise<AppliedSweep> {
      const total = plan.events.reduce((sum, event) => sum + event.attributes.length, 0);
      const state = { aborted: false };
      let done = 0;
      let notStarted = 0;
      progress?.({ phase: "applying", done, total });
      const results = await mapWithConcurrency(plan.events, concurrency, async (event) => {
        if (state.aborted) {
          notStarted++;
          return { failures: [] as SweepFailure[] };
        }
        const result = await applyEvent(event, stamp, state);
        done += event.attributes.length;
        progress?.({ phase: "applying", done, total });
        return result;
      });
      const applied: AppliedSweep = { events: [], failures: [] };
      results.forEach((result, index) => {
        if (!result.ok) {
          applied.failures.push(failureOf("apply", result.error, { eventId: plan.events[index]!.id }));
          return;
        }
        if (result.value.event) applied.events.push(result.value.event);
        applied.failures.push(...result.value.failures);
      });
      if (notStarted > 0) {
        applied.failures.push({
          stage: "apply",
          code: "UPSTREAM",
          message: `${notStarted} event${notStarted === 1 ? " was" : "s were"} not started because MISP stopped answering; run the sweep again once it is back`,
        });
      }
      return applied;
    },

    close: () => client.close(),
  };
}
