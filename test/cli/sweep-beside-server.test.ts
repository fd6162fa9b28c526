// A cron sweep (`halflife sweep`, one process) on the SQLite file a server (`halflife serve`,
// another process) is answering from, while analysts report sightings and edit attributes over
// HTTP. SQLite lets one writer in at a time: every API write must wait its turn and land, never
// fail with "database is locked" (a 500), and the sweep must finish.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { bootstrap } from "../../src/app/bootstrap.js";
import { openApp } from "../../src/compose.js";
import { loadConfig } from "../../src/config/load.js";
import { formulas } from "../../src/core/formulas/registry.js";
import { fillBusyStore, type BusyStore } from "../support/busy-store.js";
import { startHalflife, startServer } from "../support/halflife-process.js";

const KEY = "SweepBesideServerKey00000000000000000001";
const ATTRIBUTES = 30_000;

describe("a command-line sweep beside a server on one SQLite file", () => {
  let dir: string;
  let env: Record<string, string>;
  let busy: BusyStore;

  beforeAll(async () => {
    dir = mkdtempSync(path.join(tmpdir(), "halflife-beside-"));
    env = { HALFLIFE_DB: path.join(dir, "halflife.db"), HALFLIFE_ADMIN_KEY: KEY };
    const app = await openApp(loadConfig({ env: { ...env, HALFLIFE_LOG_LEVEL: "silent" } }), formulas);
    const started = await bootstrap(app.context, { adminKey: KEY });
    busy = await fillBusyStore(app.context.store, { attributes: ATTRIBUTES, orgId: started.hostOrg.id, userId: started.admin.id, now: Math.floor(Date.now() / 1000) });
    // A model over the swept type, so that every write also brings the decay index up to date.
    await app.context.store.transaction(async (tx) => {
      for (const model of await tx.models.list()) if (model.name.startsWith("NIDS")) await tx.models.update(model.id, { enabled: true });
    });
    await app.close();
  }, 180_000);
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it("lets every API write wait its turn and land while the sweep runs, and the sweep finishes", async () => {
    const server = await startServer(env, dir);
    try {
      const call = async (route: string, body: unknown) => {
        const response = await fetch(`${server.url}${route}`, {
          method: "POST",
          headers: { Authorization: KEY, Accept: "application/json", "Content-Type": "application/json" },
          body: JSON.stringify(body),
        });
        return { status: response.status, text: await response.text() };
      };
      const sweep = startHalflife(["sweep", "--json"], env, dir);
      let finished = false;
      void sweep.done.then(() => (finished = true));
      const statuses: number[] = [];
      const refused: string[] = [];
      let serial = 0;
      const analyst = async (n: number) => {
        while (!finished) {
          const i = serial++;
          const answer =
            n % 2 === 0
              ? await call(`/sightings/add/${busy.noisy[i % busy.noisy.length]}`, { type: 1 })
              : await call(`/attributes/edit/${busy.firstAttributeId + ((i * 13) % ATTRIBUTES)}`, { comment: `edit ${i}` });
          statuses.push(answer.status);
          if (answer.status !== 200) refused.push(`${answer.status} ${answer.text}`);
        }
      };
      await Promise.all([0, 1, 2, 3].map(analyst));
      const ran = await sweep.done;
      expect(ran.code, ran.stderr).toBe(0);
      const report = JSON.parse(ran.stdout);
      expect(report.failures).toEqual([]);
      expect(report.totals.attributesDisabled).toBeGreaterThan(busy.noisy.length / 2);
      expect(statuses.length).toBeGreaterThan(20);
      expect(refused).toEqual([]);
    } finally {
      await server.stop();
    }
  }, 180_000);
});
