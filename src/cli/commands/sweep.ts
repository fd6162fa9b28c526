/**
 * `halflife sweep`: the false-positive sweep with the flags of PyMISP's falsepositive_disabletoids.py
 * (-b, -t, -d, -m, -o), and `sweep undo RUN`, `sweep runs`, `sweep show RUN`. Flags are checked
 * before the store is opened, so a typo exits 2 with one line and touches nothing; a mail server
 * that cannot be reached is found before the sweep changes anything.
 */
import type { Command } from "commander";
import { runSweep, type SweepRequest } from "../../app/run-sweep.js";
import { checkSweepMail, mailSweepReport, sweepMailOptions } from "../../app/sweep-mail.js";
import { listSweepRuns, showSweepRun } from "../../app/sweep-runs.js";
import { DEFAULT_SWEEP_SETTINGS, type SweepSettings } from "../../app/sweep-settings.js";
import { undoSweep } from "../../app/undo-sweep.js";
import { HalflifeError, isHalflifeError } from "../../core/errors.js";
import { isAllClear } from "../../core/sweep-report.js";
import { parseSightingCutoff, validateSweepRule, type SweepRule } from "../../core/sweep-rule.js";
import { renderSweepReport } from "../../mail/sweep-report.js";
import type { MailOptionsInput, StartTls } from "../../mail/mailer.js";
import type { CliContext } from "../context.js";
import { CommandFailed, UsageError } from "../errors.js";
import { progressBar, runHeadline, runsTable, undoText } from "../sweep-output.js";

interface SweepFlags {
  minimalFp?: string;
  threshold?: string;
  minimalDateSighting?: string;
  maxPerOrg?: string;
  minOrgs?: string;
  mail?: boolean;
  mailoptions?: string;
  mailAlways?: boolean;
  smtpUrl?: string;
  smtpPort?: string;
  smtpTls?: boolean;
  smtpStarttls?: string;
  smtpUser?: string;
  smtpPassword?: string;
  dryRun?: boolean;
  json?: boolean;
  event?: string[];
  type?: string[];
  mispUrl?: string;
  mispKey?: string;
  insecure?: boolean;
  concurrency?: string;
  wait?: boolean;
}

function wholeNumber(text: string, flag: string, min: number, max: number): number {
  const value = Number(text);
  if (!/^\d+$/.test(text) || value < min || value > max) throw new UsageError(`${flag} must be a whole number from ${min} to ${max}, got ${JSON.stringify(text)}`);
  return value;
}

function runNumber(text: string): number {
  if (!/^[1-9]\d{0,14}$/.test(text)) throw new UsageError(`RUN must be a run id (a number, see \`halflife sweep runs\`), got ${JSON.stringify(text)}`);
  return Number(text);
}

/** The rule from the flags; what the flags leave out comes from the settings (by default the script's). */
function ruleFrom(flags: SweepFlags): (defaults: SweepRule) => SweepRule {
  const given = validateSweepRule({
    minimalFp: flags.minimalFp,
    threshold: flags.threshold,
    cutoff: flags.minimalDateSighting === undefined ? undefined : parseSightingCutoff(flags.minimalDateSighting),
    maxPerOrg: flags.maxPerOrg,
    minOrgs: flags.minOrgs,
  });
  return (defaults) => {
    const maxPerOrg = flags.maxPerOrg === undefined ? defaults.maxPerOrg : given.maxPerOrg;
    const minOrgs = flags.minOrgs === undefined ? defaults.minOrgs : given.minOrgs;
    return {
      minimalFp: flags.minimalFp === undefined ? defaults.minimalFp : given.minimalFp,
      threshold: flags.threshold === undefined ? defaults.threshold : given.threshold,
      cutoff: flags.minimalDateSighting === undefined ? defaults.cutoff : given.cutoff,
      ...(maxPerOrg !== undefined ? { maxPerOrg } : {}),
      ...(minOrgs !== undefined ? { minOrgs } : {}),
    };
  };
}

function smtpFrom(flags: SweepFlags): MailOptionsInput {
  const smtp: MailOptionsInput = {};
  if (flags.smtpPort !== undefined) smtp.port = wholeNumber(flags.smtpPort, "--smtp-port", 1, 65_535);
  if (flags.smtpTls) smtp.secure = true;
  if (flags.smtpStarttls !== undefined) {
    if (!["required", "ignored", "opportunistic"].includes(flags.smtpStarttls)) {
      throw new UsageError(`--smtp-starttls must be required, ignored or opportunistic, got ${JSON.stringify(flags.smtpStarttls)}`);
    }
    smtp.starttls = flags.smtpStarttls as StartTls;
  }
  if (flags.smtpUser !== undefined) smtp.user = flags.smtpUser;
  if (flags.smtpPassword !== undefined) smtp.password = flags.smtpPassword;
  return smtp;
}

async function sweepAction(context: CliContext, flags: SweepFlags): Promise<void> {
  // Everything the flags alone can tell is checked before the store is opened.
  const rule = ruleFrom(flags);
  const eventIds = (flags.event ?? []).map((id) => wholeNumber(id, "--event", 1, Number.MAX_SAFE_INTEGER));
  const types = flags.type ?? [];
  const concurrency = flags.concurrency === undefined ? undefined : wholeNumber(flags.concurrency, "--concurrency", 1, 64);
  if (!flags.mispUrl && (flags.mispKey !== undefined || flags.insecure)) throw new UsageError("--misp-key and --insecure go with --misp-url");
  const mailing = flags.mail === true || flags.mailAlways === true;
  const smtp = smtpFrom(flags);

  // A sweep of a remote MISP writes only its run records here: no plug-in needs to load for it.
  const { context: app } = await context.app({ plugins: !flags.mispUrl });
  const settings: SweepSettings = app.settings.sweep ?? { ...DEFAULT_SWEEP_SETTINGS };
  const mispKey = flags.mispKey ?? settings.mispKey;
  if (flags.mispUrl && !mispKey) throw new UsageError("--misp-url needs the MISP's API key: --misp-key KEY, or HALFLIFE_SWEEP_MISP_KEY");
  const mail = mailing
    ? sweepMailOptions({ ...settings, ...(flags.smtpUrl ? { smtpUrl: flags.smtpUrl } : {}) }, { ...(flags.mailoptions !== undefined ? { mailoptions: flags.mailoptions } : {}), smtp })
    : undefined;
  if (mail) {
    try {
      await checkSweepMail(mail);
    } catch (error) {
      if (isHalflifeError(error)) throw new HalflifeError(error.code, `${error.message}; nothing was changed`);
      throw error;
    }
  }

  const bar = progressBar(context.stderr, context.interactive && !flags.json);
  const request: SweepRequest = {
    rule: rule(settings.rule),
    scope: { eventIds, types },
    dryRun: flags.dryRun === true,
    origin: "cli",
    wait: flags.wait === true,
    onWait: () => context.stderr.write("halflife: another sweep is running on this store; waiting for it to finish…\n"),
    onProgress: bar.update,
  };
  if (flags.mispUrl) {
    request.misp = { url: flags.mispUrl, key: mispKey!, insecure: flags.insecure === true, concurrency: concurrency ?? settings.concurrency };
  }
  let report;
  try {
    report = await runSweep(app, null, request);
  } finally {
    bar.stop();
  }

  if (flags.json) context.stdout.write(`${JSON.stringify(report, null, 2)}\n`);
  else if (!isAllClear(report)) context.stdout.write(renderSweepReport(report).text);
  else if (context.interactive) {
    context.stderr.write(`All clear: ${report.totals.attributesChecked} IDS indicators checked, none to pull (run ${report.runId}).\n`);
  }

  let mailFailure: string | undefined;
  if (mail) {
    try {
      await mailSweepReport(mail, report, flags.mailAlways === true);
    } catch (error) {
      mailFailure = `run ${report.runId} is recorded, but its report could not be mailed: ${error instanceof Error ? error.message : String(error)}`;
    }
  }
  if (report.failures.length > 0) {
    const first = report.failures[0]!;
    const more = report.failures.length > 1 ? ` (and ${report.failures.length - 1} more)` : "";
    if (mailFailure) context.stderr.write(`halflife: ${mailFailure}\n`);
    throw new CommandFailed(`sweep run ${report.runId} ${report.events.length > 0 ? "finished with failures" : "failed"}: ${first.message}${more}`);
  }
  if (mailFailure) throw new CommandFailed(mailFailure);
}

export function registerSweep(program: Command, context: CliContext): void {
  const sweep = program
    .command("sweep")
    .description("Turn off to_ids on attributes that analysts keep reporting as false positives, republish, and report")
    .option("-b, --minimal-fp <count>", "pull only with more false positives than this (default 0, or HALFLIFE_SWEEP_MINIMAL_FP)")
    .option("-t, --threshold <share>", "pull when FP / (TP + FP) is at least this, 0 to 1 (default 0.5, or HALFLIFE_SWEEP_THRESHOLD)")
    .option("-d, --minimal-date-sighting <date>", 'count sightings after "YYYY-MM-DD HH:MM:SS", UTC (default "1970-01-01 00:00:00")')
    .option("--max-per-org <count>", "count at most this many true and this many false positives per organisation; 0 counts all (default 0, or HALFLIFE_SWEEP_MAX_PER_ORG)")
    .option("--min-orgs <count>", "pull only when the false positives come from at least this many organisations (default 1, or HALFLIFE_SWEEP_MIN_ORGS)")
    .option("-m, --mail", "mail the report (when something changed or failed)")
    .option("-o, --mailoptions <options>", "'smtp_from=…;smtp_to=a@x,b@y;smtp_server=host[:port]'")
    .option("--mail-always", "mail the report even when nothing changed (implies --mail)")
    .option("--smtp-url <url>", "smtp://user:pass@host:587 or smtps://… (default HALFLIFE_SMTP_URL)")
    .option("--smtp-port <port>", "SMTP port (25; 465 with --smtp-tls)")
    .option("--smtp-tls", "TLS from the first byte (SMTPS)")
    .option("--smtp-starttls <mode>", "STARTTLS: opportunistic (default), required or ignored")
    .option("--smtp-user <user>", "SMTP login")
    .option("--smtp-password <password>", "SMTP password (prefer HALFLIFE_SMTP_URL in a config file)")
    .option("--dry-run", "decide and report, change nothing")
    .option("--json", "write the report as JSON")
    .option("--event <id...>", "only these events")
    .option("--type <type...>", "only these attribute types")
    .option("--misp-url <url>", "sweep this MISP (or another Halflife) over its REST API instead of the local store")
    .option("--misp-key <key>", "its API key (default HALFLIFE_SWEEP_MISP_KEY)")
    .option("--insecure", "do not verify the MISP's TLS certificate (test servers only)")
    .option("--concurrency <n>", "MISP calls in flight at once (default 4)")
    .option("--wait", "wait for a sweep already running on this store, instead of exiting")
    .addHelpText(
      "after",
      `
Exit codes: 0 done, 1 failed (nothing or only part done; see the report), 2 bad usage.

Examples:
  halflife sweep --dry-run
  halflife sweep -b 2 -t 0.75 -d "2026-01-01 00:00:00" -m -o 'smtp_from=misp@example.org;smtp_to=soc@example.org;smtp_server=mail.example.org'
  halflife sweep --max-per-org 3 --min-orgs 2      # one organisation alone cannot pull an indicator
  halflife sweep --misp-url https://misp.example.org --misp-key "$MISP_KEY" --json
  halflife sweep undo 12
  */5 * * * *  halflife  cd /opt/halflife && npx halflife sweep -m   # system crontab`,
    )
    .action((flags: SweepFlags) => sweepAction(context, flags));

  sweep
    .command("undo")
    .description("Turn back on the flags a sweep run turned off (unless changed since), and republish those events")
    .argument("<run>", "the run id (see `halflife sweep runs`)")
    .option("--misp-key <key>", "for a run on a remote MISP: its API key (default HALFLIFE_SWEEP_MISP_KEY)")
    .option("--insecure", "do not verify the remote MISP's TLS certificate")
    .option("--wait", "wait for a sweep already running on this store")
    .option("--json", "write the report as JSON")
    .action(async (reference: string, _options: unknown, command: Command) => {
      // The parent command has flags of the same names and takes them wherever they stand.
      const flags = command.optsWithGlobals<{ mispKey?: string; insecure?: boolean; wait?: boolean; json?: boolean }>();
      const runId = runNumber(reference);
      const { context: app } = await context.app();
      const key = flags.mispKey ?? app.settings.sweep?.mispKey;
      const bar = progressBar(context.stderr, context.interactive && !flags.json);
      let report;
      try {
        report = await undoSweep(app, null, {
          runId,
          origin: "cli",
          wait: flags.wait === true,
          onWait: () => context.stderr.write("halflife: another sweep is running on this store; waiting for it to finish…\n"),
          onProgress: bar.update,
          ...(key ? { misp: { key, insecure: flags.insecure === true || app.settings.sweep?.mispInsecure === true } } : {}),
        });
      } finally {
        bar.stop();
      }
      context.stdout.write(flags.json ? `${JSON.stringify(report, null, 2)}\n` : undoText(report));
      if (report.failures.length > 0) {
        throw new CommandFailed(`the undo (run ${report.runId}) finished with ${report.failures.length} failure${report.failures.length === 1 ? "" : "s"}: ${report.failures[0]!.message}`);
      }
    });

  sweep
    .command("runs")
    .description("List sweep runs, newest first")
    .option("--limit <n>", "how many", "20")
    .option("--json", "as JSON")
    .action(async (_options: unknown, command: Command) => {
      const flags = command.optsWithGlobals<{ limit: string; json?: boolean }>();
      const limit = wholeNumber(flags.limit, "--limit", 1, 1_000);
      const { context: app } = await context.app({ plugins: false });
      const runs = await listSweepRuns(app, null, { limit });
      context.stdout.write(flags.json ? `${JSON.stringify(runs, null, 2)}\n` : runsTable(runs));
    });

  sweep
    .command("show")
    .description("Print one run's report: its changes grouped by event")
    .argument("<run>", "the run id")
    .option("--json", "as JSON: { run, report }")
    .action(async (reference: string, _options: unknown, command: Command) => {
      const flags = command.optsWithGlobals<{ json?: boolean }>();
      const runId = runNumber(reference);
      const { context: app } = await context.app({ plugins: false });
      const { run, view } = await showSweepRun(app, null, runId);
      if (flags.json) context.stdout.write(`${JSON.stringify({ run, report: view.report }, null, 2)}\n`);
      else context.stdout.write(runHeadline(run) + (view.kind === "sweep" ? renderSweepReport(view.report).text : undoText(view.report)));
    });
}
