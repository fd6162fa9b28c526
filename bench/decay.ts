// Decay-scored searches on a generated store (default 1M attributes, 5M sightings; set
// HALFLIFE_BENCH_ATTRIBUTES / HALFLIFE_BENCH_SIGHTINGS to change): the first excludeDecayed page
// and a full scored export over real HTTP, and the same two done MISP's way side by side (one
// sighting query per attribute and model, filtering after pagination).
import SqliteDatabase from "better-sqlite3";
import { openApp } from "../src/compose.js";
import { loadConfig } from "../src/config/load.js";
import { computeBaseScore } from "../src/core/base-score.js";
import { formulas } from "../src/core/formulas/registry.js";
import { scoreAttribute } from "../src/core/score.js";
import { createHttpApp, listen } from "../src/http/server.js";
import { createMetrics } from "../src/http/metrics.js";
import { BENCH_ADMIN_KEY, generatedStore } from "./generate.js";
import type { BenchResult } from "./report.js";

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;

async function post(url: string, body: unknown): Promise<{ ms: number; bytes: number; text: string; count: string | null }> {
  const started = performance.now();
  const response = await fetch(`${url}/attributes/restSearch`, {
    method: "POST",
    headers: { Authorization: BENCH_ADMIN_KEY, Accept: "application/json", "Content-Type": "application/json" },
    body: JSON.stringify(body),
  });
  const text = await response.text();
  if (response.status !== 200) throw new Error(`restSearch answered ${response.status}: ${text.slice(0, 200)}`);
  return { ms: performance.now() - started, bytes: text.length, text, count: response.headers.get("x-result-count") };
}

/** Reads a streamed answer chunk by chunk, counting bytes: a scored JSON export of 1M attributes is larger than one string may be. */
async function drain(url: string, body: unknown, returnFormat: "json" | "csv"): Promise<{ seconds: number; bytes: number }> {
  const started = performance.now();
  const response = await fetch(`${url}/attributes/restSearch`, {
    method: "POST",
    headers: { Authorization: BENCH_ADMIN_KEY, Accept: "application/json", "Content-Type": "application/json" },
    body: JSON.stringify({ ...(body as object), returnFormat }),
  });
  if (response.status !== 200 || !response.body) throw new Error(`restSearch answered ${response.status}: ${(await response.text()).slice(0, 200)}`);
  let bytes = 0;
  for await (const chunk of response.body) bytes += (chunk as Uint8Array).byteLength;
  return { seconds: (performance.now() - started) / 1000, bytes };
}

/**
 * The floor under any export from this store: SQLite alone handing over, as raw arrays with no
 * Halflife code, the attribute columns a CSV line needs, the decay-index rows and the tag links.
 */
function sqliteFloor(file: string): { seconds: number; attributes: number } {
  const db = new SqliteDatabase(file, { readonly: true });
  const started = performance.now();
  let attributes = 0;
  const read = (query: string) => {
    let n = 0;
    for (const row of db.prepare(query).raw().iterate()) if (row) n++;
    return n;
  };
  attributes = read("select id, uuid, event_id, category, type, value1, value2, comment, to_ids, timestamp, object_relation, object_id from attributes where deleted = 0 order by id");
  read("select attribute_id, model_id, base_score, ref_time from decay_index order by attribute_id");
  read("select at.attribute_id, t.name from attribute_tags at join tags t on t.id = at.tag_id order by at.attribute_id");
  const seconds = (performance.now() - started) / 1000;
  db.close();
  return { seconds, attributes };
}

/** MISP's way: a page of attributes, then one latest-sighting query per attribute and model, then the filter. */
function mispWay(file: string, now: number, limit: number, offset: number) {
  const db = new SqliteDatabase(file, { readonly: true });
  const models = (db.prepare("select id, formula, parameters, attribute_types from decaying_models where enabled = 1").all() as Array<{ id: number; formula: string; parameters: string; attribute_types: string }>).map((m) => ({
    id: m.id,
    model: { formula: m.formula, parameters: JSON.parse(m.parameters) },
    types: new Set(JSON.parse(m.attribute_types) as string[]),
  }));
  const page = db.prepare("select id, event_id, type, timestamp, last_seen from attributes where deleted = 0 order by id limit ? offset ?");
  const lastSighting = db.prepare("select max(date_sighting) as last from sightings where attribute_id = ? and type = 0");
  const tags = db.prepare("select t.name, t.numerical_value from attribute_tags at join tags t on t.id = at.tag_id where at.attribute_id = ?");
  const eventTags = db.prepare("select t.name, t.numerical_value from event_tags et join tags t on t.id = et.tag_id where et.event_id = ?");
  const eventTagCache = new Map<number, unknown[]>();
  let kept = 0;
  const rows = page.all(limit, offset) as Array<{ id: number; event_id: number; type: string; timestamp: number; last_seen: number | null }>;
  for (const a of rows) {
    const links = (list: unknown[]) => (list as Array<{ name: string; numerical_value: number | null }>).map((t) => ({ Tag: t }));
    if (!eventTagCache.has(a.event_id)) eventTagCache.set(a.event_id, eventTags.all(a.event_id));
    const input = { timestamp: a.timestamp, last_seen: null, AttributeTag: links(tags.all(a.id)), EventTag: links(eventTagCache.get(a.event_id)!) };
    const verdicts: boolean[] = [];
    for (const m of models) {
      if (!m.types.has(a.type)) continue;
      const last = (lastSighting.get(a.id) as { last: number | null }).last;
      const { baseScore } = computeBaseScore(m.model, input);
      verdicts.push(scoreAttribute(m.model, input, { now, formulas, baseScore, lastSighting: last }).decayed);
    }
    if (verdicts.length === 0 || verdicts.some((d) => !d)) kept++;
  }
  db.close();
  return { returned: kept, scanned: rows.length };
}

export async function benchDecay(): Promise<BenchResult[]> {
  const attributes = Number(process.env.HALFLIFE_BENCH_ATTRIBUTES ?? 1_000_000);
  const sightings = Number(process.env.HALFLIFE_BENCH_SIGHTINGS ?? attributes * 5);
  const store = await generatedStore({ attributes, sightings });
  const results: BenchResult[] = [];
  if (store.generationSeconds > 0) {
    results.push({ name: "decay: generate the store (once, cached)", value: store.generationSeconds, unit: "s", note: `${attributes} attributes, ${sightings} sightings` });
    results.push({ name: "decay: build the index for 2 models", value: store.indexSeconds, unit: "s", note: `${store.indexRows} rows` });
  }

  const config = loadConfig({ env: { HALFLIFE_DB: store.file, HALFLIFE_LOG_LEVEL: "silent" } });
  const app = await openApp(config, formulas, () => store.now);
  await app.refreshHostOrg();
  const silent = { error: () => {}, info: () => {} };
  const { app: http } = createHttpApp({ context: app.context, bodyLimit: 1e6, log: silent, metrics: createMetrics(), version: "bench" });
  const { server, url } = await listen(http, "127.0.0.1", 0);
  try {
    /** One warm-up, then the median of `runs` timings, with the X-Result-Count of the last. */
    const timedPage = async (body: Record<string, unknown>, runs: number) => {
      await post(url, body);
      const times = [];
      let count: string | null = null;
      for (let i = 0; i < runs; i++) {
        const r = await post(url, body);
        times.push(r.ms);
        count = r.count;
      }
      return { ms: median(times), count };
    };
    const firstPage = { excludeDecayed: 1, limit: 100, page: 1 };
    const plain = await timedPage(firstPage, 5);
    results.push({ name: "decay: first excludeDecayed page (100)", value: plain.ms, unit: "ms", target: "< 50", ok: plain.ms < 50, note: `X-Result-Count ${plain.count}` });

    // The same page narrowed by filters: the count can no longer come from whole-table counts.
    const filtered: Array<[string, Record<string, unknown>]> = [
      ["to_ids", { to_ids: 1 }],
      ["to_ids + type ip-dst", { to_ids: 1, type: "ip-dst" }],
      ["last 30d", { last: "30d" }],
      ["an event tag", { tags: ["tlp:amber"] }],
    ];
    for (const [label, filters] of filtered) {
      const page = await timedPage({ ...firstPage, ...filters }, 3);
      results.push({ name: `decay: first excludeDecayed page, ${label}`, value: page.ms, unit: "ms", note: `X-Result-Count ${page.count}` });
    }

    for (const returnFormat of ["json", "csv"] as const) {
      const exported = await drain(url, { includeDecayScore: 1 }, returnFormat);
      const rate = attributes / exported.seconds;
      results.push({ name: `decay: full scored export (${returnFormat})`, value: rate / 1000, unit: "k attributes/s", target: "≥ 500", ok: rate >= 500_000, note: `${(exported.bytes / 1e6).toFixed(0)} MB in ${exported.seconds.toFixed(1)} s` });
    }
    const floor = sqliteFloor(store.file);
    results.push({ name: "decay: SQLite's floor: the rows an export reads, raw", value: floor.attributes / floor.seconds / 1000, unit: "k attributes/s", note: `${floor.seconds.toFixed(1)} s, no Halflife code` });
    const fresh = await drain(url, { includeDecayScore: 1, excludeDecayed: 1 }, "csv");
    results.push({ name: "decay: scored export of the fresh only (csv)", value: attributes / fresh.seconds / 1000, unit: "k attributes/s of the store", note: `${(fresh.bytes / 1e6).toFixed(0)} MB in ${fresh.seconds.toFixed(1)} s` });

    const mispPage = [];
    let returned = 0;
    for (let i = 0; i < 3; i++) {
      const t = performance.now();
      returned = mispWay(store.file, store.now, 100, 0).returned;
      mispPage.push(performance.now() - t);
    }
    results.push({ name: "decay: MISP's way, first page (100 asked)", value: median(mispPage), unit: "ms", note: `${returned} returned: filtered after paging` });
    const sample = Math.min(20_000, attributes);
    const t = performance.now();
    mispWay(store.file, store.now, sample, 0);
    const mispRate = sample / ((performance.now() - t) / 1000);
    results.push({ name: "decay: MISP's way, scored export", value: mispRate / 1000, unit: "k attributes/s", note: `measured on ${sample} attributes, scoring only (no JSON)` });
  } finally {
    await new Promise<void>((resolve) => server.close(() => resolve()));
    await app.close();
  }
  return results;
}
