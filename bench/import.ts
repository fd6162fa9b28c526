// Bulk import through the real import path (`halflife import`: validation, then one transaction
// per event with batched inserts), in attributes per second. Target (SPEC §11): ≥ 100k/s on SQLite.
import { importEvents, prepareImport } from "../src/app/import-events.js";
import { generateEvents, timed } from "./events.js";
import type { BenchResult } from "./report.js";
import { openBenchStore } from "./store.js";

export async function benchImport(): Promise<BenchResult[]> {
  const events = Number(process.env.BENCH_IMPORT_EVENTS ?? 100);
  const perEvent = Number(process.env.BENCH_IMPORT_ATTRIBUTES ?? 1_000);
  const store = await openBenchStore();
  try {
    const documents = [{ source: "generated", document: generateEvents(events, perEvent) }];
    const now = Math.floor(Date.now() / 1000);
    const prepared = await timed(async () => prepareImport(documents, now));
    const written = await timed(() => importEvents(store.context, store.admin, prepared.result));
    const attributes = written.result.attributes;
    const total = prepared.seconds + written.seconds;
    return [
      {
        name: `import: ${attributes.toLocaleString("en")} attributes (${store.label})`,
        value: attributes / total / 1000,
        unit: "k attributes/s",
        target: "≥ 100",
        ok: attributes / total >= 100_000,
        note: `validation ${prepared.seconds.toFixed(2)} s, writing ${written.seconds.toFixed(2)} s`,
      },
    ];
  } finally {
    await store.close();
  }
}
