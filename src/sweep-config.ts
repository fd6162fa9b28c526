/**
 * The sweep's settings, read from the configuration. Part of the composition root: only here do
 * configuration names (HALFLIFE_SWEEP_*) meet the application's settings.
 */
import { DEFAULT_SWEEP_SETTINGS, type SweepSettings } from "./app/sweep-settings.js";
import type { Config } from "./config/schema.js";
import { parseSightingCutoff, validateSweepRule } from "./core/sweep-rule.js";

export function sweepSettingsFrom(config: Config): SweepSettings {
  const settings: SweepSettings = {
    ...DEFAULT_SWEEP_SETTINGS,
    storeLabel: config.DATABASE_URL ? "PostgreSQL" : `SQLite ${config.HALFLIFE_DB}`,
    rule: validateSweepRule({
      minimalFp: config.HALFLIFE_SWEEP_MINIMAL_FP,
      threshold: config.HALFLIFE_SWEEP_THRESHOLD,
      cutoff: parseSightingCutoff(config.HALFLIFE_SWEEP_MINIMAL_DATE_SIGHTING),
      maxPerOrg: config.HALFLIFE_SWEEP_MAX_PER_ORG,
      minOrgs: config.HALFLIFE_SWEEP_MIN_ORGS,
    }),
    dryRun: config.HALFLIFE_SWEEP_DRY_RUN,
    mailAlways: config.HALFLIFE_SWEEP_MAIL_ALWAYS,
    mispInsecure: config.HALFLIFE_SWEEP_MISP_INSECURE,
    concurrency: config.HALFLIFE_SWEEP_CONCURRENCY,
  };
  if (config.HALFLIFE_SWEEP_CRON) settings.cron = config.HALFLIFE_SWEEP_CRON;
  if (config.HALFLIFE_SWEEP_CRON_TIMEZONE) settings.cronTimezone = config.HALFLIFE_SWEEP_CRON_TIMEZONE;
  if (config.HALFLIFE_SMTP_URL) settings.smtpUrl = config.HALFLIFE_SMTP_URL;
  if (config.HALFLIFE_SWEEP_MAIL_FROM) settings.mailFrom = config.HALFLIFE_SWEEP_MAIL_FROM;
  if (config.HALFLIFE_SWEEP_MAIL_TO) settings.mailTo = config.HALFLIFE_SWEEP_MAIL_TO.split(",").map((a) => a.trim()).filter(Boolean);
  if (config.HALFLIFE_SWEEP_MISP_URL) settings.mispUrl = config.HALFLIFE_SWEEP_MISP_URL;
  if (config.HALFLIFE_SWEEP_MISP_KEY) settings.mispKey = config.HALFLIFE_SWEEP_MISP_KEY;
  return settings;
}
