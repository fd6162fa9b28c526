// Well-formed but awkward events, thrown at events/add, events/edit and attributes/add on both
// stores: uuids reused across requests, repeated tags, composite values, objects. Whatever arrives,
// the answer is never a 5xx, a refusal writes nothing, and an event that was accepted reads back
// with every attribute it was given.
import { randomUUID } from "node:crypto";
import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { postgresAvailable } from "../support/databases.js";
import { startInProcess, type InProcessApp } from "../support/in-process.js";

/** A small pool, so that requests reuse each other's uuids. */
const UUIDS = Array.from({ length: 6 }, () => randomUUID());
const TAGS = ["tlp:green", "tlp:amber", 'false-positive:risk="low"', "custom:x", "Custom:X", "a", "misp-galaxy:threat-actor=\"Sofacy\""];

const valueOf: Record<string, fc.Arbitrary<string>> = {
  domain: fc.constantFrom("evil.example", "EVIL.example.", "a-b.c", "xn--80ak6aa92e.example"),
  "ip-dst": fc.constantFrom("203.0.113.9", "2001:db8::1", "198.51.100.0/24"),
  "domain|ip": fc.constantFrom("evil.example|203.0.113.9", "a.example|2001:db8::2"),
  md5: fc.constantFrom("d41d8cd98f00b204e9800998ecf8427e", "D41D8CD98F00B204E9800998ECF8427E"),
  url: fc.constantFrom("https://evil.example/a?b=c", "http://[2001:db8::1]:8080/"),
  text: fc.string({ maxLength: 30 }),
  filename: fc.constantFrom("a.exe", "ünïcode.pdf", "..\\..\\x"),
  "email-src": fc.constantFrom("a@evil.example", "x@y"),
};

const attribute = fc.record(
  {
    uuid: fc.constantFrom(...UUIDS),
    type: fc.constantFrom(...Object.keys(valueOf)),
    to_ids: fc.constantFrom(true, false, "1", "0", 1),
    comment: fc.string({ maxLength: 10 }),
    distribution: fc.constantFrom(0, 1, 5, "5"),
    Tag: fc.array(fc.record({ name: fc.constantFrom(...TAGS), local: fc.boolean() }), { maxLength: 3 }),
    first_seen: fc.constantFrom(null, "2025-01-01T00:00:00Z", "2025-01-01T00:00:00.123456+02:00"),
    Sighting: fc.array(fc.record({ type: fc.constantFrom(0, 1, 2, "1"), date_sighting: fc.constantFrom(1_760_000_000, "1760000100") }), { maxLength: 2 }),
  },
  { requiredKeys: ["type"] },
).chain((a) => valueOf[a.type]!.map((value) => ({ ...a, value })));

const event = fc.record(
  {
    uuid: fc.constantFrom(...UUIDS),
    info: fc.string({ minLength: 1, maxLength: 20 }),
    distribution: fc.constantFrom(0, 1, 3, 4, "1"),
    published: fc.boolean(),
    Tag: fc.array(fc.record({ name: fc.constantFrom(...TAGS) }), { maxLength: 3 }),
    Attribute: fc.array(attribute, { maxLength: 4 }),
    Object: fc.array(fc.record({ uuid: fc.constantFrom(...UUIDS), name: fc.constantFrom("file", "domain-ip"), Attribute: fc.array(attribute, { maxLength: 2 }) }, { requiredKeys: ["name"] }), {
      maxLength: 2,
    }),
  },
  { requiredKeys: ["info"] },
);

const request = fc.oneof(
  event.map((body) => ({ kind: "add" as const, body })),
  event.map((body) => ({ kind: "edit" as const, body })),
  fc.array(attribute, { minLength: 1, maxLength: 3 }).map((body) => ({ kind: "attributes" as const, body })),
);

const dialects = [
  { name: "sqlite", available: true, runs: 150 },
  { name: "postgres", available: postgresAvailable(), runs: 60 },
] as const;

for (const dialect of dialects) {
  describe.skipIf(!dialect.available)(`awkward but well-formed event writes on ${dialect.name}`, () => {
    let api: InProcessApp;
    let anchor: string;

    beforeAll(async () => {
      api = await startInProcess({ dialect: dialect.name });
      anchor = (await api.call("POST", "/events/add", { info: "anchor" })).json.Event.id;
    });
    afterAll(async () => {
      await api?.close();
    });

    it("never answers a 5xx, writes nothing when it refuses, and reads back what it accepted", async () => {
      await fc.assert(
        fc.asyncProperty(request, async ({ kind, body }) => {
          const path = kind === "add" ? "/events/add" : kind === "edit" ? `/events/edit/${anchor}` : `/attributes/add/${anchor}`;
          const before = await api.counts();
          const answer = await api.call("POST", path, body);
          const where = `${path} ${JSON.stringify(body)} → ${answer.status} ${answer.text.slice(0, 300)}`;
          expect(answer.status, where).toBeLessThan(500);
          if (answer.status >= 400) {
            expect(answer.json, where).toMatchObject({ name: expect.any(String), message: expect.any(String), url: path });
            expect(await api.counts(), where).toEqual(before);
            return;
          }
          if (kind === "add") {
            const sent = body as { Attribute?: unknown[]; Object?: Array<{ Attribute?: unknown[] }> };
            const given = (sent.Attribute?.length ?? 0) + (sent.Object ?? []).reduce((n, o) => n + (o.Attribute?.length ?? 0), 0);
            const view = await api.call("GET", `/events/view/${answer.json.Event.id}`);
            expect(view.json.Event.attribute_count, where).toBe(String(given));
          }
        }),
        { numRuns: dialect.runs, seed: Number(process.env.FUZZ_SEED ?? 20260102) },
      );
      expect(api.unexpectedErrors).toEqual([]);
    });
  });
}
