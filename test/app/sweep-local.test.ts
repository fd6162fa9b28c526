// The sweep on the local store, end to end through the use-cases, on SQLite and PostgreSQL: the
// decisions, the stamps and the single republish, the records, the dry run, the scope, undo and
// the lock. Each test starts from a fresh store with the same events, so that any order works.
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { runSweep } from "../../src/app/run-sweep.js";
import { showSweepRun } from "../../src/app/sweep-runs.js";
import { undoSweep } from "../../src/app/undo-sweep.js";
import { SWEEP_LOCK } from "../../src/app/sweep-access.js";
import { DEFAULT_SWEEP_RULE } from "../../src/core/sweep-rule.js";
import { isHalflifeError } from "../../src/core/errors.js";
import { postgresAvailable } from "../support/databases.js";
import { startTestServer, type TestServer } from "../support/server.js";
import { addSweepEvent, attributeNow, eventNow, type CreatedEvent } from "../support/sweep-fixtures.js";

const T0 = 1_767_225_600; // 2026-01-01 00:00:00 UTC: the fixtures' clock
const dialects = [
  { name: "sqlite", available: true },
  { name: "postgres", available: postgresAvailable() },
] as const;

for (const dialect of dialects) {
  describe.skipIf(!dialect.available)(`the local sweep on ${dialect.name}`, () => {
    let server: TestServer;
    let phishing: CreatedEvent;
    let scanners: CreatedEvent;
    let quiet: CreatedEvent;

    beforeEach(async () => {
      server = await startTestServer({ dialect: dialect.name, now: T0 });
      phishing = await addSweepEvent(server, "Phishing wave", [
        { value: "fp-only.example", fp: [T0 - 50, T0 - 40] },
        { value: "half.example", tp: [T0 - 30], fp: [T0 - 20] },
        { value: "mostly-true.example", tp: [T0 - 30, T0 - 20, T0 - 10], fp: [T0 - 5] },
        { value: "expired.example", expiration: [T0 - 30, T0 - 20] },
        { value: "not-ids.example", to_ids: false, fp: [T0 - 30] },
      ]);
      scanners = await addSweepEvent(server, "Scanner noise", [
        { value: "192.0.2.10", type: "ip-src", tp: [T0 - 900], fp: [T0 - 800, T0 - 700, T0 - 600] },
        { value: "192.0.2.11", type: "ip-src", fp: [T0 - 100] },
      ]);
      quiet = await addSweepEvent(server, "Nothing wrong here", [{ value: "fine.example", tp: [T0 - 10] }]);
    });
    afterEach(async () => {
      await server?.close();
    });

    it("decides as the script does, without changing anything, in a dry run", async () => {
      const before = await eventNow(server, phishing.id);
      const report = await runSweep(server.context, null, { rule: DEFAULT_SWEEP_RULE, dryRun: true, origin: "cli" });
      expect(report.dryRun).toBe(true);
      expect(report.events.map((e) => [e.info, e.attributes.map((a) => [a.value, a.tp, a.fp])])).toEqual([
        ["Phishing wave", [["fp-only.example", 0, 2], ["half.example", 1, 1]]],
        ["Scanner noise", [["192.0.2.10", 1, 3], ["192.0.2.11", 0, 1]]],
      ]);
      expect(report.totals).toEqual({ attributesChecked: 7, attributesDisabled: 4, eventsRepublished: 0 });
      expect((await attributeNow(server, phishing.ids["fp-only.example"]!)).to_ids).toBe(true);
      expect(await eventNow(server, phishing.id)).toEqual(before);
      const { run, view } = await showSweepRun(server.context, null, Number(report.runId));
      expect(run).toMatchObject({ kind: "sweep", dryRun: true, status: "done", origin: "cli", attributesChanged: 4 });
      expect(view.report).toEqual(report);
    });

    it("honours the event and type scope, the minimal count and the sighting cutoff", async () => {
      const values = async (request: Partial<Parameters<typeof runSweep>[2]>) =>
        (await runSweep(server.context, null, { rule: DEFAULT_SWEEP_RULE, dryRun: true, origin: "cli", ...request })).events.flatMap((e) =>
          e.attributes.map((a) => a.value),
        );
      expect(await values({ scope: { eventIds: [scanners.id] } })).toEqual(["192.0.2.10", "192.0.2.11"]);
      expect(await values({ scope: { types: ["domain"] } })).toEqual(["fp-only.example", "half.example"]);
      expect(await values({ rule: { ...DEFAULT_SWEEP_RULE, minimalFp: 1 } })).toEqual(["fp-only.example", "192.0.2.10"]);
      // Only sightings strictly after the cutoff count: the scanners' old reports drop out.
      expect(await values({ rule: { ...DEFAULT_SWEEP_RULE, cutoff: T0 - 600 } })).toEqual(["fp-only.example", "half.example", "192.0.2.11"]);
    });

    it("turns the flags off, stamps the attributes, republishes each changed event once, and records every change", async () => {
      const quietBefore = await eventNow(server, quiet.id);
      server.setNow(T0 + 100);
      const report = await runSweep(server.context, null, { rule: DEFAULT_SWEEP_RULE, origin: "cli" });
      expect(report.failures).toEqual([]);
      expect(report.totals).toEqual({ attributesChecked: 7, attributesDisabled: 4, eventsRepublished: 2 });
      for (const value of ["fp-only.example", "half.example"]) expect(await attributeNow(server, phishing.ids[value]!)).toEqual({ to_ids: false, timestamp: T0 + 100 });
      expect((await attributeNow(server, phishing.ids["mostly-true.example"]!)).to_ids).toBe(true);
      expect(await eventNow(server, phishing.id)).toEqual({ published: true, publish_timestamp: T0 + 100, timestamp: T0 + 100 });
      expect(await eventNow(server, quiet.id)).toEqual(quietBefore);

      const { run, view } = await showSweepRun(server.context, null, Number(report.runId));
      expect(run).toMatchObject({ status: "done", attributesChecked: 7, attributesChanged: 4, eventsRepublished: 2 });
      expect(view.report).toEqual(report);
      const changes = await server.context.store.sweeps.changes(run.id);
      expect(changes[0]).toMatchObject({ field: "to_ids", before: true, after: false, tp: 0, fp: 2, ratio: 1, stamped: T0 + 100, republished: true });
      expect(changes[0]!.reason).toMatch(/^Turn to_ids off: 2 false positives and 0 true positives/);

      // The flags are off now, so a second sweep finds nothing.
      const again = await runSweep(server.context, null, { rule: DEFAULT_SWEEP_RULE, origin: "cli" });
      expect(again.totals).toEqual({ attributesChecked: 3, attributesDisabled: 0, eventsRepublished: 0 });
    });

    it("undoes a run, leaving alone an attribute an analyst changed since, and refuses to undo it twice", async () => {
      server.setNow(T0 + 100);
      const sweep = await runSweep(server.context, null, { rule: DEFAULT_SWEEP_RULE, origin: "cli" });
      const swept = await server.context.store.sweeps.runById(Number(sweep.runId));
      server.setNow(T0 + 200);
      const edited = await server.call("POST", `/attributes/edit/${scanners.ids["192.0.2.11"]}`, { comment: "checked by hand" });
      expect(edited.status).toBe(200);
      server.setNow(T0 + 300);
      const report = await undoSweep(server.context, null, { runId: swept!.id, origin: "cli" });
      expect(report.undoneRunId).toBe(String(swept!.id));
      expect(report.events.map((e) => [e.info, e.republished, e.attributes.map((a) => a.value)])).toEqual([
        ["Phishing wave", true, ["fp-only.example", "half.example"]],
        ["Scanner noise", true, ["192.0.2.10"]],
      ]);
      expect(report.skipped).toEqual([expect.objectContaining({ value: "192.0.2.11", why: expect.stringMatching(/changed since the sweep/) })]);
      expect(await attributeNow(server, phishing.ids["fp-only.example"]!)).toEqual({ to_ids: true, timestamp: T0 + 300 });
      expect((await attributeNow(server, scanners.ids["192.0.2.11"]!)).to_ids).toBe(false);
      expect(await eventNow(server, phishing.id)).toEqual({ published: true, publish_timestamp: T0 + 300, timestamp: T0 + 300 });
      expect((await server.context.store.sweeps.runById(swept!.id))!.undoneBy).toBe(Number(report.runId));

      const twice = await undoSweep(server.context, null, { runId: swept!.id, origin: "cli" }).catch((error: unknown) => error);
      expect(isHalflifeError(twice, "CONFLICT")).toBe(true);
      const ofUndo = await undoSweep(server.context, null, { runId: Number(report.runId), origin: "cli" }).catch((error: unknown) => error);
      expect(isHalflifeError(ofUndo, "INVALID_INPUT")).toBe(true);
    });

    it("refuses to start while another sweep holds the store's lock, or waits for it", async () => {
      const held = await server.context.store.locks.tryAcquire(SWEEP_LOCK, "a test holding the lock");
      expect(held.acquired).toBe(true);
      if (!held.acquired) return;
      const refused = await runSweep(server.context, null, { rule: DEFAULT_SWEEP_RULE, dryRun: true, origin: "cli" }).catch((error: unknown) => error);
      expect(isHalflifeError(refused, "CONFLICT")).toBe(true);
      expect((refused as Error).message).toContain("a test holding the lock");

      let waited = false;
      const waiting = runSweep(server.context, null, {
        rule: DEFAULT_SWEEP_RULE,
        dryRun: true,
        origin: "cli",
        wait: true,
        lockPollMs: 20,
        onWait: () => {
          waited = true;
          void held.lock.release();
        },
      });
      const report = await waiting;
      expect(waited).toBe(true);
      expect(report.dryRun).toBe(true);
    });

    it("marks a run left running by a dead process as interrupted when the next sweep starts", async () => {
      const orphan = await server.context.store.sweeps.createRun({
        kind: "sweep", target: { kind: "local" }, dryRun: false, status: "running", origin: "cli", userId: null, orgScopeId: null,
        parameters: { rule: DEFAULT_SWEEP_RULE, scope: {} }, startedAt: T0, finishedAt: null, attributesChecked: 0, attributesChanged: 0,
        eventsRepublished: 0, failures: [], skipped: [], undoOf: null, undoneBy: null,
      });
      await runSweep(server.context, null, { rule: DEFAULT_SWEEP_RULE, dryRun: true, origin: "cli" });
      expect((await server.context.store.sweeps.runById(orphan.id))!.status).toBe("interrupted");
    });
  });
}
