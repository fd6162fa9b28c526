/**
 * The sweep's instance settings, as the composition root reads them from the configuration
 * (HALFLIFE_SWEEP_*, HALFLIFE_SMTP_URL). The command line starts from them and lets flags win;
 * the scheduled sweep and the API use them as they are.
 */
import type { SweepRule } from "../core/sweep-rule.js";
import { DEFAULT_SWEEP_RULE } from "../core/sweep-rule.js";

export interface SweepSettings {
  /** How reports name the local store: "SQLite ./data/halflife.db", "PostgreSQL". */
  storeLabel: string;
  /** The rule of scheduled and API sweeps, and the command line's defaults. */
  rule: SweepRule;
  /** Cron expression of the scheduled sweep; unset: no scheduled sweep. */
  cron?: string;
  /** Time zone of the cron expression (IANA name); the machine's own when unset. */
  cronTimezone?: string;
  /** Scheduled sweeps only report what they would do. */
  dryRun: boolean;
  /** An smtp:// or smtps:// URL (HALFLIFE_SMTP_URL). */
  smtpUrl?: string;
  mailFrom?: string;
  mailTo?: string[];
  /** Scheduled sweeps mail an "all clear" report too. */
  mailAlways: boolean;
  /** A remote MISP for the scheduled sweep; its key is also the command line's --misp-key default. */
  mispUrl?: string;
  mispKey?: string;
  mispInsecure: boolean;
  /** Calls in flight at once against a remote MISP. */
  concurrency: number;
}

export const DEFAULT_SWEEP_SETTINGS: Readonly<SweepSettings> = Object.freeze({
  storeLabel: "the local store",
  rule: DEFAULT_SWEEP_RULE,
  dryRun: false,
  mailAlways: false,
  mispInsecure: false,
  concurrency: 4,
});

/** Progress of a long phase, for a progress bar. */
export interface SweepProgress {
  phase: "deciding" | "applying" | "restoring";
  done: number;
  total: number;
}
