// sightings/restSearch on a store with many sightings: the answer streams (the memory the server
// keeps while it is read stays far below its size), and `limit`/`page` page it as MISP does.
import { setFlagsFromString } from "node:v8";
import { runInNewContext } from "node:vm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ADMIN_KEY, startInProcess, type InProcessApp } from "../support/in-process.js";

setFlagsFromString("--expose-gc");
const collect = runInNewContext("gc") as () => void;

const SIGHTINGS = 60_000;
const SOURCE = "s".repeat(200);

describe("a large sightings/restSearch answer", () => {
  let api: InProcessApp;
  let attributeIds: number[];

  beforeAll(async () => {
    api = await startInProcess();
    const event = (
      await api.call("POST", "/events/add", { info: "sighted a lot", Attribute: Array.from({ length: 20 }, (_, i) => ({ type: "domain", value: `seen-${i}.example` })) })
    ).json.Event;
    attributeIds = event.Attribute.map((a: { id: string }) => Number(a.id));
    // Written through the store's bulk insert: the setup is not what is measured.
    await api.context.store.transaction((tx) =>
      tx.sightings.insertMany(
        Array.from({ length: SIGHTINGS }, (_, i) => ({
          uuid: `00000000-0000-4000-8000-${i.toString(16).padStart(12, "0")}`,
          attribute_id: attributeIds[i % attributeIds.length]!,
          event_id: Number(event.id),
          org_id: api.admin.org.id,
          // Many sightings share a second, so that paging has to break ties by id.
          date_sighting: api.now() - 86_400 + Math.floor(i / 7),
          source: SOURCE,
          type: (i % 3) as 0 | 1 | 2,
        })),
      ),
    );
  }, 120_000);
  afterAll(async () => {
    await api?.close();
  });

  async function retained(): Promise<number> {
    collect();
    collect();
    return process.memoryUsage().heapUsed;
  }

  it("streams every sighting with its attribute and event while memory stays flat", async () => {
    const baseline = await retained();
    const response = await api.app.request("http://halflife.test/sightings/restSearch", {
      method: "POST",
      headers: { Authorization: ADMIN_KEY, "Content-Type": "application/json" },
      body: JSON.stringify({ from: 0, includeAttribute: 1, includeEvent: 1 }),
    });
    expect(response.status).toBe(200);
    const reader = response.body!.getReader();
    const decoder = new TextDecoder();
    let text = "";
    let bytes = 0;
    let chunks = 0;
    let first = -1;
    let peak = 0;
    let sightings = 0;
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      bytes += value.byteLength;
      text += decoder.decode(value, { stream: true });
      // Count and drop what arrived, keeping only an unfinished tail.
      sightings += text.match(/"Sighting":/g)?.length ?? 0;
      text = text.slice(text.lastIndexOf('"Sighting":') + 1);
      if (first < 0) first = (await retained()) - baseline;
      if (++chunks % 5 === 0) peak = Math.max(peak, (await retained()) - baseline);
    }
    expect(sightings).toBe(SIGHTINGS);
    // Over 30 MB of JSON; built in memory, all of it would be held before the first byte left.
    expect(bytes).toBeGreaterThan(30_000_000);
    expect(chunks).toBeGreaterThan(10);
    expect(first).toBeLessThan(bytes / 5);
    expect(peak).toBeLessThan(bytes / 3);
  }, 120_000);

  it("pages with limit and page, oldest first, in the order of the whole answer", async () => {
    const ids = async (body: Record<string, unknown>) => (await api.call("POST", "/sightings/restSearch", { from: 0, ...body })).json.response.map((r: any) => Number(r.Sighting.id));
    const all = await ids({ limit: 3_000 });
    expect(all).toHaveLength(3_000);
    expect(await ids({ limit: 1_000, page: 3 })).toEqual(all.slice(2_000, 3_000));
    const pages: number[] = [];
    for (let page = 1; page <= 3; page++) pages.push(...(await ids({ limit: "1000", page: String(page) })));
    expect(pages).toEqual(all);
    expect(await ids({ limit: 2_500 })).toEqual(all.slice(0, 2_500));
    const beyond = await api.call("POST", "/sightings/restSearch", { from: 0, limit: 1_000, page: 61 });
    expect(beyond.status).toBe(200);
    expect(beyond.json).toEqual({ response: [] });
  });

  it.each([
    [{ limit: 0 }, "limit"],
    [{ limit: -5 }, "limit"],
    [{ page: 2 }, "page"],
    [{ limit: 1_000_000, page: 9_007_199_256 }, "page"],
    [{ limit: "many" }, "limit"],
  ])("refuses %j with a 400 naming %s", async (paging, field) => {
    const answer = await api.call("POST", "/sightings/restSearch", { from: 0, ...paging });
    expect(answer.status).toBe(400);
    expect(answer.json.errors).toHaveProperty([field]);
  });
});
