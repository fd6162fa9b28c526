/**
 * Keeps the query planner's statistics current while the server runs: once an hour the store
 * looks at what changed much since they were taken (a big import, a growing sightings table) and
 * samples it again. Cheap when nothing did; a failure is logged and tried again next hour.
 */
import type { AppContext } from "../app/context.js";
import type { Job } from "./scheduler.js";
import type { JobLog } from "./sweep-job.js";

export function statisticsJob(context: AppContext, log: JobLog): Job<void> {
  return {
    id: "store-statistics",
    schedule: "@hourly",
    handler: () => context.store.optimize(),
    onError: (error) => log.warn({ err: error }, "the store's planner statistics could not be refreshed; trying again in an hour"),
  };
}
