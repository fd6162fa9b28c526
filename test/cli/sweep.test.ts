// `halflife sweep` as a user (or cron) runs it: the real executable in a child process, a real
// SQLite file, and a real SMTP server that parses what it receives.
import { writeFileSync, existsSync } from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openStore } from "../../src/store/open.js";
import { runCli } from "../support/cli.js";
import { startSmtpServer, type TestSmtpServer } from "../support/smtp-server.js";
import { startHttpServer } from "../support/http-server.js";
import { sweepEventJson } from "../support/sweep-fixtures.js";
import { temporaryFolder } from "../support/temp.js";

const NOW = Math.floor(Date.now() / 1000);

describe("the halflife sweep command", () => {
  let dir: string;
  let env: Record<string, string>;
  let smtp: TestSmtpServer;

  beforeAll(async () => {
    dir = temporaryFolder("sweep-cli");
    env = { HALFLIFE_DB: path.join(dir, "halflife.db"), HALFLIFE_LOG_LEVEL: "silent" };
    smtp = await startSmtpServer();
    const events = [
      sweepEventJson("Phishing wave", [
        { value: "fp-only.example", fp: [NOW - 500, NOW - 400] },
        { value: "fine.example", tp: [NOW - 300] },
      ]),
      sweepEventJson("Scanner noise", [{ value: "192.0.2.10", type: "ip-src", tp: [NOW - 900], fp: [NOW - 800, NOW - 700] }]),
    ];
    writeFileSync(path.join(dir, "events.json"), JSON.stringify(events));
    const imported = await runCli(["import", path.join(dir, "events.json")], { env });
    expect(imported.code, imported.stderr).toBe(0);
  });
  afterAll(async () => {
    await smtp?.close();
  });

  const flagsOf = async (values: string[]) => {
    const store = await openStore({ sqliteFile: env.HALFLIFE_DB! });
    try {
      const found = await store.attributes.search({ values }, { orgId: 1, siteAdmin: true, sightingsPolicy: 0, hostOrgId: 1 }, { limit: 10 });
      return Object.fromEntries(found.map((a) => [a.value, a.to_ids]));
    } finally {
      await store.close();
    }
  };

  it.each([
    [["-t", "50"], /--threshold must be a share from 0 to 1/],
    [["-d", "2024-02-30 00:00:00"], /--minimal-date-sighting is not a real date/],
    [["--min-orgs", "two"], /--min-orgs must be a finite number/],
    [["--max-per-org", "-1"], /--max-per-org must be a whole number from 0/],
  ])("answers %j with one line and exit 2, without creating a store", async (args, message) => {
    const fresh = path.join(temporaryFolder("none"), "never.db");
    const result = await runCli(["sweep", ...args], { env: { ...env, HALFLIFE_DB: fresh } });
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(message);
    expect(result.stderr.trim().split("\n")).toHaveLength(1);
    expect(existsSync(fresh)).toBe(false);
  });

  it("takes --max-per-org and --min-orgs: one organisation's reports alone pull nothing with --min-orgs 2", async () => {
    const result = await runCli(["sweep", "--dry-run", "--json", "--max-per-org", "3", "--min-orgs", "2"], { env });
    expect(result.code, result.stderr).toBe(0);
    const report = JSON.parse(result.stdout);
    expect(report.rule).toMatchObject({ maxPerOrg: 3, minOrgs: 2 });
    expect(report.events).toEqual([]);
  });

  it("shows in a dry run what it would pull from detection, and changes nothing", async () => {
    const result = await runCli(["sweep", "--dry-run", "--json"], { env });
    expect(result.code, result.stderr).toBe(0);
    const report = JSON.parse(result.stdout);
    expect(report.dryRun).toBe(true);
    expect(report.events.map((e: any) => [e.info, e.attributes.map((a: any) => a.value)])).toEqual([
      ["Phishing wave", ["fp-only.example"]],
      ["Scanner noise", ["192.0.2.10"]],
    ]);
    expect(await flagsOf(["fp-only.example", "192.0.2.10"])).toEqual({ "fp-only.example": true, "192.0.2.10": true });
  });

  it("stops with exit 1 and changes nothing when the SMTP server cannot be reached", async () => {
    const closed = await startHttpServer(() => {});
    await closed.close();
    const result = await runCli(["sweep", "-m", "-o", `smtp_from=misp@example.org;smtp_to=soc@example.org;smtp_server=127.0.0.1:${closed.port}`], { env });
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/could not send the report through SMTP server 127\.0\.0\.1:\d+: connection refused; nothing was changed/);
    expect(await flagsOf(["fp-only.example", "192.0.2.10"])).toEqual({ "fp-only.example": true, "192.0.2.10": true });
  });

  it("pulls the indicators, mails the report grouped by event, and undo puts them back", async () => {
    const options = `smtp_from=misp@example.org;smtp_to=soc@example.org,cti@example.org;smtp_server=127.0.0.1:${smtp.port}`;
    const result = await runCli(["sweep", "-m", "-o", options], { env });
    expect(result.code, result.stderr).toBe(0);
    // Without a terminal (cron), no progress bar and no chatter: only the report on stdout.
    expect(result.stderr).toBe("");
    expect(await flagsOf(["fp-only.example", "192.0.2.10", "fine.example"])).toEqual({ "fp-only.example": false, "192.0.2.10": false, "fine.example": true });

    const mail = await smtp.nextMail();
    expect(mail.from).toBe("misp@example.org");
    expect(mail.to).toEqual(["soc@example.org", "cti@example.org"]);
    const runId = /Halflife sweep (\d+) on local store/.exec(mail.parsed.subject ?? "")?.[1];
    expect(runId).toBeDefined();
    expect(mail.parsed.subject).toContain("2 indicators pulled from detection in 2 events");
    const text = mail.parsed.text ?? "";
    expect(text.indexOf("Event 1: Phishing wave")).toBeLessThan(text.indexOf("- domain fp-only.example"));
    expect(text.indexOf("- domain fp-only.example")).toBeLessThan(text.indexOf("Scanner noise"));
    expect(text).toContain("false positives 2, true positives 1, false share 66.67%");
    expect(text).toContain(`halflife sweep undo ${runId}`);
    expect(result.stdout).toContain(`Run id: ${runId}`);

    const undo = await runCli(["sweep", "undo", runId!], { env });
    expect(undo.code, undo.stderr).toBe(0);
    expect(undo.stdout).toContain("Restored:  2 indicators back in detection, 2 events republished without alerts");
    expect(await flagsOf(["fp-only.example", "192.0.2.10"])).toEqual({ "fp-only.example": true, "192.0.2.10": true });

    const runs = await runCli(["sweep", "runs"], { env });
    expect(runs.stdout).toMatch(new RegExp(`^${runId}\\s.*sweep\\s+local\\s+done.*undone by \\d+$`, "m"));
    const again = await runCli(["sweep", "undo", runId!], { env });
    expect(again.code).toBe(1);
    expect(again.stderr).toMatch(new RegExp(`^halflife: run ${runId} was undone already, by run \\d+\\n$`));
  });
});
