// The inputs the security review answered with a 5xx (issue 9, item 13), each a 400 now on both
// stores, and writing nothing: one bounded JSON reader for every body, one paging parser, one
// range for times.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { postgresAvailable } from "../support/databases.js";
import { startInProcess, type Answer, type InProcessApp } from "../support/in-process.js";

const deep = (depth: number) => "[".repeat(depth) + "]".repeat(depth);

function expectRefused(answer: Answer, field?: string | RegExp): void {
  expect(answer.status, answer.text.slice(0, 300)).toBe(400);
  expect(answer.headers.get("content-type")).toContain("application/json");
  expect(answer.json).toMatchObject({ name: expect.any(String), message: expect.any(String), url: expect.any(String) });
  if (typeof field === "string") expect(answer.json.message.startsWith(`${field} `), answer.json.message).toBe(true);
  else if (field) expect(answer.json.message).toMatch(field);
}

const dialects = [
  { name: "sqlite", available: true },
  { name: "postgres", available: postgresAvailable() },
] as const;

for (const dialect of dialects) {
  describe.skipIf(!dialect.available)(`input bounds on ${dialect.name}`, () => {
    let api: InProcessApp;
    let eventId: string;

    beforeAll(async () => {
      api = await startInProcess({ dialect: dialect.name });
      const added = await api.call("POST", "/events/add", { info: "bounds", Attribute: [{ type: "domain", value: "bounds.example", Sighting: [{ type: 0 }] }] });
      eventId = added.json.Event.id;
    });
    afterAll(async () => {
      await api?.close();
    });

    /** Sends a request that must be refused with 400, and checks that no table changed. */
    async function refused(method: string, path: string, body: unknown, field?: string | RegExp, options: { raw?: string; key?: string | null; headers?: Record<string, string> } = {}) {
      const before = await api.signature();
      const answer = await api.call(method, path, body, options);
      expectRefused(answer, field);
      expect(await api.signature(), `${method} ${path} wrote something`).toEqual(before);
      return answer;
    }

    it("refuses JSON nested 5,000 deep with 400, even before authentication, on every body-reading route", async () => {
      await refused("POST", "/halflife/session", undefined, "key", { raw: `{"key": ${deep(5_000)}}`, key: null });
      await refused("POST", "/events/add", undefined, "info", { raw: `{"info": "x", "Attribute": ${deep(5_000)}}`.replace('"info": "x", "Attribute"', '"info"') });
      await refused("POST", "/attributes/restSearch", undefined, "value", { raw: `{"value": ${deep(65)}}` });
      await refused("POST", "/sightings/add", undefined, undefined, { raw: deep(100_000) });
      // A JSON string inside the body is held to the same bound.
      await refused("POST", "/decayingModel/add", { name: "deep", parameters: { lifetime: 3, decay_speed: 1, threshold: 30, default_base_score: 80, base_score_config: deep(5_000) } }, "parameters.base_score_config");
      expect(api.unexpectedErrors).toEqual([]);
    });

    it("accepts nesting up to the bound", async () => {
      const nested = JSON.parse(deep(60)) as unknown;
      const answer = await api.call("POST", "/events/add", { info: "nested comment", Attribute: [{ type: "text", value: "x", comment: "ok" }], extra: nested });
      expect(answer.status, answer.text.slice(0, 200)).toBe(200);
    });

    it("refuses limit × page past the largest listing with 400 before anything is streamed", async () => {
      // 2^40 × 2^30 passes 2^63: a database's OFFSET would overflow.
      await refused("GET", "/events/index?limit=1099511627776&page=1073741824", undefined, "limit");
      await refused("GET", "/events/index?limit=2147483647&page=2147483647", undefined, "page");
      await refused("GET", "/events/index/limit:2147483647/page:3", undefined, "page");
      await refused("POST", "/attributes/restSearch", { limit: 2_147_483_647, page: 2_147_483_647 }, "page");
      await refused("POST", "/attributes/restSearch", { limit: 2_147_483_647, page: 3, returnFormat: "csv" }, "page");
      await refused("POST", "/events/restSearch", { limit: "2147483647", page: "9" }, "page");
      await refused("GET", "/decayingModel/index/limit:2147483647/page:2147483647", undefined, "page");
      await refused("POST", "/attributes/restSearch", { limit: 0 }, "limit");
      await refused("POST", "/attributes/restSearch", { limit: 1.5 }, "limit");
      // The largest offset that fits still answers, with an empty page.
      const last = await api.call("POST", "/attributes/restSearch", { limit: 1_073_741_823, page: 3 });
      expect(last.status, last.text.slice(0, 200)).toBe(200);
      expect(last.json.response.Attribute).toEqual([]);
      expect(api.unexpectedErrors).toEqual([]);
    });

    it("refuses times outside the years 1 to 9999 in every time filter", async () => {
      await refused("POST", "/attributes/restSearch", undefined, "from", { raw: `{"from": 9007199254740993}` });
      await refused("POST", "/attributes/restSearch", { from: "9007199254740993" }, "from");
      await refused("POST", "/attributes/restSearch", { to: 1e21 }, "to");
      await refused("POST", "/attributes/restSearch", { timestamp: [0, "99999999999999"] }, "timestamp");
      await refused("POST", "/attributes/restSearch", { last: "999999999999w" }, "last");
      await refused("POST", "/events/restSearch", { from: 1e21 }, "from");
      await refused("POST", "/sightings/restSearch", { from: 1e21 }, "from");
      await refused("POST", "/sightings/restSearch", { from: "9007199254740993" }, "from");
      await refused("GET", "/events/index?timestamp=1e21", undefined, "timestamp");
      expect(api.unexpectedErrors).toEqual([]);
    });

    it("refuses stored times outside the years 1 to 9999, so that no export fails on them later", async () => {
      await refused("POST", `/attributes/add/${eventId}`, { type: "domain", value: "late.example", timestamp: 9_007_199_254_740_991 }, "timestamp");
      await refused("POST", `/attributes/add/${eventId}`, { type: "domain", value: "late.example", first_seen: 1e21 }, /first_seen is not a date/);
      await refused("POST", "/events/add", { info: "x", timestamp: -62_135_596_801 }, "timestamp");
      await refused("POST", "/events/add", { info: "x", Attribute: [{ type: "domain", value: "s.example", Sighting: [{ date_sighting: 1e18 }] }] }, "Attribute.0.Sighting.0.date_sighting");
      const csv = await api.call("POST", "/attributes/restSearch", { returnFormat: "csv" });
      expect(csv.status).toBe(200);
    });

    it("refuses a malformed multipart body to decayingModel/import with 400", async () => {
      const headers = { "Content-Type": "multipart/form-data; boundary=x" };
      await refused("POST", "/decayingModel/import", undefined, undefined, { raw: '--x\r\nContent-Disposition: form-data; name="file"\r\n\r\nabc', headers });
      await refused("POST", "/decayingModel/import", undefined, undefined, { raw: "garbage", headers: { "Content-Type": "multipart/form-data" } });
      await refused("POST", "/decayingModel/import", undefined, "DecayingModel[json]", { raw: `--x\r\nContent-Disposition: form-data; name="file"; filename="m.json"\r\n\r\n${deep(5_000)}\r\n--x--\r\n`, headers });
      expect(api.unexpectedErrors).toEqual([]);
    });

    it("refuses a threat_level_id that is not a number, naming it", async () => {
      await refused("POST", "/events/restSearch", { threat_level_id: "abc" }, "threat_level_id");
      await refused("POST", "/attributes/restSearch", { threat_level_id: ["1", "high"] }, /^threat_level_id expected number/);
      expect(api.unexpectedErrors).toEqual([]);
    });
  });
}
