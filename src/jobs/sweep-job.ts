/**
 * The scheduled false-positive sweep (HALFLIFE_SWEEP_CRON): the rule, target, mail and dry-run
 * setting come from the configuration. A tick that finds another sweep holding the store's lock
 * (a cron `halflife sweep`, another node) skips quietly; a mail server that cannot be reached
 * skips the run before anything changes, as on the command line.
 */
import { runSweep } from "../app/run-sweep.js";
import { checkSweepMail, mailSweepReport, sweepMailOptions } from "../app/sweep-mail.js";
import type { AppContext } from "../app/context.js";
import type { SweepSettings } from "../app/sweep-settings.js";
import { isHalflifeError } from "../core/errors.js";
import type { SweepReport } from "../core/sweep-report.js";
import type { Job } from "./scheduler.js";

export interface JobLog {
  info(details: Record<string, unknown>, message: string): void;
  warn(details: Record<string, unknown>, message: string): void;
  error(details: Record<string, unknown>, message: string): void;
}

/**
 * The job, ready for the scheduler. Mail settings are resolved here, once, so that a broken mail
 * configuration stops the server at start rather than failing every night.
 *
 * @throws HalflifeError INVALID_INPUT when the mail settings are incomplete or malformed.
 */
export function sweepJob(context: AppContext, settings: SweepSettings & { cron: string }, log: JobLog): Job<SweepReport | null> {
  const mail = settings.mailTo?.length ? sweepMailOptions(settings) : undefined;
  return {
    id: "sweep",
    schedule: settings.cron,
    ...(settings.cronTimezone ? { timezone: settings.cronTimezone } : {}),
    async handler() {
      if (mail) {
        try {
          await checkSweepMail(mail);
        } catch (error) {
          log.error({ err: error }, "scheduled sweep skipped: the report could not be mailed, so nothing was changed");
          return null;
        }
      }
      let report: SweepReport;
      try {
        report = await runSweep(context, null, {
          rule: settings.rule,
          dryRun: settings.dryRun,
          origin: "schedule",
          ...(settings.mispUrl && settings.mispKey
            ? { misp: { url: settings.mispUrl, key: settings.mispKey, insecure: settings.mispInsecure, concurrency: settings.concurrency } }
            : {}),
        });
      } catch (error) {
        if (isHalflifeError(error, "CONFLICT")) {
          log.warn({ reason: error.message }, "scheduled sweep skipped: another sweep is running");
          return null;
        }
        throw error;
      }
      if (mail) {
        try {
          await mailSweepReport(mail, report, settings.mailAlways);
        } catch (error) {
          log.error({ err: error, runId: report.runId }, "the scheduled sweep's report could not be mailed");
        }
      }
      return report;
    },
    onReport(report) {
      if (!report) return;
      const details = { runId: report.runId, dryRun: report.dryRun, ...report.totals, failures: report.failures.length };
      if (report.failures.length > 0) log.error({ ...details, first: report.failures[0] }, "scheduled sweep finished with failures");
      else log.info(details, "scheduled sweep finished");
    },
    onError(error) {
      log.error({ err: error }, "scheduled sweep failed");
    },
    onOverlap() {
      log.warn({}, "scheduled sweep skipped: the previous one is still running");
    },
  };
}
