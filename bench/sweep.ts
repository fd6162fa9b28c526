// The false-positive sweep on a generated SQLite store of 1M to_ids attributes and 5M sightings
// (SPEC §11: under 10 s), and, side by side, PyMISP's falsepositive_disabletoids.py request pattern
// (one restSearch, then events/view + attributes/edit + events/publish per pulled attribute) over
// HTTP against the same server, on a 10k-attribute sample, scaled per attribute.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import SqliteDatabase from "better-sqlite3";
import { bootstrap } from "../src/app/bootstrap.js";
import { runSweep } from "../src/app/run-sweep.js";
import { openApp } from "../src/compose.js";
import { loadConfig } from "../src/config/load.js";
import { countSightings, decide, DEFAULT_SWEEP_RULE } from "../src/core/sweep-rule.js";
import { formulas } from "../src/core/formulas/registry.js";
import { createHttpApp, listen } from "../src/http/server.js";
import { createMetrics } from "../src/http/metrics.js";
import { MispClient } from "../src/misp/client.js";
import type { BenchResult } from "./report.js";
import { seededRandom } from "../src/app/seeded-random.js";

const ATTRIBUTES = Number(process.env.BENCH_SWEEP_ATTRIBUTES ?? 1_000_000);
const SIGHTINGS_PER_ATTRIBUTE = 5;
const PER_EVENT = 50;
const SAMPLE = 10_000;
const NOW = 1_767_225_600;
const ADMIN_KEY = "BenchAdminKey000000000000000000000000001";


const uuid = (kind: number, n: number) => `${kind.toString(16).padStart(8, "0")}-0000-4000-8000-${n.toString(16).padStart(12, "0")}`;

/**
 * One transaction of prepared statements, straight into SQLite. One attribute in ten is noisy
 * (each sighting a false positive with probability 0.7); the rest get a false positive now and
 * then (0.03), as real feeds do.
 */
export function generateForBench(file: string, orgId: number): void {
  const db = new SqliteDatabase(file);
  db.pragma("journal_mode = WAL");
  db.pragma("synchronous = OFF");
  db.pragma("cache_size = -1048576");
  const event = db.prepare(
    `insert into events (id, uuid, org_id, orgc_id, user_id, info, date, threat_level_id, analysis, distribution, sharing_group_id, published,
       publish_timestamp, timestamp, locked, disable_correlation, extends_uuid) values (?, ?, ?, ?, 1, ?, '2025-12-01', 2, 2, 1, 0, 1, ?, ?, 0, 0, '')`,
  );
  const attribute = db.prepare(
    `insert into attributes (id, uuid, event_id, object_id, object_relation, category, type, value, value1, value2, to_ids, comment, distribution,
       sharing_group_id, timestamp, first_seen, last_seen, deleted, disable_correlation) values (?, ?, ?, 0, null, 'Network activity', 'domain', ?, ?, '', 1, '', 5, 0, ?, null, null, 0, 0)`,
  );
  const sighting = db.prepare(`insert into sightings (id, uuid, attribute_id, event_id, org_id, date_sighting, source, type) values (?, ?, ?, ?, ?, ?, '', ?)`);
  const rnd = seededRandom(20_260_101);
  // Secondary indexes are built faster once, after the load, than row by row during it; their
  // definitions are read back from the schema, so they stay those of the migrations.
  const indexes = db
    .prepare("select name, sql from sqlite_master where type = 'index' and sql is not null and tbl_name in ('attributes', 'sightings')")
    .all() as Array<{ name: string; sql: string }>;
  for (const index of indexes) db.exec(`drop index "${index.name}"`);
  db.transaction(() => {
    let sightingId = 0;
    for (let e = 1; e <= ATTRIBUTES / PER_EVENT; e++) event.run(e, uuid(1, e), orgId, orgId, `Generated event ${e}`, NOW - 86_400, NOW - 86_400);
    for (let a = 1; a <= ATTRIBUTES; a++) {
      const eventId = Math.ceil(a / PER_EVENT);
      const value = `host${a}.bench.example`;
      attribute.run(a, uuid(2, a), eventId, value, value, NOW - 30 * 86_400);
      const fpShare = rnd() < 0.1 ? 0.7 : 0.03;
      for (let s = 0; s < SIGHTINGS_PER_ATTRIBUTE; s++) {
        sightingId++;
        sighting.run(sightingId, uuid(3, sightingId), a, eventId, orgId, NOW - 1 - Math.floor(rnd() * 20 * 86_400), rnd() < fpShare ? 1 : 0);
      }
    }
  })();
  for (const index of indexes) db.exec(index.sql);
  db.pragma("wal_checkpoint(TRUNCATE)");
  db.close();
}

export async function benchSweep(): Promise<BenchResult[]> {
  const dir = mkdtempSync(path.join(tmpdir(), "halflife-bench-sweep-"));
  const file = path.join(dir, "bench.db");
  try {
    const config = loadConfig({ env: { HALFLIFE_DB: file, HALFLIFE_LOG_LEVEL: "silent" } });
    const setup = await openApp(config, formulas, () => NOW);
    const started = await bootstrap(setup.context, { adminKey: ADMIN_KEY });
    await setup.close();

    let t = performance.now();
    generateForBench(file, started.hostOrg.id);
    const generateSeconds = (performance.now() - t) / 1000;

    const app = await openApp(config, formulas, () => NOW);
    await app.refreshHostOrg();
    const silent = { error: () => {}, info: () => {} };
    const { app: http } = createHttpApp({ context: app.context, bodyLimit: 5 * 1024 * 1024, log: silent, metrics: createMetrics(), version: "bench" });
    const { server, url } = await listen(http, "127.0.0.1", 0);

    // The script's pattern, over HTTP, on the first 10k attributes (200 events).
    const client = new MispClient({ baseUrl: url, key: ADMIN_KEY, retries: 0, timeoutMs: 600_000 });
    const sampleEvents = Array.from({ length: SAMPLE / PER_EVENT }, (_, i) => String(i + 1));
    t = performance.now();
    const found = await client.restSearchAttributes({ to_ids: 1, includeSightings: 1, eventid: sampleEvents });
    let requests = 1;
    let pulled = 0;
    for (const attribute of found) {
      const decision = decide(countSightings(attribute.Sighting, DEFAULT_SWEEP_RULE.cutoff), DEFAULT_SWEEP_RULE);
      if (!decision.disable) continue;
      await client.getEvent(attribute.event_id);
      await client.editAttribute(attribute.uuid, { uuid: attribute.uuid, to_ids: 0 });
      await client.publishEvent(attribute.event_id);
      requests += 3;
      pulled++;
    }
    const scriptSeconds = (performance.now() - t) / 1000;
    await client.close();
    await new Promise<void>((resolve) => server.close(() => resolve()));

    // Halflife's own sweep, on the whole store (the sample is swept already).
    t = performance.now();
    const report = await runSweep(app.context, null, { rule: DEFAULT_SWEEP_RULE, origin: "cli" });
    const sweepSeconds = (performance.now() - t) / 1000;
    await app.close();

    const perAttributeMs = (scriptSeconds / found.length) * 1000;
    const scale = `${(ATTRIBUTES / 1e6).toFixed(ATTRIBUTES % 1e6 ? 2 : 0)}M`;
    return [
      { name: `sweep: generate ${scale} attributes, ${SIGHTINGS_PER_ATTRIBUTE * ATTRIBUTES / 1e6}M sightings`, value: generateSeconds, unit: "s" },
      {
        name: `sweep: local, ${scale} to_ids attributes`,
        value: sweepSeconds,
        unit: "s",
        target: "< 10",
        ok: sweepSeconds < 10,
        note: `${report.totals.attributesChecked} checked, ${report.totals.attributesDisabled} pulled, ${report.totals.eventsRepublished} events republished`,
      },
      {
        name: "sweep: script pattern over HTTP, 10k sample",
        value: perAttributeMs,
        unit: "ms per attribute",
        note: `${found.length} attributes, ${pulled} pulled, ${requests} requests in ${scriptSeconds.toFixed(1)} s`,
      },
      {
        name: `sweep: script pattern projected to ${scale}`,
        value: (perAttributeMs * ATTRIBUTES) / 1000 / 60,
        unit: "min",
        note: `local sweep is ${((perAttributeMs * ATTRIBUTES) / 1000 / sweepSeconds).toFixed(0)}× faster`,
      },
    ];
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
