// `kill -9` in the middle of long work on a SQLite file: an import, a sweep, a model's index
// rebuild, each a real `halflife` process killed with SIGKILL while it writes. Afterwards the file
// is sound, nothing is half-written (an event whole or absent, a sweep's batch applied and recorded
// or not at all, a model enabled with its index or not enabled), the decay index equals one
// rebuilt from scratch, and running the work again finishes it.
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import SqliteDatabase from "better-sqlite3";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { bootstrap } from "../../src/app/bootstrap.js";
import { openApp } from "../../src/compose.js";
import { loadConfig } from "../../src/config/load.js";
import { formulas } from "../../src/core/formulas/registry.js";
import { openStore } from "../../src/store/open.js";
import { fillBusyStore } from "../support/busy-store.js";
import { probeConnection, startHalflife, waitUntil, writeLockTaken } from "../support/halflife-process.js";
import { runHalflife } from "../support/cli.js";

const KEY = "KillNineAdminKey000000000000000000000001";

/** Everything the decay index holds, in key order. */
function indexOf(file: string): { rows: unknown[]; summary: unknown[] } {
  const database = new SqliteDatabase(file, { readonly: true });
  try {
    return {
      rows: database.prepare("select attribute_id, model_id, base_score, ref_time, fresh_from, fresh_until from decay_index order by attribute_id, model_id").all(),
      summary: database.prepare("select attribute_id, fresh_from, fresh_until, to_ids from decay_summary order by attribute_id").all(),
    };
  } finally {
    database.close();
  }
}

/** The file opens (recovering its WAL), passes SQLite's checks, and its index equals a rebuild. */
async function expectSoundAndIndexed(file: string): Promise<void> {
  const store = await openStore({ sqliteFile: file });
  await store.close();
  const database = new SqliteDatabase(file, { readonly: true });
  try {
    expect(database.pragma("integrity_check")).toEqual([{ integrity_check: "ok" }]);
    expect(database.pragma("foreign_key_check")).toEqual([]);
  } finally {
    database.close();
  }
  const kept = indexOf(file);
  const rebuilt = await openStore({ sqliteFile: file });
  try {
    await rebuilt.decayIndex.rebuildAll();
  } finally {
    await rebuilt.close();
  }
  const fresh = indexOf(file);
  expect(kept.rows.length).toBe(fresh.rows.length);
  expect(kept.rows).toEqual(fresh.rows);
  expect(kept.summary).toEqual(fresh.summary);
}

const count = (database: SqliteDatabase.Database, query: string): number => (database.prepare(query).get() as { n: number }).n;

describe("kill -9 during long work on a SQLite file", () => {
  let dir: string;
  let file: string;
  let env: Record<string, string>;

  /** A bootstrapped store; `fill` attributes a sweep has work on; the NIDS model enabled unless told. */
  async function prepare(options: { fill?: number; enableModel?: boolean }): Promise<{ nidsId: number; noisy: number }> {
    const app = await openApp(loadConfig({ env: { ...env, HALFLIFE_LOG_LEVEL: "silent" } }), formulas);
    try {
      const started = await bootstrap(app.context, { adminKey: KEY });
      const busy = options.fill
        ? await fillBusyStore(app.context.store, { attributes: options.fill, orgId: started.hostOrg.id, userId: started.admin.id, now: Math.floor(Date.now() / 1000) })
        : null;
      const nids = (await app.context.store.models.list()).find((model) => model.name.startsWith("NIDS"))!;
      if (options.enableModel !== false) await app.context.store.transaction((tx) => tx.models.update(nids.id, { enabled: true }));
      return { nidsId: nids.id, noisy: busy?.noisy.length ?? 0 };
    } finally {
      await app.close();
    }
  }

  beforeEach(() => {
    dir = mkdtempSync(path.join(tmpdir(), "halflife-kill9-"));
    file = path.join(dir, "halflife.db");
    env = { HALFLIFE_DB: file, HALFLIFE_ADMIN_KEY: KEY };
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it("leaves every event of an interrupted import whole or absent, and a second import finishes it", async () => {
    await prepare({});
    const EVENTS = 60;
    const PER_EVENT = 400;
    const document = Array.from({ length: EVENTS }, (_, e) => ({
      Event: {
        uuid: `00000000-0000-4000-8000-${e.toString(16).padStart(12, "0")}`,
        info: `killed import ${e}`,
        Attribute: Array.from({ length: PER_EVENT }, (_, i) => ({
          type: "domain",
          value: `k${e}-${i}.example`,
          to_ids: true,
          Tag: [{ name: 'false-positive:risk="low"' }],
          Sighting: [{ type: "0", date_sighting: "1767225000" }, { type: "1", date_sighting: "1767225100" }],
        })),
      },
    }));
    const source = path.join(dir, "events.json");
    writeFileSync(source, JSON.stringify(document));

    const probe = probeConnection(file);
    try {
      const importing = startHalflife(["import", source], env, dir);
      await waitUntil(() => count(probe, "select count(*) as n from events") >= 5 || importing.child.exitCode !== null, 120_000, "the import to write events");
      importing.child.kill("SIGKILL");
      const killed = await importing.done;
      expect(killed.signal, killed.stdout + killed.stderr).toBe("SIGKILL");
    } finally {
      probe.close();
    }

    await expectSoundAndIndexed(file);
    const database = new SqliteDatabase(file, { readonly: true });
    const landed = database
      .prepare("select e.id, (select count(*) from attributes a where a.event_id = e.id) as attributes, (select count(*) from sightings s where s.event_id = e.id) as sightings from events e")
      .all() as Array<{ attributes: number; sightings: number }>;
    database.close();
    expect(landed.length).toBeGreaterThanOrEqual(5);
    expect(landed.length).toBeLessThan(EVENTS);
    for (const event of landed) expect(event).toMatchObject({ attributes: PER_EVENT, sightings: 2 * PER_EVENT });

    const again = await runHalflife(["import", source], { env: { ...env, HALFLIFE_LOG_LEVEL: "silent" }, cwd: dir });
    expect(again.code, again.stderr).toBe(0);
    const after = new SqliteDatabase(file, { readonly: true });
    expect(count(after, "select count(*) as n from events")).toBe(EVENTS);
    expect(count(after, "select count(*) as n from attributes")).toBe(EVENTS * PER_EVENT);
    after.close();
    await expectSoundAndIndexed(file);
  }, 240_000);

  it("leaves an interrupted sweep's batches applied and recorded together; the next sweep counts them and finishes", async () => {
    const { noisy } = await prepare({ fill: 30_000 });
    const probe = probeConnection(file);
    try {
      const sweeping = startHalflife(["sweep"], env, dir);
      await waitUntil(() => count(probe, "select count(*) as n from sweep_changes") > 0 || sweeping.child.exitCode !== null, 120_000, "the sweep to apply a batch");
      sweeping.child.kill("SIGKILL");
      const killed = await sweeping.done;
      expect(killed.signal, killed.stdout + killed.stderr).toBe("SIGKILL");
    } finally {
      probe.close();
    }

    await expectSoundAndIndexed(file);
    let database = new SqliteDatabase(file, { readonly: true });
    const killedRun = database.prepare("select id, status, attributes_checked from sweep_runs").get() as { id: number; status: string; attributes_checked: number };
    expect(killedRun).toMatchObject({ status: "running", attributes_checked: 30_000 });
    const recorded = count(database, `select count(*) as n from sweep_changes where run_id = ${killedRun.id}`);
    // Exactly the recorded attributes lost their flag, and each of their events was republished.
    expect(count(database, "select count(*) as n from attributes where to_ids = 0")).toBe(recorded);
    expect(count(database, `select count(*) as n from attributes a join sweep_changes c on c.attribute_ref = cast(a.id as text) and c.run_id = ${killedRun.id} where a.to_ids = 0`)).toBe(recorded);
    expect(count(database, `select count(*) as n from events e where e.id in (select cast(event_ref as integer) from sweep_changes where run_id = ${killedRun.id}) and e.published = 0`)).toBe(0);
    const events = count(database, `select count(distinct event_ref) as n from sweep_changes where run_id = ${killedRun.id}`);
    database.close();
    expect(recorded).toBeGreaterThan(0);
    expect(recorded).toBeLessThan(noisy);

    const next = await runHalflife(["sweep", "--json"], { env: { ...env, HALFLIFE_LOG_LEVEL: "silent" }, cwd: dir });
    expect(next.code, next.stderr).toBe(0);
    const report = JSON.parse(next.stdout);
    database = new SqliteDatabase(file, { readonly: true });
    expect(database.prepare("select status, attributes_checked, attributes_changed, events_republished from sweep_runs where id = ?").get(killedRun.id)).toEqual({
      status: "interrupted",
      attributes_checked: 30_000,
      attributes_changed: recorded,
      events_republished: events,
    });
    expect(count(database, "select count(*) as n from attributes where to_ids = 0")).toBe(recorded + report.totals.attributesDisabled);
    database.close();
    const listed = await runHalflife(["sweep", "runs"], { env: { ...env, HALFLIFE_LOG_LEVEL: "silent" }, cwd: dir });
    expect(listed.stdout).toMatch(new RegExp(`\\b${killedRun.id}\\b.*interrupted`));
    await expectSoundAndIndexed(file);
  }, 240_000);

  it("leaves a model whose index rebuild was killed disabled and unindexed, and enabling it again works", async () => {
    const { nidsId } = await prepare({ fill: 30_000, enableModel: false });
    const probe = probeConnection(file);
    try {
      const enabling = startHalflife(["models", "enable", String(nidsId)], env, dir);
      // The rebuild is one long write transaction: wait until the lock stays taken for a while.
      let heldSince = 0;
      await waitUntil(
        () => {
          if (enabling.child.exitCode !== null) return true;
          if (!writeLockTaken(probe)) heldSince = 0;
          else if (heldSince === 0) heldSince = Date.now();
          return heldSince > 0 && Date.now() - heldSince > 80;
        },
        120_000,
        "the rebuild to hold the write lock",
      );
      enabling.child.kill("SIGKILL");
      const killed = await enabling.done;
      expect(killed.signal, killed.stdout + killed.stderr).toBe("SIGKILL");
    } finally {
      probe.close();
    }

    await expectSoundAndIndexed(file);
    let database = new SqliteDatabase(file, { readonly: true });
    expect(database.prepare("select enabled from decaying_models where id = ?").get(nidsId)).toEqual({ enabled: 0 });
    expect(count(database, `select count(*) as n from decay_index where model_id = ${nidsId}`)).toBe(0);
    database.close();

    const again = await runHalflife(["models", "enable", String(nidsId)], { env: { ...env, HALFLIFE_LOG_LEVEL: "silent" }, cwd: dir });
    expect(again.code, again.stderr).toBe(0);
    database = new SqliteDatabase(file, { readonly: true });
    expect(count(database, `select count(*) as n from decay_index where model_id = ${nidsId}`)).toBe(30_000);
    database.close();
    await expectSoundAndIndexed(file);
  }, 240_000);
});
