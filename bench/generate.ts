// A generated store for the benchmarks: N attributes over N/1000 events, M sightings, scoring
// tags, with Halflife's own first start (host organisation, admin key, taxonomies, default models).
// Rows are written with raw prepared statements in one transaction: generating a million rows
// through the API would measure the API, not what the benchmark is about. Cached between runs.
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { randomUUID } from "node:crypto";
import os from "node:os";
import path from "node:path";
import SqliteDatabase from "better-sqlite3";
import { bootstrap } from "../src/app/bootstrap.js";
import { openApp } from "../src/compose.js";
import { loadConfig } from "../src/config/load.js";
import { formulas } from "../src/core/formulas/registry.js";
import { seededRandom } from "../src/app/seeded-random.js";

export const BENCH_ADMIN_KEY = "BenchAdminKey000000000000000000000000001";

const TYPES: Array<[string, string, number]> = [
  ["domain", "Network activity", 0.3],
  ["ip-dst", "Network activity", 0.25],
  ["url", "Network activity", 0.15],
  ["ip-src", "Network activity", 0.1],
  ["md5", "Payload delivery", 0.1],
  ["sha256", "Payload delivery", 0.1],
];
const ATTRIBUTE_TAGS = ['false-positive:risk="low"', 'false-positive:risk="medium"', 'false-positive:risk="high"', 'phishing:state="active"', 'phishing:state="down"', "priority-level:high", "priority-level:low"];
const EVENT_TAGS = ["tlp:green", "tlp:amber", 'estimative-language:confidence-in-analytic-judgment="moderate"', 'estimative-language:likelihood-probability="likely"'];


export interface GeneratedStore {
  file: string;
  now: number;
  attributes: number;
  sightings: number;
  /** Seconds taken to generate (0 when reused). */
  generationSeconds: number;
  /** Seconds the decay index took to build for the enabled models (0 when reused). */
  indexSeconds: number;
  indexRows: number;
}

function value(type: string, i: number): string {
  const hex = (n: number, len: number) => n.toString(16).padStart(len, "0").slice(-len);
  switch (type) {
    case "domain":
      return `host${i}.bench.example`;
    case "url":
      return `https://host${i}.bench.example/p/${i % 97}`;
    case "ip-dst":
    case "ip-src":
      return `10.${(i >> 16) & 255}.${(i >> 8) & 255}.${i & 255}`;
    case "md5":
      return hex(i, 8).repeat(4);
    default:
      return hex(i, 8).repeat(8);
  }
}

export async function generatedStore(options: { attributes: number; sightings: number; now?: number }): Promise<GeneratedStore> {
  const now = options.now ?? 1_767_225_600;
  const dir = path.join(os.tmpdir(), "halflife-bench");
  mkdirSync(dir, { recursive: true });
  const file = path.join(dir, `store-${options.attributes}-${options.sightings}.db`);
  const metaFile = `${file}.meta.json`;
  if (existsSync(file) && existsSync(metaFile)) {
    const meta = JSON.parse(readFileSync(metaFile, "utf8")) as GeneratedStore;
    return { ...meta, generationSeconds: 0, indexSeconds: 0 };
  }
  for (const suffix of ["", "-wal", "-shm"]) rmSync(`${file}${suffix}`, { force: true });

  const started = performance.now();
  const config = loadConfig({ env: { HALFLIFE_DB: file, HALFLIFE_LOG_LEVEL: "silent" } });
  let app = await openApp(config, formulas, () => now);
  const boot = await bootstrap(app.context, { adminKey: BENCH_ADMIN_KEY });
  await app.close();

  const db = new SqliteDatabase(file);
  db.pragma("journal_mode = WAL");
  db.pragma("synchronous = OFF");
  const rnd = seededRandom(42);
  const tagIds = new Map<string, number>();
  const insertTag = db.prepare("insert into tags (name, colour, numerical_value) values (?, '#336699', (select coalesce(e.numerical_value, p.numerical_value) from taxonomies t join taxonomy_predicates p on p.taxonomy_id = t.id left join taxonomy_entries e on e.taxonomy_predicate_id = p.id where (? = t.namespace || ':' || p.value || '=\"' || e.value || '\"') or (e.id is null and ? = t.namespace || ':' || p.value) limit 1)) returning id");
  const insertEvent = db.prepare("insert into events (uuid, org_id, orgc_id, user_id, info, date, threat_level_id, analysis, distribution, published, publish_timestamp, timestamp) values (?, ?, ?, ?, ?, ?, 2, 2, 1, 1, ?, ?)");
  const insertEventTag = db.prepare("insert into event_tags (event_id, tag_id) values (?, ?)");
  const insertAttribute = db.prepare("insert into attributes (uuid, event_id, category, type, value, value1, to_ids, timestamp, distribution) values (?, ?, ?, ?, ?, ?, ?, ?, 5)");
  const insertAttributeTag = db.prepare("insert into attribute_tags (attribute_id, event_id, tag_id) values (?, ?, ?)");
  const insertSighting = db.prepare("insert into sightings (uuid, attribute_id, event_id, org_id, date_sighting, source, type) values (?, ?, ?, ?, ?, '', ?)");

  db.transaction(() => {
    for (const name of [...ATTRIBUTE_TAGS, ...EVENT_TAGS]) tagIds.set(name, (insertTag.get(name, name, name) as { id: number }).id);
    const perEvent = 1_000;
    let attributeId = 0;
    const eventOf: number[] = [];
    for (let e = 0; e < Math.ceil(options.attributes / perEvent); e++) {
      const when = now - Math.floor(rnd() * 300 * 86_400);
      const eventId = Number(insertEvent.run(randomUUID(), boot.hostOrg.id, boot.hostOrg.id, boot.admin.id, `Generated event ${e}`, new Date(when * 1000).toISOString().slice(0, 10), when, when).lastInsertRowid);
      insertEventTag.run(eventId, tagIds.get(EVENT_TAGS[e % 2]!)!);
      if (rnd() < 0.5) insertEventTag.run(eventId, tagIds.get(EVENT_TAGS[2 + (e % 2)]!)!);
      for (let i = 0; i < perEvent && attributeId < options.attributes; i++) {
        attributeId++;
        let pick = rnd();
        const [type, category] = TYPES.find(([, , share]) => (pick -= share) < 0) ?? TYPES[0]!;
        const v = value(type, attributeId);
        const id = Number(insertAttribute.run(randomUUID(), eventId, category, type, v, v, rnd() < 0.9 ? 1 : 0, now - Math.floor(rnd() * 300 * 86_400)).lastInsertRowid);
        eventOf[id] = eventId;
        if (rnd() < 0.3) insertAttributeTag.run(id, eventId, tagIds.get(ATTRIBUTE_TAGS[Math.floor(rnd() * ATTRIBUTE_TAGS.length)]!)!);
      }
    }
    for (let s = 0; s < options.sightings; s++) {
      const attribute = 1 + Math.floor(rnd() * options.attributes);
      const roll = rnd();
      insertSighting.run(randomUUID(), attribute, eventOf[attribute]!, boot.hostOrg.id, now - Math.floor(rnd() * 200 * 86_400), roll < 0.7 ? 0 : roll < 0.95 ? 1 : 2);
    }
  })();
  db.pragma("wal_checkpoint(TRUNCATE)");
  db.close();
  const generationSeconds = (performance.now() - started) / 1000;

  // Enable the NIDS and Phishing models the way an administrator would: the index is built then.
  app = await openApp(config, formulas, () => now);
  const indexStarted = performance.now();
  await app.context.store.transaction(async (tx) => {
    for (const model of await tx.models.list()) if (model.name.startsWith("NIDS") || model.name.startsWith("Phishing")) await tx.models.update(model.id, { enabled: true });
  });
  const indexSeconds = (performance.now() - indexStarted) / 1000;
  const indexRows = (await app.context.store.decayIndex.rows([], [])).length;
  await app.close();
  const counted = new SqliteDatabase(file, { readonly: true });
  const rows = (counted.prepare("select count(*) as n from decay_index").get() as { n: number }).n;
  counted.close();

  const result: GeneratedStore = { file, now, attributes: options.attributes, sightings: options.sightings, generationSeconds, indexSeconds, indexRows: rows || indexRows };
  writeFileSync(metaFile, JSON.stringify(result));
  return result;
}
