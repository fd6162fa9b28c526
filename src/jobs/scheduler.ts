/**
 * Scheduled jobs, declared as { id, schedule, handler }: croner runs each on its cron expression
 * (time zones and daylight saving included) and never starts a run while the previous one of the
 * same job is still going (`protect`). Jobs that must also not overlap across processes or nodes
 * take a store lock in their handler (the sweep does). A handler returns a report; a failure is
 * handed to `onError`, never left to crash the server.
 */
import { Cron } from "croner";

export interface Job<R> {
  id: string;
  /** A cron expression: five fields, six with seconds, or a nickname (@hourly). */
  schedule: string;
  /** IANA time zone of the expression; the machine's own when unset. */
  timezone?: string;
  handler: () => Promise<R>;
  onReport?: (report: R) => void;
  onError?: (error: unknown) => void;
  /** A tick that found the previous run still going. */
  onOverlap?: () => void;
}

export interface Scheduler {
  /** When each job runs next (null when it never will). */
  nextRuns(): Array<{ id: string; next: Date | null }>;
  stop(): void;
}

export function startScheduler<R>(jobs: ReadonlyArray<Job<R>>): Scheduler {
  const crons = jobs.map((job) => {
    const cron = new Cron(
      job.schedule,
      {
        name: job.id,
        protect: () => job.onOverlap?.(),
        ...(job.timezone ? { timezone: job.timezone } : {}),
      },
      async () => {
        try {
          job.onReport?.(await job.handler());
        } catch (error) {
          job.onError?.(error);
        }
      },
    );
    return { id: job.id, cron };
  });
  return {
    nextRuns: () => crons.map(({ id, cron }) => ({ id, next: cron.nextRun() })),
    stop: () => crons.forEach(({ cron }) => cron.stop()),
  };
}
