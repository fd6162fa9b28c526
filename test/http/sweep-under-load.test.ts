// Long work beside ordinary traffic, on both stores: a sweep over thousands of attributes while
// analysts report sightings and edit attributes, and the index rebuild of a model enabled over
// them. No request may fail with a 5xx, no write may be lost, the sweep must finish, and the
// event loop must stay free: health checks answer, and no stretch of synchronous work holds the
// loop for long (see test/support/event-loop.ts for how that is told apart from a busy machine).
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { postgresAvailable } from "../support/databases.js";
import { fillBusyStore, type BusyStore } from "../support/busy-store.js";
import { watchEventLoop } from "../support/event-loop.js";
import { startInProcess, type InProcessApp } from "../support/in-process.js";

const dialects = [
  { name: "sqlite", available: true },
  { name: "postgres", available: postgresAvailable() },
] as const;

const ATTRIBUTES = 8_000;

/**
 * The longest stretch of the loop's own work allowed. On a quiet machine the sweep and the rebuild
 * hold it under 40 ms (docs/performance.md); before they were cut into slices, 300 ms to 1.9 s.
 * A machine shared with other work slows the same slice down (caches, frequency), so the bound
 * leaves room for that while still failing any slice that freezes the server.
 */
const LONGEST_WORK_MS = 250;

/** Calls the health check every 20 ms until `done` settles; returns each answer's status and time. */
async function healthChecks(api: InProcessApp, done: Promise<unknown>): Promise<Array<{ status: number; ms: number }>> {
  const samples: Array<{ status: number; ms: number }> = [];
  let finished = false;
  void done.finally(() => (finished = true));
  while (!finished) {
    const started = performance.now();
    const answer = await api.call("GET", "/halflife/health", undefined, { key: null });
    samples.push({ status: answer.status, ms: performance.now() - started });
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  return samples;
}

for (const dialect of dialects) {
  describe.skipIf(!dialect.available)(`long work beside traffic on ${dialect.name}`, () => {
    let api: InProcessApp;
    let busy: BusyStore;
    let modelId: number;

    beforeAll(async () => {
      api = await startInProcess({ dialect: dialect.name });
      busy = await fillBusyStore(api.context.store, { attributes: ATTRIBUTES, orgId: api.admin.org.id, userId: api.admin.user.id, now: api.now() });
      const added = await api.call("POST", "/decayingModel/add", {
        DecayingModel: { name: "Busy domains", formula: "Polynomial", parameters: { lifetime: 30, decay_speed: 2, threshold: 30 }, attribute_types: ["domain"] },
      });
      expect(added.status, added.text).toBe(200);
      modelId = Number(added.json.data.DecayingModel.id);
    }, 120_000);
    afterAll(async () => {
      await api?.close();
    });

    it("rebuilds a model's index over thousands of attributes while health checks answer and the event loop stays free", async () => {
      const watch = watchEventLoop();
      const enabling = api.call("POST", `/decayingModel/enable/${modelId}`);
      const samples = await healthChecks(api, enabling);
      const loop = watch.stop();
      expect((await enabling).status).toBe(200);
      expect(samples.every((s) => s.status === 200)).toBe(true);
      expect(loop.longestBusyMs, JSON.stringify(loop)).toBeLessThan(LONGEST_WORK_MS);
      expect((await api.context.store.decayIndex.rows([busy.firstAttributeId], [modelId])).length).toBe(1);
    });

    it("finishes a sweep while sightings and edits arrive, with no 5xx, no lost write, the event loop free, and the index equal to a rebuild", async () => {
      const sightingsBefore = (await api.call("POST", "/sightings/restSearch", { from: 0 })).json.response.length;
      const answers: number[] = [];
      const sighted: number[] = [];
      const comments = new Map<number, string>();
      let finished = false;
      const watch = watchEventLoop();
      const sweep = api.call("POST", "/halflife/sweeps", {});
      void sweep.finally(() => (finished = true));
      // Four analysts at once, each waiting for its answer before the next request: sightings on
      // the attributes the sweep is pulling (the worst case), and edits of others.
      let serial = 0;
      const analyst = async (n: number) => {
        while (!finished) {
          const i = serial++;
          const noisy = busy.noisy[i % busy.noisy.length]!;
          if (n % 2 === 0) {
            const answer = await api.call("POST", `/sightings/add/${noisy}`, { type: i % 3 === 0 ? 0 : 1 });
            answers.push(answer.status);
            if (answer.status === 200) sighted.push(noisy);
          } else {
            const quiet = busy.firstAttributeId + ((i * 7) % ATTRIBUTES);
            const comment = `edited ${i}`;
            const answer = await api.call("POST", `/attributes/edit/${quiet}`, { comment });
            answers.push(answer.status);
            if (answer.status === 200) comments.set(quiet, comment);
          }
        }
      };
      const health = healthChecks(api, sweep);
      await Promise.all([0, 1, 2, 3].map(analyst));
      const loop = watch.stop();
      const ran = await sweep;
      const samples = await health;

      expect(ran.status, ran.text).toBe(201);
      expect(ran.json.run.status).toBe("done");
      expect(ran.json.report.failures).toEqual([]);
      expect(ran.json.report.totals.attributesDisabled).toBeGreaterThan(busy.noisy.length / 2);
      expect(answers.length).toBeGreaterThan(0);
      expect(answers.filter((status) => status !== 200)).toEqual([]);
      expect(api.unexpectedErrors).toEqual([]);
      expect(samples.every((s) => s.status === 200)).toBe(true);
      expect(loop.longestBusyMs, JSON.stringify(loop)).toBeLessThan(LONGEST_WORK_MS);

      // No lost write: every sighting answered 200 is stored, every edit's last comment stands.
      const sightingsAfter = (await api.call("POST", "/sightings/restSearch", { from: 0 })).json.response.length;
      expect(sightingsAfter).toBe(sightingsBefore + sighted.length);
      for (const [id, comment] of comments) expect((await api.context.store.attributes.byId(id))!.comment).toBe(comment);
      // The sweep's changes are all recorded and applied.
      const changes = await api.context.store.sweeps.changes(Number(ran.json.run.id));
      expect(changes).toHaveLength(ran.json.report.totals.attributesDisabled);
      const flags = await api.context.store.attributes.byIds(changes.map((c) => Number(c.attributeId)));
      expect([...flags.values()].every((a) => !a.to_ids)).toBe(true);

      // The decay index kept up with every write: it equals one rebuilt from scratch.
      const ids = Array.from({ length: ATTRIBUTES }, (_, i) => busy.firstAttributeId + i);
      const sorted = (rows: Array<{ attribute_id: number; model_id: number }>) => [...rows].sort((a, b) => a.attribute_id - b.attribute_id || a.model_id - b.model_id);
      const kept = sorted(await api.context.store.decayIndex.rows(ids, [modelId]));
      const keptSummary = await api.context.store.decayIndex.summary(ids);
      await api.context.store.decayIndex.rebuildAll();
      expect(sorted(await api.context.store.decayIndex.rows(ids, [modelId]))).toEqual(kept);
      expect(await api.context.store.decayIndex.summary(ids)).toEqual(keptSummary);
    });
  });
}
