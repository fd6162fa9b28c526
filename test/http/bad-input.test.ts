// Bad input of every kind gets a 4xx with MISP's error JSON, writes nothing, and is never a 5xx;
// hostile strings that are valid input are stored and given back exactly. On both stores.
import { randomBytes, randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { postgresAvailable } from "../support/databases.js";
import { startInProcess, type Answer, type InProcessApp } from "../support/in-process.js";
import { startTestServer } from "../support/server.js";

const AUTH_FAILED = "Authentication failed. Please make sure you pass the API key of an API enabled user along in the Authorization header.";

function expectMispError(answer: Answer, status: number, url: string, message?: string | RegExp): void {
  expect(answer.status, answer.text.slice(0, 300)).toBe(status);
  expect(answer.headers.get("content-type")).toContain("application/json");
  expect(answer.json).toMatchObject({ name: expect.any(String), message: expect.any(String), url });
  expect(answer.json.name).toBe(answer.json.message);
  if (typeof message === "string") expect(answer.json.message).toBe(message);
  else if (message) expect(answer.json.message).toMatch(message);
}

const event = (overrides: Record<string, unknown> = {}) => ({
  info: "bad input target",
  distribution: 1,
  Attribute: [{ type: "domain", value: `target-${randomUUID().slice(0, 8)}.example` }],
  ...overrides,
});

const dialects = [
  { name: "sqlite", available: true },
  { name: "postgres", available: postgresAvailable() },
] as const;

for (const dialect of dialects) {
  describe.skipIf(!dialect.available)(`bad input on ${dialect.name}`, () => {
    let api: InProcessApp;
    let target: any;

    beforeAll(async () => {
      api = await startInProcess({ dialect: dialect.name, bodyLimit: 1024 * 1024 });
      target = (await api.call("POST", "/events/add", event())).json.Event;
    });
    afterAll(async () => {
      await api?.close();
    });

    /** Sends a request that must be refused, and checks that nothing was written. */
    async function refused(method: string, path: string, body: unknown, status: number, message?: string | RegExp, options: { raw?: string; key?: string | null } = {}) {
      const before = await api.counts();
      const answer = await api.call(method, path, body, options);
      expectMispError(answer, status, path.replace(/\?.*$/, ""), message);
      expect(await api.counts(), `${method} ${path} wrote something`).toEqual(before);
      return answer;
    }

    it("refuses malformed JSON with 400 and writes nothing", async () => {
      for (const raw of ["{", '{"info": "x",}', "[1, 2", "{'info': 'x'}", '{"info": "x"} trailing', "\u0000"]) {
        await refused("POST", "/events/add", undefined, 400, "The request body is not valid JSON.", { raw });
      }
      await refused("POST", `/attributes/edit/${target.Attribute[0].id}`, undefined, 400, "The request body is not valid JSON.", { raw: "{" });
      await refused("POST", "/attributes/restSearch", undefined, 400, "The request body is not valid JSON.", { raw: "{nope}" });
      await refused("POST", "/sightings/add", undefined, 400, "The request body is not valid JSON.", { raw: "[" });
    });

    it("refuses wrong types and out-of-range values, naming the field", async () => {
      await refused("POST", "/events/add", event({ info: { text: "x" } }), 400, /^info /);
      await refused("POST", "/events/add", event({ distribution: "9" }), 400, /^distribution /);
      await refused("POST", "/events/add", event({ threat_level_id: 7 }), 400, /^threat_level_id /);
      await refused("POST", "/events/add", event({ analysis: "three" }), 400, /^analysis /);
      await refused("POST", "/events/add", event({ date: "yesterday" }), 400, /^date /);
      await refused("POST", "/events/add", event({ Attribute: "evil.example" }), 400, /^Attribute /);
      await refused("POST", "/events/add", event({ Attribute: [{ type: "ip-dest", value: "203.0.113.1" }] }), 400, /^Attribute\.0\.type /);
      await refused("POST", "/events/add", event({ Attribute: [{ type: "ip-dst", value: "not an address" }] }), 400, /^Attribute\.0\.value /);
      await refused("POST", "/events/add", event({ Attribute: [{ type: "domain", value: "ok.example", to_ids: "maybe" }] }), 400, /^Attribute\.0\.to_ids /);
      await refused("POST", "/events/add", event({ Attribute: [{ type: "md5", value: "abc", category: "Network activity" }] }), 400, /^Attribute\.0\.(value|category) /);
      await refused("POST", `/attributes/edit/${target.Attribute[0].id}`, { to_ids: [] }, 400, /^to_ids /);
      await refused("POST", `/attributes/edit/${target.Attribute[0].id}`, { type: "no-such-type" }, 400, /^type /);
      await refused("POST", "/attributes/restSearch", { limit: "ten" }, 400, /^limit /);
      await refused("POST", "/attributes/restSearch", { to_ids: "perhaps" }, 400, /^to_ids /);
      await refused("POST", "/attributes/restSearch", { from: "the dawn of time" }, 400, /^from /);
      await refused("POST", "/attributes/restSearch", { returnFormat: "stix2" }, 400, /^returnFormat /);
      await refused("POST", "/attributes/restSearch", { tags: { XOR: ["tlp:green"] } }, 400, /^tags\.XOR /);
      await refused("POST", "/sightings/add", { uuid: target.Attribute[0].uuid, type: 7 }, 400, /^type /);
      await refused("POST", "/sightings/add", { values: { a: 1 } }, 400, /^values /);
      await refused("POST", "/sightings/add", { uuid: target.Attribute[0].uuid, timestamp: "noon" }, 400, /^timestamp /);
      await refused("POST", "/tags/edit/1", { numerical_value: "lots" }, 400, /^numerical_value /);
      await refused("POST", "/tags/edit/1", { colour: "red" }, 400, /^colour /);
    });

    it("answers unknown ids and uuids with MISP's 404s", async () => {
      await refused("GET", "/events/view/987654321", undefined, 404, "Invalid event");
      await refused("GET", `/events/view/${randomUUID()}`, undefined, 404, "Invalid event");
      await refused("GET", "/events/view/not-an-id", undefined, 404, "Invalid event");
      await refused("POST", "/events/publish/987654321", undefined, 404, "Invalid event.");
      await refused("POST", "/events/edit/987654321", { info: "x" }, 404, "Invalid event");
      await refused("POST", "/events/delete/987654321", undefined, 404, "Invalid event");
      await refused("POST", "/attributes/edit/987654321", { to_ids: 0 }, 404, "Invalid attribute");
      await refused("POST", `/attributes/edit/${randomUUID()}`, { to_ids: 0 }, 404, "Invalid attribute");
      await refused("POST", "/attributes/delete/987654321", undefined, 404, "Invalid attribute");
      await refused("POST", "/attributes/add/987654321", { type: "domain", value: "x.example" }, 404, "Invalid event");
      await refused("POST", "/sightings/delete/987654321", undefined, 404);
      await refused("POST", "/sightings/listSightings", { context: "attribute", id: "987654321" }, 404, "Invalid attribute");
      await refused("POST", "/tags/edit/987654321", { colour: "#000000" }, 404);
      await refused("GET", "/taxonomies/view/no-such-namespace", undefined, 404);
      await refused("POST", "/taxonomies/enable/987654321", undefined, 404);
      await refused("POST", `/events/addTag/${target.id}/987654321`, undefined, 404);
    });

    it("refuses missing keys and unknown restSearch parameters, with a hint", async () => {
      await refused("POST", "/events/add", { distribution: 0 }, 400, "info is required");
      await refused("POST", "/events/add", {}, 400, "info is required");
      await refused("POST", `/attributes/add/${target.id}`, { type: "domain" }, 400, /^value /);
      await refused("POST", `/attributes/add/${target.id}`, { value: "x.example" }, 400, /^type /);
      await refused("POST", "/sightings/add", { type: 0 }, 400, /^values? /);
      await refused("POST", "/sightings/restSearch/attribute", {}, 400, /^id /);
      await refused("POST", "/attributes/restSearch", { excludedecayed: 1 }, 400, "excludedecayed is not a restSearch parameter; did you mean excludeDecayed?");
      await refused("POST", "/attributes/restSearch", { to_id: 1 }, 400, /did you mean to_ids\?/);
      await refused("POST", "/attributes/restSearch", { zzzzzzzzzzzz: 1 }, 400, "zzzzzzzzzzzz is not a restSearch parameter");
      await refused("POST", "/events/restSearch", { evntid: 1 }, 400, /did you mean eventid\?/);
    });

    it("refuses missing, bad and revoked keys with MISP's 403, and takes X-MISP-AUTH", async () => {
      await refused("GET", "/users/view/me", undefined, 403, AUTH_FAILED, { key: null });
      await refused("GET", "/users/view/me", undefined, 403, AUTH_FAILED, { key: "a".repeat(40) });
      await refused("GET", "/users/view/me", undefined, 403, AUTH_FAILED, { key: "'; DROP TABLE users; --" });
      await refused("POST", "/events/add", event(), 403, AUTH_FAILED, { key: "short" });
      const user = await api.addUser({ role: "User" });
      const viaHeader = await api.call("GET", "/users/view/me", undefined, { key: null, headers: { "X-MISP-AUTH": user.key } });
      expect(viaHeader.json.User.email).toBe(user.principal.user.email);
      const keys = await api.call("GET", `/halflife/users/${user.principal.user.id}/keys`);
      const revoked = await api.call("POST", `/halflife/keys/${keys.json[0].id}/revoke`);
      expect(revoked.status).toBe(200);
      await refused("GET", "/users/view/me", undefined, 403, AUTH_FAILED, { key: user.key });
      await refused("GET", "/users/view/me", undefined, 403, AUTH_FAILED, { key: null, headers: { "X-MISP-AUTH": user.key } } as never);
    });

    it("refuses a body over the configured limit with 413 and writes nothing", async () => {
      const big = event({ info: "x".repeat(1024 * 1024) });
      await refused("POST", "/events/add", big, 413, /larger than 1048576 bytes/);
      const many = event({ Attribute: Array.from({ length: 20_000 }, (_, i) => ({ type: "domain", value: `bulk-${i}.example`, comment: "padding ".repeat(4) })) });
      expect(JSON.stringify(many).length).toBeGreaterThan(1024 * 1024);
      await refused("POST", "/events/add", many, 413);
    });

    it("stores hostile but valid strings exactly and gives them back", async () => {
      const strings = [
        "' OR '1'='1'; DROP TABLE attributes; --",
        'Robert"); DELETE FROM events; --',
        "100% of _under_scores \\ back\\slashes",
        "../../../etc/passwd",
        "😀 Ünïcödé ✓ 中文 עברית",
        "<script>alert('x')</script>",
      ];
      const added = await api.call("POST", "/events/add", {
        info: strings.join(" | "),
        Attribute: strings.map((value) => ({ type: "text", category: "Other", value, comment: value })),
      });
      expect(added.status, added.text).toBe(200);
      const view = await api.call("GET", `/events/view/${added.json.Event.id}`);
      expect(view.json.Event.info).toBe(strings.join(" | "));
      expect(view.json.Event.Attribute.map((a: any) => a.value)).toEqual(strings);
      for (const value of strings) {
        const found = await api.call("POST", "/attributes/restSearch", { value, eventid: added.json.Event.id });
        expect(found.json.response.Attribute.map((a: any) => a.value), value).toEqual([value]);
      }
      // % is MISP's wildcard; _ and \ are not.
      const like = await api.call("POST", "/attributes/restSearch", { value: "100\\% of _under%", eventid: added.json.Event.id });
      expect(like.status).toBe(200);
      const underscore = await api.call("POST", "/attributes/restSearch", { value: "_OR%", eventid: added.json.Event.id });
      expect(underscore.json.response.Attribute).toEqual([]);
    });

    it("refuses NUL characters in bodies, paths and queries with 400 on every store", async () => {
      await refused("POST", "/events/add", event({ info: "nul \u0000 inside" }), 400, "info must not contain NUL characters");
      await refused("POST", "/events/add", event({ Attribute: [{ type: "text", value: "a\u0000b" }] }), 400, /^Attribute\.0\.value /);
      await refused("POST", `/attributes/edit/${target.Attribute[0].id}`, { comment: "a\u0000b" }, 400, /^comment /);
      await refused("POST", "/attributes/restSearch", { value: "a\u0000b" }, 400, /^value /);
      await refused("POST", "/sightings/add", { value: "a\u0000b" }, 400, /^value /);
      await refused("POST", `/events/addTag/${target.id}`, { tag: "nul\u0000tag" }, 400, /^tag /);
      await refused("GET", "/tags/view/tlp%00green", undefined, 400, "The request URL must not contain NUL characters.");
      await refused("GET", "/attributes/restSearch?value=a%00b", undefined, 400, "The request URL must not contain NUL characters.");
      await refused("POST", `/attributes/addTag/${target.Attribute[0].id}/nul%00tag`, undefined, 400, "The request URL must not contain NUL characters.");
    });

    it("stores lone surrogates without failing", async () => {
      const added = await api.call("POST", "/events/add", event({ info: "lone \ud800 surrogate" }));
      expect(added.status).toBe(200);
      expect(added.json.Event.info).toMatch(/^lone .* surrogate$/);
    });

    it("refuses text longer than MISP's columns, counted in characters", async () => {
      await refused("POST", "/events/add", event({ info: "😀".repeat(66_000) }), 400, /^info /);
      const long = await api.call("POST", "/events/add", event({ info: "é".repeat(60_000) }));
      expect(long.status).toBe(200);
      await refused("POST", `/events/addTag/${target.id}`, { tag: "t".repeat(300) }, 400, /^tag /);
    });

    it("answers ids and numbers past 32 bits with a 4xx, and writes nothing", async () => {
      const big = "99999999999";
      for (const [method, path, body] of [
        ["GET", `/events/view/${big}`, undefined],
        ["GET", `/attributes/view/${big}`, undefined],
        ["POST", "/attributes/restSearch", { eventid: big }],
        ["POST", "/attributes/restSearch", { org: big }],
        ["POST", "/events/index", { eventid: Number(big) }],
        ["POST", "/events/restSearch", { eventid: big }],
        ["POST", "/events/add", event({ sharing_group_id: Number(big) })],
        ["POST", `/attributes/edit/${target.Attribute[0].id}`, { sharing_group_id: big }],
        ["POST", `/sightings/add/${big}`, {}],
        ["POST", "/sightings/restSearch", { id: Number(big) }],
        ["POST", `/sightings/delete/${big}`, undefined],
        ["POST", `/tags/edit/${big}`, { colour: "#000000" }],
        ["POST", "/events/addTag", { event: target.id, tag: Number(big) }],
        ["POST", `/halflife/keys/${big}/revoke`, undefined],
      ] as const) {
        const before = await api.counts();
        const answer = await api.call(method, path, body);
        expect(answer.status, `${method} ${path}: ${answer.text.slice(0, 200)}`).toBeLessThan(500);
        // SQLite's integers are 64-bit, so there some of these are valid and written.
        if (answer.status >= 400) {
          expect(answer.json).toMatchObject({ name: expect.any(String), message: expect.any(String), url: path });
          expect(await api.counts()).toEqual(before);
        }
      }
    });

    it("stores an attribute value of 60 kB (a long rule) on both stores, and finds it by value", async () => {
      // Random, so that PostgreSQL cannot compress it: a B-tree entry would refuse it past 2.7 kB.
      const value = randomBytes(45_000).toString("base64");
      const answer = await api.call("POST", "/events/add", event({ Attribute: [{ type: "text", value }] }));
      expect(answer.status, answer.text.slice(0, 200)).toBe(200);
      expect(answer.json.Event.Attribute[0].value).toBe(value);
      const found = await api.call("POST", "/attributes/restSearch", { value });
      expect(found.json.response.Attribute.map((a: any) => a.id)).toEqual([answer.json.Event.Attribute[0].id]);
    });

    it("answers filter lists of 2,000 items, and refuses longer ones with 400 naming the filter", async () => {
      const values = (n: number) => Array.from({ length: n }, (_, i) => `v${i}.example`);
      const ids = (n: number) => Array.from({ length: n }, (_, i) => i + 1);
      const uuids = (n: number) => Array.from({ length: n }, () => randomUUID());
      const combined = await api.call("POST", "/attributes/restSearch", {
        value: values(2_000),
        uuid: uuids(2_000),
        eventid: ids(2_000),
        type: values(2_000).map((v) => `!${v}`),
        category: values(2_000),
        org: ids(2_000).map(String),
        object_relation: values(2_000),
      });
      expect(combined.status, combined.text.slice(0, 200)).toBe(200);
      for (const [path, body] of [
        ["/attributes/restSearch", { value: values(2_000) }],
        ["/sightings/add", { values: values(2_000) }],
        ["/sightings/restSearch", { id: ids(2_000) }],
        ["/events/index", { eventid: ids(2_000) }],
        ["/events/restSearch", { eventid: ids(2_000) }],
      ] as const) {
        expect((await api.call("POST", path, body)).status, path).toBe(200);
      }
      await refused("POST", "/attributes/restSearch", { value: values(2_001) }, 400, "value lists at most 2000 items; split the search");
      await refused("POST", "/attributes/restSearch", { eventid: ids(40_000) }, 400, /^eventid lists at most/);
      await refused("POST", "/attributes/restSearch", { uuid: uuids(2_001) }, 400, /^uuid lists at most/);
      await refused("POST", "/sightings/add", { values: values(40_000) }, 400, /^values lists at most/);
      await refused("POST", "/sightings/restSearch", { id: ids(2_001) }, 400, /^id lists at most/);
      await refused("POST", "/events/index", { eventid: ids(2_001) }, 400, /^eventid lists at most/);
      await refused("POST", "/events/restSearch", { eventid: ids(2_001) }, 400, /^eventid lists at most/);
      const negated = await api.call("POST", "/attributes/restSearch", { value: values(2_000).map((v) => `!${v}`) });
      expect(negated.status).toBe(200);
      const patterns = await api.call("POST", "/attributes/restSearch", { value: values(200).map((v) => `%${v}`) });
      expect(patterns.status).toBe(200);
      await refused("POST", "/attributes/restSearch", { value: values(201).map((v) => `%${v}`) }, 400, /^value holds more than 200 % patterns/);
      expect((await api.call("POST", "/attributes/restSearch", { tags: { AND: values(100) } })).status).toBe(200);
      await refused("POST", "/attributes/restSearch", { tags: { AND: values(101) } }, 400, /^tags\.AND holds more than 100 tags/);
      const composite = await api.call("POST", "/attributes/restSearch", { value: values(2_000).map((v, i) => `${v}|192.0.2.${i % 250}`) });
      expect(composite.status).toBe(200);
    });

    it("answers path traversal and odd paths with 404, never a file", async () => {
      for (const path of ["/events/view/..%2F..%2Fetc%2Fpasswd", "/events/view/../../etc/passwd", "/../../etc/passwd", "/events/view/%2e%2e"]) {
        const answer = await api.call("GET", path);
        expect(answer.status, path).toBe(404);
        expect(answer.json).toMatchObject({ name: expect.any(String), url: expect.any(String) });
      }
    });
  });
}

describe("the body limit over real HTTP", () => {
  it("answers 413 in MISP's shape before reading a body over the limit", async () => {
    const server = await startTestServer({ bodyLimit: 16 * 1024 });
    try {
      const answer = await server.call("POST", "/events/add", { info: "y".repeat(20_000) });
      expect(answer.status).toBe(413);
      expect(answer.json).toEqual({ name: expect.stringContaining("16384"), message: expect.stringContaining("16384"), url: "/events/add" });
      const events = await server.call("GET", "/events/index");
      expect(events.json).toEqual([]);
    } finally {
      await server.close();
    }
  });
});
