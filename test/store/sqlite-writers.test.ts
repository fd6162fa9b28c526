// SQLite lets one connection write at a time. A write of this store that finds the lock taken by
// another connection (another process: a command-line sweep, an import) waits for it without
// holding the event loop, and lands once the lock is free; past its patience it fails with a typed
// UNAVAILABLE (HTTP 503 with Retry-After), never SQLite's "database is locked". Reads never wait
// for a writer, in this process or another.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { randomUUID } from "node:crypto";
import SqliteDatabase from "better-sqlite3";
import { Hono } from "hono";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { HalflifeError, isHalflifeError } from "../../src/core/errors.js";
import { errorResponse } from "../../src/http/errors.js";
import { openStore } from "../../src/store/open.js";
import type { Store } from "../../src/store/store.js";
import { watchEventLoop } from "../support/event-loop.js";

const org = () => ({ uuid: randomUUID(), name: `Org ${randomUUID()}`, description: "", local: true, created: 1 });

/** Another connection to the file that takes the write lock now and gives it back after `ms`. */
function holdWriteLock(file: string, ms: number): Promise<void> {
  const other = new SqliteDatabase(file);
  other.exec("begin immediate");
  other.prepare("insert into organisations (uuid, name, description, local, created) values (?, ?, '', 1, 1)").run(randomUUID(), `held ${randomUUID()}`);
  return new Promise((resolve) =>
    setTimeout(() => {
      other.exec("commit");
      other.close();
      resolve();
    }, ms),
  );
}

describe("SQLite writers taking turns", () => {
  let dir: string;
  let file: string;
  let store: Store;

  beforeEach(async () => {
    dir = mkdtempSync(path.join(tmpdir(), "halflife-writers-"));
    file = path.join(dir, "h.db");
    store = await openStore({ sqliteFile: file });
  });
  afterEach(async () => {
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it("makes a transaction that reads, then writes, wait for another connection's lock and land, with the event loop free meanwhile", async () => {
    const released = holdWriteLock(file, 400);
    const watch = watchEventLoop();
    const started = performance.now();
    const created = await store.transaction(async (tx) => {
      await tx.orgs.list();
      return tx.orgs.create(org());
    });
    const waited = performance.now() - started;
    const loop = watch.stop();
    await released;
    expect(waited).toBeGreaterThanOrEqual(350);
    expect((await store.orgs.byId(created.id))!.name).toBe(created.name);
    expect(loop.ticks).toBeGreaterThan(10);
    expect(loop.longestBusyMs, JSON.stringify(loop)).toBeLessThan(100);
  });

  it("makes a single write outside a transaction wait too", async () => {
    const released = holdWriteLock(file, 300);
    const created = await store.orgs.create(org());
    await released;
    expect(await store.orgs.byId(created.id)).not.toBeNull();
  });

  it("answers reads while another connection, or a transaction of this store, holds the write lock", async () => {
    const released = holdWriteLock(file, 500);
    const started = performance.now();
    await store.orgs.list();
    expect(performance.now() - started).toBeLessThan(300);
    await released;

    let inside!: () => void;
    const entered = new Promise<void>((resolve) => (inside = resolve));
    let finish!: () => void;
    const held = new Promise<void>((resolve) => (finish = resolve));
    const long = store.transaction(async (tx) => {
      await tx.orgs.create(org());
      inside();
      await held;
    });
    await entered;
    // The transaction holds this store's writer; a read does not queue behind it.
    const before = (await store.orgs.list()).length;
    finish();
    await long;
    expect((await store.orgs.list()).length).toBe(before + 1);
  });

  it("lets writes of one store wait their turn, first come first served, and all land", async () => {
    const released = holdWriteLock(file, 200);
    const names = Array.from({ length: 20 }, () => org());
    const created = await Promise.all(names.map((o) => store.transaction((tx) => tx.orgs.create(o))));
    await released;
    expect(created.map((o) => o.id)).toEqual([...created.map((o) => o.id)].sort((a, b) => a - b));
  });

  it("gives up after its patience with UNAVAILABLE, which HTTP answers with 503 and Retry-After", async () => {
    const impatient = await openStore({ sqliteFile: file, writePatienceMs: 300 });
    try {
      const released = holdWriteLock(file, 1_500);
      const failure = await impatient.transaction((tx) => tx.orgs.create(org())).catch((error: unknown) => error);
      await released;
      expect(isHalflifeError(failure, "UNAVAILABLE"), String(failure)).toBe(true);
      expect((failure as HalflifeError).message).toMatch(/^the database is busy: another writer held it for \d+\.\d s .*; try again shortly$/);
      // Nothing was written, and the store writes again once the lock is free.
      expect(await impatient.orgs.create(org())).toMatchObject({ id: expect.any(Number) });
    } finally {
      await impatient.close();
    }
    const app = new Hono().get("/", (c) => errorResponse(c, new HalflifeError("UNAVAILABLE", "busy")));
    const answer = await app.request("http://halflife.test/");
    expect(answer.status).toBe(503);
    expect(answer.headers.get("retry-after")).toBe("5");
    expect(await answer.json()).toEqual({ name: "busy", message: "busy", url: "/" });
  });

  it("refuses at once a write through the store from inside a transaction's work, which would wait for itself", async () => {
    const started = performance.now();
    await expect(store.transaction(async () => store.orgs.create(org()))).rejects.toThrow(/use the transaction's session/);
    expect(performance.now() - started).toBeLessThan(5_000);
    // The refused transaction wrote nothing, and the store goes on working.
    const before = (await store.orgs.list()).length;
    await store.transaction((tx) => tx.orgs.create(org()));
    expect((await store.orgs.list()).length).toBe(before + 1);
  });
});
