// Sweep poisoning (issue 9, item 15): twenty false positives dated in 2100 from one partner must not
// outweigh the owner's five true positives. Sightings dated beyond the clock skew are refused, the
// sweep never counts any already stored, and the sweep can count at most N per organisation and
// require M organisations, on the local store (both databases), a remote MISP and the schedule.
import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runSweep } from "../../src/app/run-sweep.js";
import { loadConfig } from "../../src/config/load.js";
import { DEFAULT_SWEEP_RULE } from "../../src/core/sweep-rule.js";
import { sweepSettingsFrom } from "../../src/sweep-config.js";
import { postgresAvailable } from "../support/databases.js";
import { startTestServer, type TestServer } from "../support/server.js";
import { addSweepEvent } from "../support/sweep-fixtures.js";

const T0 = 1_767_225_600;
const YEAR_2100 = 4_102_444_800;

const dialects = [
  { name: "sqlite", available: true },
  { name: "postgres", available: postgresAvailable() },
] as const;

for (const dialect of dialects) {
  describe.skipIf(!dialect.available)(`sweep poisoning on ${dialect.name}`, () => {
    let server: TestServer;
    let partner: { key: string; principal: { org: { id: number } } };
    let second: { key: string; principal: { org: { id: number } } };
    let third: { key: string; principal: { org: { id: number } } };

    beforeAll(async () => {
      server = await startTestServer({ dialect: dialect.name, now: T0 });
      partner = await server.addUser({ role: "User" });
      second = await server.addUser({ role: "User" });
      third = await server.addUser({ role: "User" });
    });
    afterAll(async () => {
      await server?.close();
    });

    /** An owner's event with one indicator and its five true positives. */
    async function indicator(value: string) {
      const event = await addSweepEvent(server, `Owner's ${value}`, [{ value, tp: [T0 - 500, T0 - 400, T0 - 300, T0 - 200, T0 - 100] }]);
      return { eventId: event.id, attributeId: event.ids[value]! };
    }

    async function report(key: string, attributeId: number, count: number, date = T0 - 50) {
      for (let i = 0; i < count; i++) {
        const answer = await server.call("POST", "/sightings/add", { id: String(attributeId), type: 1, timestamp: date - i }, { key });
        expect(answer.status, answer.text).toBe(200);
      }
    }

    async function dryRun(eventId: number, options: Record<string, unknown> = {}) {
      const answer = await server.call("POST", "/halflife/sweeps/dry-run", { eventIds: [eventId], ...options });
      expect(answer.status, answer.text).toBe(200);
      return answer.json.report.events.flatMap((event: any) => event.attributes) as Array<{ value: string; tp: number; fp: number; reason: string }>;
    }

    it("refuses sightings dated further in the future than the clock skew, and writes none", async () => {
      const { attributeId } = await indicator("future.example");
      const before = await server.context.store.sightings.forAttributes([attributeId], { orgId: 1, siteAdmin: true, sightingsPolicy: 2, hostOrgId: 1 });
      const refused = await server.call("POST", "/sightings/add", { id: String(attributeId), type: 1, timestamp: YEAR_2100 }, { key: partner.key });
      expect(refused.status).toBe(400);
      expect(refused.json.message).toBe(`timestamp is ${YEAR_2100 - T0} seconds in the future; a sighting may be dated at most 300 seconds after the server's clock`);
      const byDate = await server.call("POST", "/sightings/add", { id: String(attributeId), type: 1, date: "2100-01-01", time: "00:00:00" }, { key: partner.key });
      expect(byDate.status).toBe(400);
      const inEvent = await server.call("POST", "/events/add", { info: "never written", Attribute: [{ type: "domain", value: "x.example", Sighting: [{ type: 1, date_sighting: YEAR_2100 }] }] });
      expect(inEvent.status).toBe(400);
      expect(inEvent.json.message).toMatch(/^Attribute\.0\.Sighting\.0\.date_sighting is \d+ seconds in the future/);
      expect((await server.call("POST", "/events/restSearch", { eventinfo: "never written" })).json.response).toEqual([]);
      const after = await server.context.store.sightings.forAttributes([attributeId], { orgId: 1, siteAdmin: true, sightingsPolicy: 2, hostOrgId: 1 });
      expect(after.get(attributeId)?.length).toBe(before.get(attributeId)?.length);
      // Within the skew a clock that runs a little ahead is fine.
      expect((await server.call("POST", "/sightings/add", { id: String(attributeId), type: 0, timestamp: T0 + 300 }, { key: partner.key })).status).toBe(200);
      expect((await server.call("POST", "/sightings/add", { id: String(attributeId), type: 0, timestamp: T0 + 301 }, { key: partner.key })).status).toBe(400);
    });

    it("never counts future-dated sightings already in the store", async () => {
      const { eventId, attributeId } = await indicator("stored-future.example");
      // Written past the API, as an older version or a direct import could have left them.
      await server.context.store.transaction((tx) =>
        tx.sightings.insertMany(
          Array.from({ length: 20 }, (_, i) => ({ uuid: randomUUID(), attribute_id: attributeId, event_id: eventId, org_id: partner.principal.org.id, date_sighting: YEAR_2100 + i, source: "", type: 1 as const })),
        ),
      );
      expect(await dryRun(eventId)).toEqual([]);
      const run = await server.call("POST", "/halflife/sweeps/dry-run", { eventIds: [eventId] });
      expect(run.json.report.rule.notAfter).toBe(T0 + 300);
    });

    it("by default lets one organisation's twenty false positives outweigh five true positives, as the script does", async () => {
      const { eventId, attributeId } = await indicator("flooded.example");
      await report(partner.key, attributeId, 20);
      expect(await dryRun(eventId)).toMatchObject([{ value: "flooded.example", tp: 5, fp: 20 }]);
    });

    it("keeps the indicator when the false positives must come from two organisations, until a second one reports", async () => {
      const { eventId, attributeId } = await indicator("two-orgs.example");
      await report(partner.key, attributeId, 20);
      expect(await dryRun(eventId, { minOrgs: 2 })).toEqual([]);
      await report(second.key, attributeId, 1);
      const pulled = await dryRun(eventId, { minOrgs: 2 });
      expect(pulled).toMatchObject([{ value: "two-orgs.example", tp: 5, fp: 21 }]);
      expect(pulled[0]!.reason).toBe(
        "Turn to_ids off: 21 false positives (from 2 organisations) and 5 true positives after 1970-01-01 00:00:00 UTC, so 81% of the reports are false positives (threshold 50%, more than 0 false positives required, from at least 2 organisations).",
      );
    });

    it("counts at most N sightings of each kind per organisation", async () => {
      const { eventId, attributeId } = await indicator("capped.example");
      await report(partner.key, attributeId, 20);
      // Three organisations confirm it once each; capped at one per organisation, the partner's
      // twenty false positives count as one against the owner's one and the others' two.
      for (const user of [second, third]) {
        expect((await server.call("POST", "/sightings/add", { id: String(attributeId), type: 0, timestamp: T0 - 10 }, { key: user.key })).status).toBe(200);
      }
      expect(await dryRun(eventId, { maxPerOrg: 1 })).toEqual([]);
      const swept = await server.call("POST", "/halflife/sweeps/dry-run", { eventIds: [eventId], maxPerOrg: 1, threshold: 0.25 });
      expect(swept.json.report.events[0].attributes[0]).toMatchObject({ tp: 3, fp: 1 });
      expect(swept.json.report.events[0].attributes[0].reason).toMatch(/1 false positive and 3 true positives after .* UTC, counting at most 1 of each per organisation, so 25% /);
    });

    it("applies the same rule through runSweep and refuses bad options", async () => {
      const { eventId, attributeId } = await indicator("use-case.example");
      await report(partner.key, attributeId, 20);
      const kept = await runSweep(server.context, null, { rule: { ...DEFAULT_SWEEP_RULE, minOrgs: 2 }, scope: { eventIds: [eventId] }, dryRun: true, origin: "api" });
      expect(kept.events).toEqual([]);
      for (const body of [{ minOrgs: 0 }, { maxPerOrg: -1 }, { maxPerOrg: 1.5 }]) {
        expect((await server.call("POST", "/halflife/sweeps/dry-run", body)).status, JSON.stringify(body)).toBe(400);
      }
    });
  });
}

describe("the sweep's poisoning settings", () => {
  it("read HALFLIFE_SWEEP_MAX_PER_ORG and HALFLIFE_SWEEP_MIN_ORGS, and leave the script's rule alone by default", () => {
    const set = sweepSettingsFrom(loadConfig({ env: { HALFLIFE_SWEEP_MAX_PER_ORG: "3", HALFLIFE_SWEEP_MIN_ORGS: "2" } }));
    expect(set.rule).toEqual({ minimalFp: 0, threshold: 0.5, cutoff: 0, maxPerOrg: 3, minOrgs: 2 });
    expect(sweepSettingsFrom(loadConfig({ env: {} })).rule).toEqual({ minimalFp: 0, threshold: 0.5, cutoff: 0 });
    expect(() => loadConfig({ env: { HALFLIFE_SWEEP_MIN_ORGS: "0" } })).toThrow(/HALFLIFE_SWEEP_MIN_ORGS/);
    expect(() => loadConfig({ env: { HALFLIFE_SIGHTING_CLOCK_SKEW: "-5" } })).toThrow(/HALFLIFE_SIGHTING_CLOCK_SKEW/);
  });
});

describe("the sweep of a remote MISP, against poisoning", () => {
  let local: TestServer;
  let remote: TestServer;

  beforeAll(async () => {
    local = await startTestServer({ now: T0 });
    remote = await startTestServer({ now: T0 });
  });
  afterAll(async () => {
    await local?.close();
    await remote?.close();
  });

  it("counts per organisation and ignores future dates on the remote side too", async () => {
    const partner = await remote.addUser({ role: "User" });
    const event = await addSweepEvent(remote, "Remote owner's", [{ value: "remote.example", tp: [T0 - 500, T0 - 400, T0 - 300, T0 - 200, T0 - 100] }]);
    const attributeId = event.ids["remote.example"]!;
    // A MISP takes sightings dated in the future; write them past the API as such a MISP would hold them.
    await remote.context.store.transaction((tx) =>
      tx.sightings.insertMany(
        Array.from({ length: 20 }, (_, i) => ({ uuid: randomUUID(), attribute_id: attributeId, event_id: event.id, org_id: partner.principal.org.id, date_sighting: YEAR_2100 + i, source: "", type: 1 as const })),
      ),
    );
    const misp = { url: remote.url, key: "TestAdminKey0000000000000000000000000001" };
    const future = await runSweep(local.context, null, { rule: DEFAULT_SWEEP_RULE, dryRun: true, origin: "cli", misp });
    expect(future.events).toEqual([]);
    for (let i = 0; i < 20; i++) {
      expect((await remote.call("POST", "/sightings/add", { id: String(attributeId), type: 1, timestamp: T0 - 50 - i }, { key: partner.key })).status).toBe(200);
    }
    const flooded = await runSweep(local.context, null, { rule: DEFAULT_SWEEP_RULE, dryRun: true, origin: "cli", misp });
    expect(flooded.events.flatMap((e) => e.attributes)).toMatchObject([{ value: "remote.example", tp: 5, fp: 20 }]);
    const guarded = await runSweep(local.context, null, { rule: { ...DEFAULT_SWEEP_RULE, minOrgs: 2 }, dryRun: true, origin: "cli", misp });
    expect(guarded.events).toEqual([]);
    const capped = await runSweep(local.context, null, { rule: { ...DEFAULT_SWEEP_RULE, maxPerOrg: 2, threshold: 0.6 }, dryRun: true, origin: "cli", misp });
    expect(capped.events).toEqual([]);
  });
});
