// The sweep's part of the store contract (decision query, bulk flag writes, runs and their
// changes, job locks), run against a real SQLite file and a real PostgreSQL server.
import path from "node:path";
import { randomUUID } from "node:crypto";
import { spawn } from "node:child_process";
import { hostname } from "node:os";
import SqliteDatabase from "better-sqlite3";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openStore } from "../../src/store/open.js";
import type { New, Store, Viewer } from "../../src/store/store.js";
import type { AttributeRecord, EventRecord, SightingType } from "../../src/core/domain.js";
import type { SweepChangeRecord, SweepRunRecord } from "../../src/core/sweep-run.js";
import { countSightings, decide, DEFAULT_SWEEP_RULE } from "../../src/core/sweep-rule.js";
import fc from "fast-check";
import { createTestDatabase, postgresAvailable, type TestDatabase } from "../support/databases.js";
import { temporaryFolder } from "../support/temp.js";

/** The pid of a process that has exited. */
function deadPid(): Promise<number> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ["-e", ""], { stdio: "ignore" });
    child.on("error", reject);
    child.on("exit", () => resolve(child.pid!));
  });
}

const dialects = [
  { name: "sqlite", available: true },
  { name: "postgres", available: postgresAvailable() },
] as const;

for (const dialect of dialects) {
  describe.skipIf(!dialect.available)(`the ${dialect.name} store's sweep ports`, () => {
    let store: Store;
    let database: TestDatabase | undefined;
    let sqliteFile: string | undefined;
    let orgA: number;
    let orgB: number;

    const open = () => (database ? openStore({ postgresUrl: database.url }) : openStore({ sqliteFile: sqliteFile! }));

    beforeAll(async () => {
      if (dialect.name === "postgres") database = await createTestDatabase();
      else sqliteFile = path.join(temporaryFolder("sweeps"), "h.db");
      store = await open();
      orgA = (await store.orgs.create({ uuid: randomUUID(), name: "Org A", description: "", local: true, created: 1 })).id;
      orgB = (await store.orgs.create({ uuid: randomUUID(), name: "Org B", description: "", local: true, created: 1 })).id;
    });
    afterAll(async () => {
      await store?.close();
      await database?.drop();
    });

    const instance: Viewer = { orgId: 0, siteAdmin: true, sightingsPolicy: 0, hostOrgId: 0 };

    async function event(orgId: number, overrides: Partial<EventRecord> = {}): Promise<EventRecord> {
      return store.events.insert({
        uuid: randomUUID(), org_id: orgId, orgc_id: orgId, user_id: 1, info: "event", date: "2026-01-01", threat_level_id: 4, analysis: 0,
        distribution: 1, sharing_group_id: 0, published: true, publish_timestamp: 50, timestamp: 100, locked: false, disable_correlation: false,
        extends_uuid: "", ...overrides,
      });
    }

    async function attributes(eventId: number, count: number, overrides: Partial<AttributeRecord> = {}): Promise<number[]> {
      return store.attributes.insertMany(
        Array.from({ length: count }, () => ({
          uuid: randomUUID(), event_id: eventId, object_id: 0, object_relation: null, category: "Network activity", type: "domain",
          value: `d${randomUUID().slice(0, 8)}.example`, to_ids: true, comment: "", distribution: 5, sharing_group_id: 0, timestamp: 100,
          first_seen: null, last_seen: null, deleted: false, disable_correlation: false, ...overrides,
        })),
      );
    }

    /** Sightings as [type, date] pairs, by one organisation. */
    async function sightings(attributeId: number, eventId: number, list: Array<[SightingType, number]>, orgId = orgA): Promise<void> {
      await store.sightings.insertMany(
        list.map(([type, date]) => ({ uuid: randomUUID(), attribute_id: attributeId, event_id: eventId, org_id: orgId, date_sighting: date, source: "", type })),
      );
    }

    it("counts true and false positives strictly after the cutoff, and never expirations", async () => {
      const e = await event(orgA);
      const [a, b, c] = await attributes(e.id, 3);
      await sightings(a!, e.id, [[1, 11], [1, 12], [0, 13], [2, 14], [2, 15], [1, 10]]);
      await sightings(b!, e.id, [[0, 11], [0, 12], [1, 13]]);
      await sightings(c!, e.id, [[2, 11], [2, 12]]);
      const found = await store.sweeps.candidates({ eventIds: [e.id] }, { ...DEFAULT_SWEEP_RULE, cutoff: 10 }, instance);
      // b has a third of false positives: under the 50 % threshold; c has none that count.
      expect(found).toEqual([{ attributeId: a, eventId: e.id, uuid: expect.any(String), type: "domain", value: expect.any(String), tp: 1, fp: 2 }]);
    });

    it("keeps attributes at the share threshold and drops those with too few false positives", async () => {
      const e = await event(orgA);
      const [half, one] = await attributes(e.id, 2);
      await sightings(half!, e.id, [[0, 20], [1, 21]]);
      await sightings(one!, e.id, [[1, 20]]);
      const ids = async (rule: Partial<typeof DEFAULT_SWEEP_RULE>) =>
        (await store.sweeps.candidates({ eventIds: [e.id] }, { ...DEFAULT_SWEEP_RULE, ...rule }, instance)).map((c) => c.attributeId);
      expect(await ids({})).toEqual([half, one]);
      expect(await ids({ minimalFp: 1 })).toEqual([]);
      expect(await ids({ threshold: 0.51 })).toEqual([one]);
    });

    it("considers only live attributes with to_ids set, within the event, type and organisation scope", async () => {
      const mine = await event(orgA);
      const theirs = await event(orgB);
      const [domain] = await attributes(mine.id, 1);
      const [ip] = await attributes(mine.id, 1, { type: "ip-dst", value: "192.0.2.1" });
      const [off] = await attributes(mine.id, 1, { to_ids: false });
      const [gone] = await attributes(mine.id, 1, { deleted: true });
      const [other] = await attributes(theirs.id, 1);
      for (const [id, eventId] of [[domain, mine.id], [ip, mine.id], [off, mine.id], [gone, mine.id], [other, theirs.id]] as const) {
        await sightings(id!, eventId, [[1, 30]]);
      }
      const ids = async (scope: Parameters<Store["sweeps"]["candidates"]>[0]) =>
        (await store.sweeps.candidates(scope, DEFAULT_SWEEP_RULE, instance)).map((c) => c.attributeId);
      expect(await ids({ eventIds: [mine.id, theirs.id] })).toEqual([domain, ip, other]);
      expect(await ids({ eventIds: [mine.id, theirs.id], types: ["ip-dst"] })).toEqual([ip]);
      expect(await ids({ eventIds: [mine.id, theirs.id], orgId: orgB })).toEqual([other]);
      expect(await store.sweeps.countToIds({ eventIds: [mine.id, theirs.id] }, instance)).toBe(3);
      expect(await store.sweeps.countToIds({ eventIds: [mine.id], types: ["domain"] }, instance)).toBe(1);
    });

    it("counts per organisation in SQL exactly as the core's rule does, with caps, organisations and a latest date", async () => {
      const orgC = (await store.orgs.create({ uuid: randomUUID(), name: `Org C ${randomUUID()}`, description: "", local: true, created: 1 })).id;
      const orgs = [orgA, orgB, orgC];
      const sightingList = fc.array(fc.tuple(fc.constantFrom<SightingType>(0, 1, 2), fc.integer({ min: 5, max: 60 }), fc.nat(2)), { maxLength: 14 });
      const rule = fc.record({
        minimalFp: fc.integer({ min: -1, max: 2 }),
        threshold: fc.constantFrom(0, 0.25, 0.5, 1 / 3, 0.75, 1),
        cutoff: fc.constantFrom(0, 10, 20),
        maxPerOrg: fc.option(fc.integer({ min: 1, max: 3 }), { nil: undefined }),
        minOrgs: fc.option(fc.integer({ min: 2, max: 3 }), { nil: undefined }),
        notAfter: fc.option(fc.constantFrom(30, 50), { nil: undefined }),
      });
      await fc.assert(
        fc.asyncProperty(fc.array(sightingList, { minLength: 1, maxLength: 4 }), rule, async (perAttribute, drawn) => {
          const chosen = Object.fromEntries(Object.entries(drawn).filter(([, v]) => v !== undefined)) as typeof drawn;
          const e = await event(orgA);
          const ids = await attributes(e.id, perAttribute.length);
          for (const [i, list] of perAttribute.entries()) {
            for (const [type, date, org] of list) await sightings(ids[i]!, e.id, [[type, date]], orgs[org]!);
          }
          const found = await store.sweeps.candidates({ eventIds: [e.id] }, chosen, instance);
          const expected = perAttribute.flatMap((list, i) => {
            const counts = countSightings(list.map(([type, date, org]) => ({ type, date_sighting: date, org_id: orgs[org]! })), chosen);
            return decide(counts, chosen).disable ? [{ attributeId: ids[i]!, tp: counts.tp, fp: counts.fp }] : [];
          });
          expect(found.filter((c) => decide(c, chosen).disable).map((c) => ({ attributeId: c.attributeId, tp: c.tp, fp: c.fp }))).toEqual(expected);
        }),
        { numRuns: 30, seed: 9_001 },
      );
    });

    it("counts only the sightings a viewer may see under the sightings policy", async () => {
      const e = await event(orgA);
      const [id] = await attributes(e.id, 1);
      // Org A (the owner) reported one true positive; org B reported two false positives.
      await sightings(id!, e.id, [[0, 40]], orgA);
      await sightings(id!, e.id, [[1, 41], [1, 42]], orgB);
      const seenBy = async (viewer: Viewer) => (await store.sweeps.candidates({ eventIds: [e.id] }, DEFAULT_SWEEP_RULE, viewer)).map((c) => [c.tp, c.fp]);
      expect(await seenBy(instance)).toEqual([[1, 2]]);
      expect(await seenBy({ orgId: orgA, siteAdmin: false, sightingsPolicy: 0, hostOrgId: orgA })).toEqual([[1, 2]]);
      // Policy 0: the owner sees every sighting of its events; org B only its own.
      expect(await seenBy({ orgId: orgB, siteAdmin: false, sightingsPolicy: 0, hostOrgId: orgA })).toEqual([[0, 2]]);
    });

    it("turns to_ids off on many attributes at once, stamping them, and reports only those that changed", async () => {
      const e = await event(orgA);
      const ids = await attributes(e.id, 4);
      const [alreadyOff] = await attributes(e.id, 1, { to_ids: false });
      const [deleted] = await attributes(e.id, 1, { deleted: true });
      const changed = await store.attributes.setToIds([...ids, alreadyOff!, deleted!], false, 777);
      expect(changed).toEqual(ids);
      const after = await store.attributes.byIds([...ids, alreadyOff!, deleted!]);
      expect(ids.map((id) => [after.get(id)!.to_ids, after.get(id)!.timestamp])).toEqual(ids.map(() => [false, 777]));
      expect(after.get(alreadyOff!)!.timestamp).toBe(100);
      expect(after.get(deleted!)!.to_ids).toBe(true);
      expect(await store.attributes.setToIds(ids.slice(0, 2), true, 778)).toEqual(ids.slice(0, 2));
    });

    it("updates many events in one call", async () => {
      const [e1, e2, e3] = [await event(orgA), await event(orgA), await event(orgA)];
      await store.events.updateMany([e1!.id, e2!.id], { published: false, timestamp: 900 });
      const after = await store.events.byIds([e1!.id, e2!.id, e3!.id]);
      expect([after.get(e1!.id)!.published, after.get(e2!.id)!.timestamp, after.get(e3!.id)!.published]).toEqual([false, 900, true]);
    });

    function run(overrides: Partial<New<SweepRunRecord>> = {}): New<SweepRunRecord> {
      return {
        kind: "sweep", target: { kind: "local", label: "SQLite test" }, dryRun: false, status: "running", origin: "cli", userId: null,
        orgScopeId: null, parameters: { rule: { minimalFp: 1, threshold: 0.8, cutoff: 5 }, scope: { types: ["domain"] } }, startedAt: 1000,
        finishedAt: null, attributesChecked: 0, attributesChanged: 0, eventsRepublished: 0, failures: [], skipped: [], undoOf: null, undoneBy: null,
        ...overrides,
      };
    }

    function change(runId: number, overrides: Partial<New<SweepChangeRecord>> = {}): New<SweepChangeRecord> {
      return {
        runId, eventId: "1", eventUuid: randomUUID(), eventInfo: "E", eventOrgId: orgA, attributeId: "10", attributeUuid: randomUUID(),
        attributeType: "domain", attributeValue: "x.example", field: "to_ids", before: true, after: false, tp: 1, fp: 3, ratio: 0.75,
        reason: "Turn to_ids off: …", stamped: 1000, changedAt: 1000, republished: false, ...overrides,
      };
    }

    it("records a run, reads it back, and updates its outcome", async () => {
      const created = await store.sweeps.createRun(run());
      expect(await store.sweeps.runById(created.id)).toEqual(created);
      const failures = [{ stage: "publish", eventId: "3", code: "UPSTREAM" as const, message: "down" }];
      await store.sweeps.updateRun(created.id, { status: "done", finishedAt: 1010, attributesChecked: 12, attributesChanged: 2, eventsRepublished: 1, failures });
      expect(await store.sweeps.runById(created.id)).toMatchObject({
        status: "done", finishedAt: 1010, attributesChecked: 12, attributesChanged: 2, eventsRepublished: 1, failures,
        parameters: { rule: { minimalFp: 1, threshold: 0.8, cutoff: 5 }, scope: { types: ["domain"] } }, target: { kind: "local", label: "SQLite test" },
      });
      const remote = await store.sweeps.createRun(run({ target: { kind: "misp", url: "https://misp.example/" } }));
      expect((await store.sweeps.runById(remote.id))!.target).toEqual({ kind: "misp", url: "https://misp.example/" });
    });

    it("lists runs newest first, pages by id, and shows an organisation only its own and the instance's local runs", async () => {
      const instanceRun = await store.sweeps.createRun(run());
      const remoteRun = await store.sweeps.createRun(run({ target: { kind: "misp", url: "https://m.example/" } }));
      const orgARun = await store.sweeps.createRun(run({ orgScopeId: orgA }));
      const orgBRun = await store.sweeps.createRun(run({ orgScopeId: orgB }));
      const all = (await store.sweeps.listRuns({ limit: 100 })).map((r) => r.id);
      expect(all.slice(0, 4)).toEqual([orgBRun.id, orgARun.id, remoteRun.id, instanceRun.id]);
      expect((await store.sweeps.listRuns({ limit: 2, beforeId: orgBRun.id })).map((r) => r.id)).toEqual([orgARun.id, remoteRun.id]);
      const forA = (await store.sweeps.listRuns({ limit: 100, visibleToOrg: orgA })).map((r) => r.id);
      expect(forA).toContain(orgARun.id);
      expect(forA).toContain(instanceRun.id);
      expect(forA).not.toContain(orgBRun.id);
      expect(forA).not.toContain(remoteRun.id);
    });

    it("records changes, filters them by organisation, counts them, and marks events republished", async () => {
      const { id } = await store.sweeps.createRun(run());
      await store.sweeps.addChanges([
        change(id, { eventId: "1", attributeId: "10" }),
        change(id, { eventId: "1", attributeId: "11" }),
        change(id, { eventId: "2", attributeId: "20", eventOrgId: orgB, tp: null, fp: null, ratio: null }),
      ]);
      await store.sweeps.markRepublished(id, ["1"]);
      const changes = await store.sweeps.changes(id);
      expect(changes.map((c) => [c.eventId, c.attributeId, c.republished, c.before, c.after])).toEqual([
        ["1", "10", true, true, false],
        ["1", "11", true, true, false],
        ["2", "20", false, true, false],
      ]);
      expect(changes[2]).toMatchObject({ tp: null, fp: null, ratio: null, eventOrgId: orgB });
      expect((await store.sweeps.changes(id, { eventOrgId: orgB })).map((c) => c.attributeId)).toEqual(["20"]);
      expect(Object.fromEntries(await store.sweeps.changeCounts([id], orgA))).toEqual({ [id]: { attributes: 2, events: 1, republished: 1 } });
    });

    it("marks runs left running as interrupted", async () => {
      const left = await store.sweeps.createRun(run());
      const done = await store.sweeps.createRun(run({ status: "done", finishedAt: 1001 }));
      expect(await store.sweeps.markInterrupted(2000)).toBeGreaterThanOrEqual(1);
      expect((await store.sweeps.runById(left.id))!).toMatchObject({ status: "interrupted", finishedAt: 2000 });
      expect((await store.sweeps.runById(done.id))!.status).toBe("done");
    });

    it("counts what an interrupted run changed and republished from its change records, keeping what it had checked", async () => {
      const left = await store.sweeps.createRun(run({ attributesChecked: 0 }));
      await store.sweeps.updateRun(left.id, { attributesChecked: 40 });
      await store.sweeps.addChanges([
        change(left.id, { eventId: "1", attributeId: "10", republished: true }),
        change(left.id, { eventId: "1", attributeId: "11", republished: true }),
        change(left.id, { eventId: "2", attributeId: "20", republished: true }),
        change(left.id, { eventId: "3", attributeId: "30", republished: false }),
      ]);
      await store.sweeps.markInterrupted(3000);
      expect((await store.sweeps.runById(left.id))!).toMatchObject({ status: "interrupted", attributesChecked: 40, attributesChanged: 4, eventsRepublished: 2 });
    });

    it("recounts, when migrating to 0007, the runs marked interrupted with zero totals by earlier versions", async () => {
      const old = await store.sweeps.createRun(run({ status: "interrupted", finishedAt: 1500 }));
      await store.sweeps.addChanges([
        change(old.id, { eventId: "1", attributeId: "10", republished: true }),
        change(old.id, { eventId: "2", attributeId: "20", republished: true }),
      ]);
      // A store as earlier versions left it: the run's totals zero, migration 0007 not yet run.
      const forget = "delete from kysely_migration where name = '0007-interrupted-run-totals'";
      if (database) {
        const client = new pg.Client({ connectionString: database.url });
        await client.connect();
        await client.query(forget).finally(() => client.end());
      } else {
        const raw = new SqliteDatabase(sqliteFile!);
        raw.exec(forget);
        raw.close();
      }
      expect((await store.sweeps.runById(old.id))!.attributesChanged).toBe(0);
      const migrated = await open();
      await migrated.close();
      expect((await store.sweeps.runById(old.id))!).toMatchObject({ status: "interrupted", attributesChanged: 2, eventsRepublished: 2, finishedAt: 1500 });
    });

    it("gives a job lock to one holder at a time, across two connections to the store, and says who holds it", async () => {
      const other = await open();
      try {
        const first = await store.locks.tryAcquire("test-lock", "first holder");
        expect(first.acquired).toBe(true);
        const second = await other.locks.tryAcquire("test-lock", "second holder");
        expect(second).toMatchObject({ acquired: false, holder: { pid: process.pid, label: "first holder" } });
        if (first.acquired) await first.lock.release();
        const third = await other.locks.tryAcquire("test-lock", "second holder");
        expect(third.acquired).toBe(true);
        if (third.acquired) await third.lock.release();
      } finally {
        await other.close();
      }
    });

    // Each database frees a dead holder's lock its own way; each way is tested on its own database.
    if (dialect.name === "postgres") it("frees a PostgreSQL job lock when its holder's connection dies", async () => {
      const holder = await open();
      const taken = await holder.locks.tryAcquire("crash-lock", "doomed");
      expect(taken.acquired).toBe(true);
      // What a crashed node looks like to the server: its connection goes away.
      const admin = new pg.Client({ connectionString: database!.url });
      await admin.connect();
      try {
        await admin.query("select pg_terminate_backend(pid) from pg_locks where locktype = 'advisory' and granted and pid <> pg_backend_pid()");
      } finally {
        await admin.end();
      }
      const next = await store.locks.tryAcquire("crash-lock", "next");
      expect(next.acquired).toBe(true);
      if (next.acquired) await next.lock.release();
      if (taken.acquired) await taken.lock.release();
      await holder.close();
    });

    if (dialect.name === "sqlite") it("takes over a SQLite job lock whose expiry passed, or whose holder process is gone", async () => {
      const raw = new SqliteDatabase(sqliteFile!);
      const gone = await deadPid();
      try {
        const row = { token: "t", host: hostname(), label: "old sweep", acquired_at: 1 };
        raw.prepare("insert into job_locks (name, token, pid, host, label, acquired_at, expires_at) values (?, ?, ?, ?, ?, ?, ?)")
          .run("expired-lock", row.token, process.pid, row.host, row.label, row.acquired_at, 2);
        raw.prepare("insert into job_locks (name, token, pid, host, label, acquired_at, expires_at) values (?, ?, ?, ?, ?, ?, ?)")
          .run("dead-lock", row.token, gone, row.host, row.label, row.acquired_at, Date.now() + 3_600_000);
        raw.prepare("insert into job_locks (name, token, pid, host, label, acquired_at, expires_at) values (?, ?, ?, ?, ?, ?, ?)")
          .run("remote-lock", row.token, gone, "another-host.example", row.label, row.acquired_at, Date.now() + 3_600_000);
      } finally {
        raw.close();
      }
      for (const name of ["expired-lock", "dead-lock"]) {
        const attempt = await store.locks.tryAcquire(name, "new sweep");
        expect(attempt.acquired).toBe(true);
        if (attempt.acquired) await attempt.lock.release();
      }
      // A holder on another machine cannot be checked: only its expiry frees the lock.
      expect(await store.locks.tryAcquire("remote-lock", "new sweep")).toMatchObject({ acquired: false, holder: { host: "another-host.example" } });
    });
  });
}
