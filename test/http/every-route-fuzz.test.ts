// Seeded random and hostile requests at every route of the route table (the OpenAPI document's),
// on SQLite: never a 5xx, every refusal in MISP's error JSON, and no refusal writes anything (a
// signature of every table is compared around each one). The PostgreSQL half of the run is in
// every-route-fuzz-postgres.test.ts. Replay a run with FUZZ_SEED=<the seed a failure names>, or
// explore with FUZZ_SEED=random; FUZZ_REQUESTS changes the run's length.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startInProcess, type InProcessApp } from "../support/in-process.js";
import { everyRouteFuzzSuite } from "../support/route-fuzz-suite.js";

everyRouteFuzzSuite({ dialect: "sqlite", available: true, seed: 20_260_101, requests: 7_000 });

describe("the route table's hostile basics, on sqlite", () => {
  let api: InProcessApp;
  beforeAll(async () => {
    api = await startInProcess({ dialect: "sqlite" });
  });
  afterAll(async () => {
    await api?.close();
  });

  it("answers broken bodies at every route and method without a 5xx, in MISP's error shape", async () => {
    const bodies = ["", "{", "[]", "null", '"x"', '{"request": null}', '{"Event": []}', JSON.stringify({ id: "' OR 1=1 --", value: "a\u0000b", tags: { XOR: 1 } })];
    for (const route of api.table.routes) {
      const path = route.path.replace(/\/:[A-Za-z]+\?/g, "").replace(/:[A-Za-z]+/g, "%25");
      for (const method of route.methods) {
        for (const body of method === "GET" ? [undefined] : bodies) {
          const answer = await api.call(method, path, undefined, body === undefined ? {} : { raw: body });
          const where = `${method} ${path} ${body ?? ""} → ${answer.status} ${answer.text.slice(0, 200)}`;
          expect(answer.status, where).toBeLessThan(500);
          if (answer.status >= 400) expect(answer.json, where).toMatchObject({ name: expect.any(String), message: expect.any(String), url: expect.any(String) });
        }
      }
    }
    expect(api.unexpectedErrors).toEqual([]);
  });
});
