// Random and hostile requests at every route of the route table, in process: whatever arrives,
// the answer is never a 5xx, always JSON (text only where a route's success is text), and every
// 4xx is MISP's error body.
import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { RouteSpec } from "../../src/http/route-table.js";
import { postgresAvailable } from "../support/databases.js";
import { startInProcess, type Answer, type InProcessApp } from "../support/in-process.js";

const HOSTILE = [
  "",
  " ",
  "0",
  "-1",
  "1e309",
  "9007199254740993",
  "2147483648",
  "' OR 1=1 --",
  '"; DROP TABLE events; --',
  "%",
  "%25",
  "%%",
  "_",
  "\\",
  "../../etc/passwd",
  "..%2f..%2fetc%2fpasswd",
  "a\u0000b",
  "\u0000",
  "\ud800",
  "😀".repeat(500),
  "x".repeat(70_000),
  "<script>alert(1)</script>",
  "null",
  "undefined",
  "NaN",
  "true",
  "{}",
  "[]",
  "4b0b6a6c-0f0e-4d2a-9c62-6b2b8e4f1a01",
  "!tlp:green",
  "tlp:%",
  "1|2",
];

const FIELDS = [
  "id", "uuid", "value", "values", "type", "category", "tags", "tag", "eventid", "event", "attribute", "to_ids", "published",
  "deleted", "timestamp", "from", "to", "last", "limit", "page", "returnFormat", "includeSightings", "includeEventTags",
  "info", "distribution", "threat_level_id", "analysis", "date", "Attribute", "Event", "Object", "Tag", "Sighting", "request",
  "name", "email", "org", "role", "context", "comment", "colour", "numerical_value", "local", "hard", "source", "org_id",
  "requested_attributes", "headerless", "first_seen", "last_seen", "searchall", "description", "exportable", "meta-category",
];

const hostileString = fc.constantFrom(...HOSTILE);
const scalar = fc.oneof(hostileString, fc.string({ maxLength: 20 }), fc.integer(), fc.double(), fc.boolean(), fc.constant(null));
const value: fc.Arbitrary<unknown> = fc.letrec((tie) => ({
  value: fc.oneof({ depthSize: "small", withCrossShrink: true }, scalar, fc.array(tie("value"), { maxLength: 4 }), tie("object")),
  object: fc.dictionary(fc.oneof(fc.constantFrom(...FIELDS), fc.string({ maxLength: 8 })), tie("value"), { maxKeys: 5 }),
})).value;

/** A raw body: JSON of a random value, hostile JSON-ish text, or nothing at all. */
const rawBody = fc.oneof(
  { weight: 6, arbitrary: value.map((v) => JSON.stringify(v) ?? "") },
  { weight: 2, arbitrary: fc.constantFrom("", "{", "[1,", '{"a":', "nul", "\u0000", "{}}", '{"Event": {"info": 1e999}}', '"just a string"', "123") },
  { weight: 1, arbitrary: fc.string({ maxLength: 40 }) },
);

const segment = fc.oneof(
  fc.constantFrom("1", "2", "999999", "99999999999", "0", "abc", "%25", "%", "%ZZ", "..%2F..%2Fetc", "4b0b6a6c-0f0e-4d2a-9c62-6b2b8e4f1a01", "attribute", "event", "tlp:green", "1.json"),
  fc.string({ minLength: 1, maxLength: 12 }).map(encodeURIComponent),
);

const namedParameter = fc.tuple(fc.constantFrom("noSightings", "deleted", "includeDecayScore", "metadata", "x", "limit"), fc.constantFrom("1", "0", "", "%25", "abc")).map(([k, v]) => `${k}:${v}`);

/** The route's path with every parameter filled in, optional ones sometimes dropped, and extras. */
function pathFor(route: RouteSpec) {
  const parts = route.path.split("/").slice(1);
  return fc
    .tuple(
      fc.array(segment, { minLength: parts.length, maxLength: parts.length }),
      fc.array(fc.boolean(), { minLength: parts.length, maxLength: parts.length }),
      fc.array(namedParameter, { maxLength: 2 }),
      fc.boolean(),
    )
    .map(([values, keep, named, json]) => {
      const out: string[] = [];
      for (const [i, part] of parts.entries()) {
        if (!part.startsWith(":")) out.push(part);
        else if (!part.endsWith("?") || keep[i]) out.push(route.path.includes("revoke") ? "999999" : values[i]!);
      }
      // The revoke route is kept off real keys, so that the callers' keys keep working.
      return `/${[...out, ...named].join("/")}${json ? ".json" : ""}`;
    });
}

const TEXT_ROUTES = new Set(["/metrics", "/attributes/restSearch", "/halflife/health"]);

function checkAnswer(route: RouteSpec, method: string, path: string, answer: Answer): void {
  const where = `${method} ${path} → ${answer.status} ${answer.text.slice(0, 300)}`;
  expect(answer.status, where).toBeLessThan(500);
  if (answer.status >= 400) {
    expect(answer.headers.get("content-type") ?? "", where).toContain("application/json");
    expect(answer.json, where).toMatchObject({ name: expect.any(String), message: expect.any(String), url: expect.any(String) });
    return;
  }
  if (TEXT_ROUTES.has(route.path) && !(answer.headers.get("content-type") ?? "").includes("json")) return;
  expect(answer.json, where).toBeDefined();
}

const dialects = [
  { name: "sqlite", available: true, runs: 400 },
  { name: "postgres", available: postgresAvailable(), runs: 150 },
] as const;

for (const dialect of dialects) describe.skipIf(!dialect.available)(`every route of the route table, on ${dialect.name}`, () => {
  let api: InProcessApp;
  /** undefined: the admin's key. */
  let keys: Array<string | null | undefined>;

  beforeAll(async () => {
    api = await startInProcess({ dialect: dialect.name });
    const user = await api.addUser({ role: "User" });
    const readOnly = await api.addUser({ role: "Read Only" });
    const orgAdmin = await api.addUser({ role: "Org Admin" });
    keys = [undefined, user.key, readOnly.key, orgAdmin.key, null, "x".repeat(40), "not a key"];
    // Something to find: an event with an attribute, a tag and a sighting.
    const event = await api.call("POST", "/events/add", {
      info: "fuzz target",
      distribution: 1,
      Tag: [{ name: "tlp:green" }],
      Attribute: [{ type: "domain", value: "fuzz.example", Tag: [{ name: "tlp:amber" }], Sighting: [{ type: 1 }] }],
    });
    expect(event.status).toBe(200);
  });
  afterAll(async () => {
    await api?.close();
  });

  it("answers a few hostile requests at every route and method without a 5xx, in MISP's error shape", async () => {
    const bodies = ["", "{", "[]", "null", '"x"', '{"request": null}', '{"Event": []}', JSON.stringify({ id: "' OR 1=1 --", value: "a\u0000b", tags: { XOR: 1 } })];
    for (const route of api.table.routes) {
      const path = route.path.replace(/\/:[A-Za-z]+\?/g, "").replace(/:[A-Za-z]+/g, "%25");
      for (const method of route.methods) {
        for (const body of method === "GET" ? [undefined] : bodies) {
          const answer = await api.call(method, path, undefined, body === undefined ? {} : { raw: body });
          checkAnswer(route, method, path, answer);
        }
      }
    }
    expect(api.unexpectedErrors).toEqual([]);
  });

  it("never answers a 5xx to random bodies, paths and named parameters", async () => {
    const routes = api.table.routes.flatMap((route) => route.methods.map((method) => ({ route, method })));
    const request = fc
      .constantFrom(...routes)
      .chain(({ route, method }) =>
        fc.record({
          route: fc.constant(route),
          method: fc.constant(method),
          path: pathFor(route),
          body: method === "GET" ? fc.constant(undefined) : rawBody,
          key: fc.constantFrom(...keys),
          contentType: fc.constantFrom("application/json", "text/plain", "application/json; charset=utf-8"),
        }),
      );
    await fc.assert(
      fc.asyncProperty(request, async ({ route, method, path, body, key, contentType }) => {
        const answer = await api.call(method, path, undefined, {
          ...(body === undefined ? {} : { raw: body }),
          ...(key === undefined ? {} : { key }),
          headers: { "Content-Type": contentType },
        });
        checkAnswer(route, method, path, answer);
      }),
      { numRuns: dialect.runs, seed: Number(process.env.FUZZ_SEED ?? 20260101) },
    );
    expect(api.unexpectedErrors).toEqual([]);
  });
});
