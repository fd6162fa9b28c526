// A large attributes/restSearch answer streams: the memory the server keeps while the answer is
// read stays far below the size of the answer. Measured coarsely, after forced collections.
import { setFlagsFromString } from "node:v8";
import { runInNewContext } from "node:vm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { importEvents, prepareImport } from "../../src/app/import-events.js";
import { ADMIN_KEY, startInProcess, type InProcessApp } from "../support/in-process.js";

setFlagsFromString("--expose-gc");
const collect = runInNewContext("gc") as () => void;

const ATTRIBUTES = 40_000;
const PER_EVENT = 2_000;
const COMMENT = "c".repeat(500);

describe("a large attributes/restSearch answer", () => {
  let api: InProcessApp;

  beforeAll(async () => {
    api = await startInProcess();
    // Written through the import use-case: the setup is not what is measured.
    const events = Array.from({ length: ATTRIBUTES / PER_EVENT }, (_, e) => ({
      Event: {
        info: `bulk ${e}`,
        Attribute: Array.from({ length: PER_EVENT }, (_, i) => ({ type: "domain", value: `host-${e}-${i}.example`, comment: COMMENT, to_ids: true })),
      },
    }));
    const report = await importEvents(api.context, api.admin, prepareImport([{ source: "generated", document: events }], api.now()));
    expect(report.attributes).toBe(ATTRIBUTES);
  }, 120_000);
  afterAll(async () => {
    await api?.close();
  });

  async function retained(): Promise<number> {
    collect();
    collect();
    return process.memoryUsage().heapUsed;
  }

  it.each(["json", "csv"])("streams %s while memory stays flat", async (returnFormat) => {
    const baseline = await retained();
    const response = await api.app.request("http://halflife.test/attributes/restSearch", {
      method: "POST",
      headers: { Authorization: ADMIN_KEY, "Content-Type": "application/json" },
      body: JSON.stringify({ returnFormat, includeSightings: 1 }),
    });
    expect(response.status).toBe(200);
    expect(response.headers.get("x-result-count")).toBe(String(ATTRIBUTES));
    const reader = response.body!.getReader();
    const decoder = new TextDecoder();
    let bytes = 0;
    let peak = 0;
    let chunks = 0;
    let tail = "";
    let values = 0;
    let first = -1;
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      bytes += value.byteLength;
      const text = tail + decoder.decode(value, { stream: true });
      values += text.match(/host-\d+-\d+\.example/g)?.length ?? 0;
      tail = text.slice(-40).replace(/^.*host-\d+-\d+\.example/s, "");
      if (first < 0) first = (await retained()) - baseline;
      if (++chunks % 3 === 0) peak = Math.max(peak, (await retained()) - baseline);
    }
    expect(values).toBe(ATTRIBUTES);
    // The answer is over 20 MB; a server that built it in memory would keep all of it at once
    // before the first byte left. Streaming keeps a few pages of 2,000 attributes.
    expect(bytes).toBeGreaterThan(20_000_000);
    expect(chunks).toBeGreaterThan(10);
    expect(first).toBeLessThan(bytes / 5);
    expect(peak).toBeLessThan(bytes / 3);
  }, 120_000);
});
