// The scheduled sweep: its settings are validated at start, the job sweeps and mails on its cron,
// skips while another sweep holds the lock, and `halflife serve` runs it.
import { spawn } from "node:child_process";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loadConfig } from "../../src/config/load.js";
import { SWEEP_LOCK } from "../../src/app/sweep-access.js";
import type { SweepReport } from "../../src/core/sweep-report.js";
import { startScheduler } from "../../src/jobs/scheduler.js";
import { sweepJob } from "../../src/jobs/sweep-job.js";
import { sweepSettingsFrom } from "../../src/sweep-config.js";
import { projectRoot } from "../support/data.js";
import { ADMIN_KEY, startTestServer, type TestServer } from "../support/server.js";
import { startSmtpServer, type TestSmtpServer } from "../support/smtp-server.js";
import { addSweepEvent } from "../support/sweep-fixtures.js";
import { temporaryFolder } from "../support/temp.js";

const T0 = 1_767_225_600;
const quiet = { info: () => {}, warn: () => {}, error: () => {} };

describe("the sweep's configuration", () => {
  it.each([
    ["HALFLIFE_SWEEP_CRON", "every five minutes"],
    ["HALFLIFE_SWEEP_CRON_TIMEZONE", "Mars/Olympus"],
    ["HALFLIFE_SWEEP_THRESHOLD", "50"],
    ["HALFLIFE_SWEEP_MINIMAL_DATE_SIGHTING", "2026-01-01"],
    ["HALFLIFE_SWEEP_MISP_URL", "misp.example.org"],
  ])("refuses %s=%j at start-up, naming the variable", (name, value) => {
    expect(() => loadConfig({ env: { [name]: value } })).toThrow(new RegExp(`^${name} must be .*, got "${value.replace(/[*]/g, "\\*")}"$`));
  });

  it("turns the variables into the sweep's settings", () => {
    const settings = sweepSettingsFrom(
      loadConfig({
        env: {
          HALFLIFE_SWEEP_CRON: "*/5 * * * *",
          HALFLIFE_SWEEP_THRESHOLD: "0.8",
          HALFLIFE_SWEEP_MINIMAL_FP: "2",
          HALFLIFE_SWEEP_MINIMAL_DATE_SIGHTING: "2026-01-01 00:00:00",
          HALFLIFE_SWEEP_MAIL_TO: "soc@example.org, cti@example.org",
          HALFLIFE_DB: "/var/lib/halflife/h.db",
        },
      }),
    );
    expect(settings).toMatchObject({
      cron: "*/5 * * * *",
      rule: { minimalFp: 2, threshold: 0.8, cutoff: T0 },
      mailTo: ["soc@example.org", "cti@example.org"],
      storeLabel: "SQLite /var/lib/halflife/h.db",
      dryRun: false,
    });
  });
});

describe("the scheduled sweep job", () => {
  let server: TestServer;
  let smtp: TestSmtpServer;

  beforeAll(async () => {
    smtp = await startSmtpServer();
    server = await startTestServer({ now: T0 });
    await addSweepEvent(server, "Noisy", [{ value: "noisy.example", fp: [T0 - 10] }]);
  });
  afterAll(async () => {
    await server?.close();
    await smtp?.close();
  });

  const settings = () => ({
    ...sweepSettingsFrom(loadConfig({ env: { HALFLIFE_SMTP_URL: `smtp://127.0.0.1:${smtp.port}?starttls=ignored&from=halflife@example.org&to=soc@example.org` } })),
    cron: "* * * * * *",
  });

  /** Runs the job on its schedule until it reports once. */
  async function firstReport(job: ReturnType<typeof sweepJob>): Promise<SweepReport | null> {
    let scheduler: ReturnType<typeof startScheduler> | undefined;
    try {
      return await new Promise<SweepReport | null>((resolve, reject) => {
        scheduler = startScheduler([{ ...job, onReport: resolve, onError: reject }]);
      });
    } finally {
      scheduler?.stop();
    }
  }

  it("sweeps with the configured rule on its schedule, and mails the report", async () => {
    const report = await firstReport(sweepJob(server.context, { ...settings(), mailTo: ["soc@example.org"] }, quiet));
    expect(report).toMatchObject({ dryRun: false, totals: { attributesDisabled: 1, eventsRepublished: 1 } });
    const run = await server.context.store.sweeps.runById(Number(report!.runId));
    expect(run!.origin).toBe("schedule");
    const mail = await smtp.nextMail();
    expect(mail.parsed.subject).toContain(`Halflife sweep ${report!.runId}`);
  });

  it("skips a tick while another sweep holds the store's lock", async () => {
    const held = await server.context.store.locks.tryAcquire(SWEEP_LOCK, "a cron sweep");
    expect(held.acquired).toBe(true);
    const warnings: string[] = [];
    try {
      const report = await firstReport(sweepJob(server.context, settings(), { ...quiet, warn: (_details, message) => warnings.push(message) }));
      expect(report).toBeNull();
      expect(warnings).toEqual(["scheduled sweep skipped: another sweep is running"]);
    } finally {
      if (held.acquired) await held.lock.release();
    }
  });
});

describe("halflife serve with HALFLIFE_SWEEP_CRON", () => {
  it("runs the sweep on its schedule", async () => {
    const env = {
      ...process.env,
      TZ: "UTC",
      HALFLIFE_DB: path.join(temporaryFolder("serve-sweep"), "h.db"),
      HALFLIFE_ADMIN_KEY: ADMIN_KEY,
      HALFLIFE_SWEEP_CRON: "* * * * * *",
      HALFLIFE_SWEEP_DRY_RUN: "1",
      HALFLIFE_LOG_LEVEL: "silent",
    };
    const child = spawn(process.execPath, [path.join(projectRoot, "bin/halflife.js"), "serve", "--port", "0"], { cwd: projectRoot, env, stdio: ["ignore", "pipe", "ignore"] });
    try {
      let out = "";
      const url = await new Promise<string>((resolve, reject) => {
        child.stdout.on("data", (chunk) => {
          out += chunk;
          const match = /listening on (http:\/\/\S+?)\/?\n/.exec(out);
          if (match && out.includes("Scheduled sweep: * * * * * *")) resolve(match[1]!);
        });
        child.on("close", () => reject(new Error(`serve exited: ${out}`)));
      });
      let runs: Array<{ origin: string; dryRun: boolean }> = [];
      for (let attempt = 0; attempt < 60 && runs.length === 0; attempt++) {
        await new Promise((resolve) => setTimeout(resolve, 250));
        runs = (await (await fetch(`${url}/halflife/sweeps`, { headers: { Authorization: ADMIN_KEY } })).json()) as typeof runs;
      }
      expect(runs[0]).toMatchObject({ origin: "schedule", dryRun: true });
    } finally {
      if (child.exitCode === null && child.signalCode === null) {
        const exited = new Promise((resolve) => child.once("exit", resolve));
        child.kill("SIGTERM");
        await exited;
      }
    }
  });
});
