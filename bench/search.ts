// attributes/restSearch over real HTTP on 100k attributes: the latency of a first page, and the
// throughput of a full export (JSON and CSV) streamed to the client. SPEC §11 sets its targets
// for scored exports (500k/s) and excludeDecayed pages (< 50 ms) on 1M attributes; these are the
// unscored figures the decay work builds on.
import { importEvents, prepareImport } from "../src/app/import-events.js";
import { createMetrics } from "../src/http/metrics.js";
import { createHttpApp, listen } from "../src/http/server.js";
import { generateEvents, timed } from "./events.js";
import type { BenchResult } from "./report.js";
import { BENCH_KEY, openBenchStore } from "./store.js";

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;

export async function benchSearch(): Promise<BenchResult[]> {
  const total = Number(process.env.BENCH_SEARCH_ATTRIBUTES ?? 100_000);
  const store = await openBenchStore();
  const { app } = createHttpApp({ context: store.context, bodyLimit: 1 << 20, log: { error: () => {}, info: () => {} }, metrics: createMetrics(), version: "bench" });
  const { server, url } = await listen(app, "127.0.0.1", 0);
  try {
    const now = Math.floor(Date.now() / 1000);
    await importEvents(store.context, store.admin, prepareImport([{ source: "generated", document: generateEvents(total / 1000, 1000, 2) }], now));

    const search = async (body: Record<string, unknown>) => {
      const response = await fetch(`${url}/attributes/restSearch`, {
        method: "POST",
        headers: { Authorization: BENCH_KEY, Accept: "application/json", "Content-Type": "application/json" },
        body: JSON.stringify(body),
      });
      let bytes = 0;
      for await (const chunk of response.body!) bytes += (chunk as Uint8Array).byteLength;
      if (response.status !== 200) throw new Error(`restSearch answered ${response.status}`);
      return { bytes, count: Number(response.headers.get("x-result-count")) };
    };

    const firstPage = async (body: Record<string, unknown>) => {
      await search(body); // warm up
      const runs: number[] = [];
      for (let i = 0; i < 15; i++) runs.push((await timed(() => search(body))).seconds * 1000);
      return median(runs);
    };
    const page = await firstPage({ limit: 100, page: 1 });
    const filtered = await firstPage({ type: "domain", to_ids: 1, limit: 100, page: 1 });
    const tagged = await firstPage({ tags: 'false-positive:risk="low"', limit: 100, page: 1, includeSightings: 1 });

    const json = await timed(() => search({ returnFormat: "json" }));
    const csv = await timed(() => search({ returnFormat: "csv" }));
    const label = `${total.toLocaleString("en")} attributes, ${store.label}`;
    return [
      { name: `search: first page of 100 (${label})`, value: page, unit: "ms", note: "median of 15" },
      { name: "search: first page, type + to_ids filter", value: filtered, unit: "ms", note: "median of 15" },
      { name: "search: first page, tag filter + sightings", value: tagged, unit: "ms", note: "median of 15" },
      {
        name: "search: full JSON export over HTTP",
        value: json.result.count / json.seconds / 1000,
        unit: "k attributes/s",
        note: `${(json.result.bytes / 1e6).toFixed(0)} MB in ${json.seconds.toFixed(2)} s`,
      },
      {
        name: "search: full CSV export over HTTP",
        value: csv.result.count / csv.seconds / 1000,
        unit: "k attributes/s",
        note: `${(csv.result.bytes / 1e6).toFixed(0)} MB in ${csv.seconds.toFixed(2)} s`,
      },
    ];
  } finally {
    await new Promise<void>((resolve) => server.close(() => resolve()));
    await store.close();
  }
}
