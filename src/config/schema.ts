/**
 * Every setting Halflife reads, with its default and its meaning. Settings come from environment
 * variables or from a JSON file named by `--config` (same names); the environment wins. They are
 * parsed once, at start-up, and passed down frozen. The README's configuration table mirrors this.
 */
import { Cron } from "croner";
import { z } from "zod";
import { parseSightingCutoff } from "../core/sweep-rule.js";

/** Digits only: " ", "0x50" and "8e3" are not ports, although Number() would take them. */
const port = z
  .union([z.number(), z.string().regex(/^\s*\d{1,5}\s*$/)])
  .transform(Number)
  .pipe(z.number().int().min(0).max(65_535));
/** A cron expression croner accepts (five or six fields, or a nickname such as @hourly). */
const cronExpression = z
  .string()
  .min(1)
  .refine((text) => {
    try {
      new Cron(text, { paused: true }).stop();
      return true;
    } catch {
      return false;
    }
  }, "is not a valid cron expression (for example */5 * * * * or @hourly)");

const timeZone = z
  .string()
  .min(1)
  .refine((zone) => {
    try {
      new Intl.DateTimeFormat("en", { timeZone: zone });
      return true;
    } catch {
      return false;
    }
  }, "is not a known IANA time zone (for example Europe/Brussels or UTC)");

/** The script's -d format, YYYY-MM-DD HH:MM:SS (UTC). */
const sightingCutoff = z.string().refine((text) => {
  try {
    parseSightingCutoff(text);
    return true;
  } catch {
    return false;
  }
}, 'must look like "YYYY-MM-DD HH:MM:SS" (UTC)');

const flag = z
  .union([z.boolean(), z.enum(["0", "1", "true", "false", "yes", "no"])])
  .transform((v) => v === true || v === "1" || v === "true" || v === "yes");

export const configSchema = z
  .object({
    /** Interface the server listens on. */
    HALFLIFE_HOST: z.string().min(1).default("127.0.0.1"),
    /** Port the server listens on (0 picks a free one). */
    HALFLIFE_PORT: port.default(8080),
    /** The SQLite database file, used unless DATABASE_URL is set. */
    HALFLIFE_DB: z.string().min(1).default("./data/halflife.db"),
    /** A postgres:// URL; when set, Halflife uses PostgreSQL instead of SQLite. */
    DATABASE_URL: z
      .string()
      .regex(/^postgres(ql)?:\/\//, "must be a postgres:// URL")
      .optional(),
    /** The first site admin's API key (40 characters, letters and digits), for automation and tests. */
    HALFLIFE_ADMIN_KEY: z
      .string()
      .regex(/^[A-Za-z0-9]{40}$/, "must be 40 letters and digits, like a MISP key")
      .optional(),
    /** A directory of ES modules, each exporting a decaying formula, loaded at start-up. */
    HALFLIFE_FORMULA_DIR: z.string().min(1).optional(),
    /** Which sightings a user sees (MISP's Plugin.Sightings_policy): 0 event owner, 1 reporters, 2 everyone, 3 host org. */
    HALFLIFE_SIGHTINGS_POLICY: z.coerce.number().int().min(0).max(3).default(0),
    /** How far in the future a sighting may be dated, in seconds; later ones are refused, and sweeps do not count them. */
    HALFLIFE_SIGHTING_CLOCK_SKEW: z.coerce.number().int().min(0).max(7 * 86_400).default(300),
    /** Distribution of an event added without one (MISP's MISP.default_event_distribution): 0 to 3. */
    HALFLIFE_DEFAULT_DISTRIBUTION: z.coerce.number().int().min(0).max(3).default(1),
    /** Name of the organisation that owns the instance, created at first start. */
    HALFLIFE_ORG_NAME: z.string().min(1).max(255).default("Halflife"),
    /** Largest request body accepted, in bytes. */
    HALFLIFE_BODY_LIMIT: z.coerce.number().int().min(1024).default(50 * 1024 * 1024),
    /** Failed authentications one client address may make per window before it gets 429; 0 turns throttling off. */
    HALFLIFE_AUTH_FAILURE_LIMIT: z.coerce.number().int().min(0).max(1_000_000).default(10),
    /** The window of HALFLIFE_AUTH_FAILURE_LIMIT, in seconds. */
    HALFLIFE_AUTH_FAILURE_WINDOW: z.coerce.number().int().min(1).max(86_400).default(60),
    /** Behind a reverse proxy: take the client's address from the last X-Forwarded-For entry. */
    HALFLIFE_TRUST_PROXY: flag.default(false),
    /** CSV exports neutralise cells a spreadsheet would run as formulas (a request's safeCsv wins). */
    HALFLIFE_CSV_SAFE: flag.default(true),
    /** Cron expression for the scheduled false-positive sweep; unset means no scheduled sweep. */
    HALFLIFE_SWEEP_CRON: cronExpression.optional(),
    /** Time zone of HALFLIFE_SWEEP_CRON; the machine's own when unset. */
    HALFLIFE_SWEEP_CRON_TIMEZONE: timeZone.optional(),
    /** Scheduled and API sweeps (and the CLI's -b default): false positives must be more than this. */
    HALFLIFE_SWEEP_MINIMAL_FP: z.coerce.number().int().min(-1_000_000).max(1_000_000_000).default(0),
    /** Scheduled and API sweeps (and the CLI's -t default): the false-positive share needed, 0 to 1. */
    HALFLIFE_SWEEP_THRESHOLD: z.coerce.number().min(0).max(1).default(0.5),
    /** Scheduled and API sweeps (and the CLI's --max-per-org default): count at most this many sightings of each kind per organisation; 0 counts all. */
    HALFLIFE_SWEEP_MAX_PER_ORG: z.coerce.number().int().min(0).max(1_000_000_000).default(0),
    /** Scheduled and API sweeps (and the CLI's --min-orgs default): false positives must come from at least this many organisations. */
    HALFLIFE_SWEEP_MIN_ORGS: z.coerce.number().int().min(1).max(1_000_000).default(1),
    /** Scheduled and API sweeps (and the CLI's -d default): only sightings after this count (UTC). */
    HALFLIFE_SWEEP_MINIMAL_DATE_SIGHTING: sightingCutoff.default("1970-01-01 00:00:00"),
    /** Scheduled sweeps only report what they would change. */
    HALFLIFE_SWEEP_DRY_RUN: flag.default(false),
    /** Recipients of sweep reports (comma-separated); scheduled sweeps mail when this is set. */
    HALFLIFE_SWEEP_MAIL_TO: z.string().min(1).optional(),
    /** Sender of sweep reports. */
    HALFLIFE_SWEEP_MAIL_FROM: z.string().min(1).optional(),
    /** Scheduled sweeps also mail an "all clear" report when nothing changed. */
    HALFLIFE_SWEEP_MAIL_ALWAYS: flag.default(false),
    /** A remote MISP for the scheduled sweep instead of the local store. */
    HALFLIFE_SWEEP_MISP_URL: z.string().regex(/^https?:\/\//, "must be an http:// or https:// URL").optional(),
    /** The remote MISP's API key (scheduled sweeps, and the default of the CLI's --misp-key). */
    HALFLIFE_SWEEP_MISP_KEY: z.string().min(1).optional(),
    /** Skip TLS verification of the remote MISP (a test server with a self-signed certificate only). */
    HALFLIFE_SWEEP_MISP_INSECURE: flag.default(false),
    /** Calls in flight at once against a remote MISP. */
    HALFLIFE_SWEEP_CONCURRENCY: z.coerce.number().int().min(1).max(64).default(4),
    /** SMTP server for sweep reports, e.g. smtp://user:pass@mail.example:587. */
    HALFLIFE_SMTP_URL: z.string().regex(/^smtps?:\/\//, "must be an smtp:// or smtps:// URL").optional(),
    /** Log level: fatal, error, warn, info, debug, trace or silent. */
    HALFLIFE_LOG_LEVEL: z.enum(["fatal", "error", "warn", "info", "debug", "trace", "silent"]).default("info"),
    /** Log lines: `text` (readable), `json` (one object per line), or `auto`: text on a terminal, JSON otherwise. */
    HALFLIFE_LOG_FORMAT: z.enum(["auto", "text", "json"]).default("auto"),
    /** How long a web UI login lasts, in hours. */
    HALFLIFE_SESSION_HOURS: z.coerce.number().positive().max(24 * 90).default(12),
    /** The web UI's built files; by default the package's own web/dist. */
    HALFLIFE_WEB_DIR: z.string().min(1).optional(),
    /** Load demo data on first start (also `serve --demo`). */
    HALFLIFE_DEMO: flag.default(false),
  })
  .strip();

export type Config = Readonly<z.infer<typeof configSchema>>;
export type ConfigKey = keyof Config;

/**
 * What each setting must be, as the end of a sentence that starts with the name the user gave it
 * (the variable, the flag, or the variable in the config file): "HALFLIFE_PORT must be …, got "abc"".
 */
export const CONFIG_RULES: Readonly<Record<ConfigKey, string>> = {
  HALFLIFE_HOST: "must be a host name or an IP address to listen on",
  HALFLIFE_PORT: "must be a port number from 1 to 65535 (or 0 for any free port)",
  HALFLIFE_DB: "must be the path of the SQLite database file",
  DATABASE_URL: "must be a postgres:// URL",
  HALFLIFE_ADMIN_KEY: "must be 40 letters and digits, like a MISP key",
  HALFLIFE_FORMULA_DIR: "must be the path of a directory of formula plug-ins",
  HALFLIFE_SIGHTINGS_POLICY: "must be 0, 1, 2 or 3",
  HALFLIFE_SIGHTING_CLOCK_SKEW: "must be a whole number of seconds from 0 to 604800 (a week)",
  HALFLIFE_DEFAULT_DISTRIBUTION: "must be 0, 1, 2 or 3",
  HALFLIFE_ORG_NAME: "must be an organisation name of 1 to 255 characters",
  HALFLIFE_BODY_LIMIT: "must be a whole number of bytes, at least 1024",
  HALFLIFE_AUTH_FAILURE_LIMIT: "must be a whole number of failures from 0 (no limit) to 1000000",
  HALFLIFE_AUTH_FAILURE_WINDOW: "must be a whole number of seconds from 1 to 86400",
  HALFLIFE_TRUST_PROXY: "must be true or false (or 1 or 0, yes or no)",
  HALFLIFE_CSV_SAFE: "must be true or false (or 1 or 0, yes or no)",
  HALFLIFE_SWEEP_CRON: "must be a cron expression, such as */5 * * * * or @hourly",
  HALFLIFE_SWEEP_CRON_TIMEZONE: "must be an IANA time zone, such as Europe/Brussels or UTC",
  HALFLIFE_SWEEP_MINIMAL_FP: "must be a whole number",
  HALFLIFE_SWEEP_THRESHOLD: "must be a share from 0 to 1, such as 0.5",
  HALFLIFE_SWEEP_MINIMAL_DATE_SIGHTING: 'must be a UTC date and time written "YYYY-MM-DD HH:MM:SS"',
  HALFLIFE_SWEEP_MAX_PER_ORG: "must be a whole number of sightings, 0 for no limit",
  HALFLIFE_SWEEP_MIN_ORGS: "must be a whole number of organisations, at least 1",
  HALFLIFE_SWEEP_DRY_RUN: "must be true or false (or 1 or 0, yes or no)",
  HALFLIFE_SWEEP_MAIL_TO: "must be one or more mail addresses, comma-separated",
  HALFLIFE_SWEEP_MAIL_FROM: "must be a mail address",
  HALFLIFE_SWEEP_MAIL_ALWAYS: "must be true or false (or 1 or 0, yes or no)",
  HALFLIFE_SWEEP_MISP_URL: "must be an http:// or https:// URL",
  HALFLIFE_SWEEP_MISP_KEY: "must be the remote MISP's API key",
  HALFLIFE_SWEEP_MISP_INSECURE: "must be true or false (or 1 or 0, yes or no)",
  HALFLIFE_SWEEP_CONCURRENCY: "must be a whole number from 1 to 64",
  HALFLIFE_SMTP_URL: "must be an smtp:// or smtps:// URL",
  HALFLIFE_LOG_LEVEL: "must be one of fatal, error, warn, info, debug, trace or silent",
  HALFLIFE_LOG_FORMAT: "must be auto, text or json",
  HALFLIFE_SESSION_HOURS: "must be a number of hours above 0 and at most 2160 (90 days)",
  HALFLIFE_WEB_DIR: "must be the path of the web UI's built files",
  HALFLIFE_DEMO: "must be true or false (or 1 or 0, yes or no)",
};

/** The variable names, for the README table and for checking config files. */
export const CONFIG_KEYS = Object.keys(configSchema.shape) as Array<keyof Config>;
