// Seeded random requests for every route of the route table: bodies shaped like what each route
// expects (so that requests get past the first check and reach the writes), then mutated with
// hostile values, wrong types, missing and extra keys; paths with real and absurd ids; every
// caller from the site admin to no key at all. Generated up front from one seed with fast-check,
// so a run is the same list of requests in the same order whenever the seed is the same.
import fc from "fast-check";
import type { RouteSpec } from "../../src/http/route-table.js";

export const HOSTILE = [
  "",
  " ",
  "0",
  "-1",
  "1e21",
  "1e309",
  "9007199254740993",
  "2147483648",
  "-9223372036854775809",
  "' OR 1=1 --",
  '"; DROP TABLE events; --',
  "%",
  "%25",
  "_",
  "\\",
  "../../etc/passwd",
  "a\u0000b",
  "\ud800",
  "😀".repeat(300),
  "x".repeat(70_000),
  "<script>alert(1)</script>",
  "=HYPERLINK(\"http://evil.example\",\"x\")",
  "null",
  "NaN",
  "true",
  "{}",
  "[]",
  "4b0b6a6c-0f0e-4d2a-9c62-6b2b8e4f1a01",
  "!tlp:green",
  "tlp:%",
  "2100-01-01",
  "99999d",
] as const;

const HOSTILE_NUMBERS = [0, -1, 1, 2, 3, 4, 5, 7, 0.5, 1e21, -1e21, 2 ** 31, 2 ** 53 + 2, 4102444800, -62135596801, Number.MAX_VALUE];

const hostileScalar: fc.Arbitrary<unknown> = fc.oneof(
  fc.constantFrom(...HOSTILE),
  fc.constantFrom(...HOSTILE_NUMBERS),
  fc.constantFrom(null, true, false, [], {}, [1], { a: 1 }),
  fc.string({ maxLength: 12 }),
);

/** A value nested deeper than any bound: arrays inside arrays. */
const deep = (depth: number) => JSON.parse("[".repeat(depth) + "]".repeat(depth)) as unknown;

const smallId = fc.constantFrom("1", "2", "3", "4", "5", "6", "8", "12");
const anyId = fc.oneof({ weight: 4, arbitrary: smallId }, { weight: 1, arbitrary: fc.constantFrom("0", "999999", "99999999999", "abc", "-1", "1.5", "4b0b6a6c-0f0e-4d2a-9c62-6b2b8e4f1a01") });

const attributeTypes = fc.constantFrom("domain", "ip-dst", "ip-src", "url", "md5", "sha256", "email-src", "text", "hostname", "phone-number", "comment", "no-such-type");
const values = fc.constantFrom("fuzz.example", "evil.example", "203.0.113.7", "http://evil.example/x", "d41d8cd98f00b204e9800998ecf8427e", "+44 20 7946 0000", "=1+1", "-cmd", "@SUM(A1)", "not an ip");
const tagNames = fc.constantFrom("tlp:green", "tlp:amber", 'admiralty-scale:source-reliability="a"', 'admiralty-scale:source-reliability="f"', "fuzz-tag", "misp-galaxy:x", "tlp:%");
const times = fc.constantFrom(1_767_225_600, 1_767_225_000, 1_700_000_000, 4_102_444_800, 1_767_225_900, "1767225600", "2025-12-31", 0);

const tag = fc.record({ name: tagNames, local: fc.constantFrom(0, 1) }, { requiredKeys: ["name"] });
const sighting = fc.record({ type: fc.constantFrom(0, 1, 2, "1"), date_sighting: times, source: fc.constantFrom("fuzz", "") }, { requiredKeys: [] });
const attribute = fc.record(
  {
    type: attributeTypes,
    value: values,
    category: fc.constantFrom("Network activity", "Payload delivery", "Other", "External analysis"),
    to_ids: fc.constantFrom(0, 1, true, "1"),
    distribution: fc.constantFrom(0, 1, 2, 3, 4, 5),
    comment: fc.constantFrom("", "fuzz", "=cmd|' /C calc'!A0"),
    timestamp: times,
    first_seen: fc.constantFrom("2025-01-01T00:00:00Z", null, 1_700_000_000),
    Tag: fc.array(tag, { maxLength: 2 }),
    Sighting: fc.array(sighting, { maxLength: 3 }),
  },
  { requiredKeys: ["type", "value"] },
);
const object = fc.record(
  { name: fc.constantFrom("domain-ip", "file"), distribution: fc.constantFrom(0, 1, 5), Attribute: fc.array(attribute, { minLength: 1, maxLength: 2 }) },
  { requiredKeys: ["name"] },
);
const event = fc.record(
  {
    info: fc.constantFrom("fuzz event", "x"),
    distribution: fc.constantFrom(0, 1, 2, 3, 4),
    threat_level_id: fc.constantFrom(1, 2, 3, 4, "4"),
    analysis: fc.constantFrom(0, 1, 2),
    date: fc.constantFrom("2025-12-31", "2026-01-01"),
    published: fc.constantFrom(0, 1),
    timestamp: times,
    Tag: fc.array(tag, { maxLength: 2 }),
    Attribute: fc.array(attribute, { maxLength: 3 }),
    Object: fc.array(object, { maxLength: 1 }),
  },
  { requiredKeys: ["info"] },
);

const searchParameters = fc.record(
  {
    value: fc.oneof(values, fc.constantFrom("%.example", "fuzz%")),
    type: attributeTypes,
    category: fc.constantFrom("Network activity", "Other"),
    tags: fc.oneof(tagNames, fc.constant(["tlp:green", "!tlp:amber"]), fc.constant({ OR: ["tlp:green"], NOT: ["fuzz-tag"] })),
    eventid: smallId,
    to_ids: fc.constantFrom(0, 1),
    published: fc.constantFrom(0, 1),
    deleted: fc.constantFrom(0, 1, "only"),
    from: times,
    to: times,
    last: fc.constantFrom("7d", "1h", 3600),
    timestamp: times,
    threat_level_id: fc.constantFrom(1, "4", "abc"),
    limit: fc.constantFrom(1, 2, 10, 100, 2_147_483_647),
    page: fc.constantFrom(1, 2, 3, 2_147_483_647),
    returnFormat: fc.constantFrom("json", "csv", "text"),
    includeSightings: fc.constantFrom(0, 1),
    includeEventTags: fc.constantFrom(0, 1),
    includeDecayScore: fc.constantFrom(0, 1),
    excludeDecayed: fc.constantFrom(0, 1),
    decayingModel: fc.constantFrom(1, 2, 3, "1,2", 99),
    modelOverrides: fc.constantFrom({ threshold: 30 }, { lifetime: 0 }, '{"decay_speed": 2}'),
    score: fc.constantFrom(10, 90),
    includeFullModel: fc.constantFrom(0, 1),
    metadata: fc.constantFrom(0, 1),
    includeScoresOnEvent: fc.constantFrom(0, 1),
    requested_attributes: fc.constant(["value", "comment", "type"]),
  },
  { requiredKeys: [] },
);

const model = fc.record(
  {
    name: fc.constantFrom("fuzz model", "m"),
    description: fc.constantFrom("", "fuzz"),
    formula: fc.constantFrom("Polynomial", "PolynomialExtended", "Sightings", "Nope"),
    parameters: fc.record(
      {
        lifetime: fc.constantFrom(1, 30, 0, -1, "30"),
        decay_speed: fc.constantFrom(1, 2.5, 0),
        threshold: fc.constantFrom(0, 30, 50, "x"),
        default_base_score: fc.constantFrom(0, 80, 100),
        base_score_config: fc.constantFrom({}, { tlp: 1 }, { "admiralty-scale:source-reliability": 0.5 }, "{}"),
        retention: fc.constantFrom(0, 5),
      },
      { requiredKeys: [] },
    ),
    attribute_types: fc.array(attributeTypes, { maxLength: 3 }),
    enabled: fc.constantFrom(0, 1),
    all_orgs: fc.constantFrom(0, 1),
  },
  { requiredKeys: ["name"] },
);

/** A body shaped like what a route expects, by its path. */
function templateFor(route: RouteSpec): fc.Arbitrary<unknown> {
  const p = route.path;
  if (p === "/events/add") return fc.oneof(event, event.map((e) => ({ Event: e })), event.map((e) => ({ request: { Event: e } })));
  if (p.startsWith("/events/edit")) return event.map((e) => ({ ...e, info: undefined }));
  if (p.startsWith("/attributes/add")) return fc.oneof(attribute, fc.array(attribute, { minLength: 1, maxLength: 3 }));
  if (p.startsWith("/attributes/edit")) return attribute.map((a) => ({ ...a, Tag: undefined, Sighting: undefined }));
  if (p.endsWith("restSearch") && p.startsWith("/sightings")) {
    return fc.record(
      {
        context: fc.constantFrom("attribute", "event"),
        id: anyId,
        uuid: fc.constantFrom("4b0b6a6c-0f0e-4d2a-9c62-6b2b8e4f1a01"),
        type: fc.constantFrom(0, 1, "2"),
        from: times,
        to: times,
        last: fc.constantFrom("1d", "30d"),
        org_id: smallId,
        includeAttribute: fc.constantFrom(0, 1),
        includeEvent: fc.constantFrom(0, 1),
        limit: fc.constantFrom(1, 10),
        page: fc.constantFrom(1, 2),
      },
      { requiredKeys: [] },
    );
  }
  if (p.endsWith("restSearch")) return searchParameters;
  if (p.startsWith("/sightings/add")) {
    return fc.record(
      { id: anyId, value: values, values: fc.array(values, { maxLength: 3 }), type: fc.constantFrom(0, 1, 2, "1"), timestamp: times, date: fc.constantFrom("2025-12-31", "2100-01-01"), time: fc.constantFrom("12:00", "12:00:00"), source: fc.constantFrom("fuzz", "") },
      { requiredKeys: [] },
    );
  }
  if (p.startsWith("/tags/add") || p.startsWith("/tags/edit")) {
    return fc.record(
      {
        name: fc.oneof(tagNames, fc.nat(10_000).map((n) => `fuzz-tag-${n}`), fc.constantFrom("other:tag")),
        colour: fc.constantFrom("#ff0000", "red", "#12345", "#abcdef"),
        numerical_value: fc.constantFrom(0, 50, 100, -5, "12", null, ""),
        exportable: fc.constantFrom(0, 1),
        hide_tag: fc.constantFrom(0, 1),
        local_only: fc.constantFrom(0, 1),
        org_id: smallId,
        user_id: smallId,
      },
      { requiredKeys: [] },
    );
  }
  if (p.startsWith("/decayingModel/import")) return fc.oneof(model, fc.array(model, { minLength: 1, maxLength: 3 }), fc.array(model.map((m) => ({ DecayingModel: m })), { maxLength: 2 }));
  if (p.startsWith("/decayingModel/add") || p.startsWith("/decayingModel/edit")) return fc.oneof(model, model.map((m) => ({ DecayingModel: m })));
  if (p.startsWith("/decayingModelMapping/link")) return fc.record({ attributetypes: fc.oneof(fc.array(attributeTypes, { maxLength: 3 }), fc.constantFrom('["ip-src"]', "[", "[]")) });
  if (p.startsWith("/events/addTag") || p.startsWith("/events/removeTag") || p.startsWith("/attributes/addTag") || p.startsWith("/attributes/removeTag")) {
    return fc.record({ event: smallId, attribute: smallId, id: smallId, tag: fc.oneof(tagNames, smallId), local: fc.constantFrom(0, 1) }, { requiredKeys: [] });
  }
  if (p.startsWith("/tags/attachTagToObject") || p.startsWith("/tags/removeTagFromObject")) return fc.record({ uuid: fc.constantFrom("4b0b6a6c-0f0e-4d2a-9c62-6b2b8e4f1a01", "x"), tag: tagNames, local: fc.constantFrom(0, 1) }, { requiredKeys: [] });
  if (p === "/halflife/orgs") return fc.record({ name: fc.constantFrom("Fuzz Org", ""), description: fc.constantFrom("", "x") }, { requiredKeys: [] });
  if (p === "/halflife/users") return fc.record({ email: fc.constantFrom("fuzz@example.test", "not-an-email"), org: smallId, role: fc.constantFrom("User", "Org Admin", "Site Admin", "x", 3) }, { requiredKeys: [] });
  if (p.startsWith("/halflife/users/:id/keys")) return fc.record({ comment: fc.constantFrom("fuzz", "") }, { requiredKeys: [] });
  if (p.startsWith("/halflife/sweeps")) {
    return fc.record(
      {
        minimalFp: fc.constantFrom(0, 1, -1, 2.5),
        threshold: fc.constantFrom(0, 0.5, 1, 2),
        minimalDateSighting: fc.constantFrom("1970-01-01 00:00:00", "2025-01-01 00:00:00", "yesterday"),
        maxPerOrg: fc.constantFrom(1, 5, 0),
        minOrgs: fc.constantFrom(1, 2, 0),
        eventIds: fc.constantFrom([1], [2, 3], []),
        types: fc.constantFrom(["domain"], []),
        dryRun: fc.boolean(),
        wait: fc.constant(false),
        mail: fc.constant(false),
      },
      { requiredKeys: [] },
    );
  }
  if (p === "/halflife/session") return fc.record({ key: fc.constantFrom("x".repeat(40), "short") }, { requiredKeys: [] });
  return fc.dictionary(fc.constantFrom("id", "value", "name", "type", "tag", "limit", "page", "force"), hostileScalar, { maxKeys: 3 });
}

/** A small seeded generator (mulberry32), so that a mutation depends on its request's draw only. */
class Random {
  #state: number;
  constructor(seed: number) {
    this.#state = seed >>> 0;
  }
  nextDouble(): number {
    this.#state = (this.#state + 0x6d2b79f5) >>> 0;
    let t = this.#state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  }
  /** From min to max, both included. */
  nextInt(min: number, max: number): number {
    return min + Math.floor(this.nextDouble() * (max - min + 1));
  }
}

/** Replaces, drops or adds values anywhere in a JSON-like value, `rate` of the time at each node. */
function mutate(value: unknown, random: Random, rate: number, depth = 0): unknown {
  const pick = <T>(items: readonly T[]): T => items[random.nextInt(0, items.length - 1)]!;
  if (random.nextDouble() < rate) {
    const roll = random.nextInt(0, 9);
    if (roll <= 5) return pick([...HOSTILE, ...HOSTILE_NUMBERS, null, true, [], {}]);
    if (roll === 6) return undefined;
    if (roll === 7) return [value];
    if (roll === 8) return { request: value };
    return deep(random.nextInt(0, 1) === 0 ? 65 : 3000);
  }
  if (Array.isArray(value)) return value.map((item) => mutate(item, random, rate, depth + 1)).filter((item) => item !== undefined);
  if (value !== null && typeof value === "object") {
    const out: Record<string, unknown> = {};
    for (const [key, item] of Object.entries(value)) {
      const next = mutate(item, random, rate, depth + 1);
      if (next !== undefined) out[key] = next;
    }
    if (random.nextDouble() < rate / 2) out[pick(["id", "uuid", "org_id", "user_id", "Event", "Attribute", "request", "zzz"])] = pick([...HOSTILE, 1, null]);
    return out;
  }
  return value;
}


export interface FuzzRequest {
  route: RouteSpec;
  method: string;
  path: string;
  /** The path as the OpenAPI document names it, with the parameters sent. */
  documented: string;
  /** A raw body (JSON text, or something else), or none. */
  body?: string;
  contentType: string;
  /** Index into the run's callers (keys); see CALLERS in the runner. */
  caller: number;
}

const segment = fc.oneof(
  { weight: 6, arbitrary: smallId },
  { weight: 2, arbitrary: fc.constantFrom("0", "999999", "99999999999", "abc", "%25", "%ZZ", "..%2F..%2Fetc", "4b0b6a6c-0f0e-4d2a-9c62-6b2b8e4f1a01", "tlp:green", "1.json", "attribute", "event", "1e21", "-5") },
  { weight: 1, arbitrary: fc.string({ minLength: 1, maxLength: 10 }).map(encodeURIComponent) },
);

const namedParameter = fc
  .tuple(fc.constantFrom("noSightings", "deleted", "includeDecayScore", "includeScoresOnEvent", "limit", "page", "x"), fc.constantFrom("1", "0", "", "abc", "2147483647"))
  .map(([k, v]) => `${k}:${v}`);

/** The route's path with its parameters filled in (optional ones sometimes left out), named parameters, a `.json` now and then. */
/**
 * The routes that could take the run's own callers away (delete or disable their users, keys,
 * organisations or roles), with what their id names. They only ever get ids past the fixtures':
 * things made during the run.
 */
const TAKES_CALLERS_AWAY: Array<[RegExp, keyof ProtectedIds]> = [
  [/^\/halflife\/keys\/:id\/revoke$|^\/auth_keys\/(delete|edit)\//, "keys"],
  [/^\/admin\/users\/(delete|edit)\//, "users"],
  [/^\/admin\/organisations\/(delete|edit)\//, "orgs"],
  [/^\/admin\/roles\/(delete|edit|set_default)\//, "roles"],
];

/** The highest id of each kind that exists before the run: the callers' own. */
export interface ProtectedIds {
  users: number;
  orgs: number;
  keys: number;
  roles: number;
}

/** A request's path, and the OpenAPI document's path it is an instance of (`/events/view/{id}`). */
interface FilledPath {
  path: string;
  documented: string;
}

function pathFor(route: RouteSpec, protectedIds: ProtectedIds): fc.Arbitrary<FilledPath> {
  const parts = route.path.split("/").slice(1);
  const guarded = TAKES_CALLERS_AWAY.find(([pattern]) => pattern.test(route.path))?.[1];
  return fc
    .tuple(fc.array(segment, { minLength: parts.length, maxLength: parts.length }), fc.array(fc.boolean(), { minLength: parts.length, maxLength: parts.length }), fc.array(namedParameter, { maxLength: 2 }), fc.boolean(), fc.nat(20))
    .map(([filled, keep, named, json, offset]) => {
      const out: string[] = [];
      let sent = 0;
      for (const [i, part] of parts.entries()) {
        if (!part.startsWith(":")) out.push(part);
        else if (guarded && part === ":id") out.push(String(protectedIds[guarded] + 1 + offset));
        else if (!part.endsWith("?") || keep[i]) out.push(filled[i]!);
        else continue;
        if (part.startsWith(":")) sent++;
      }
      const jsonSuffix = json && !route.path.startsWith("/halflife") ? ".json" : "";
      // Hono fills optional parameters from the left: the documented variant has as many as were sent.
      let seen = 0;
      const variant = parts.flatMap((part) => (!part.startsWith(":") ? [part] : seen++ < sent ? [`{${part.slice(1).replace(/\?$/, "")}}`] : []));
      return { path: `/${[...out, ...(route.path.startsWith("/halflife") ? [] : named)].join("/")}${jsonSuffix}`, documented: `/${variant.join("/")}` };
    });
}

const garbage = fc.constantFrom("", "{", "[1,", '{"a":', "nul", "{}}", '{"Event": {"info": 1e999}}', '"just a string"', "123", "\u0000", "[]", "null");

function bodyFor(route: RouteSpec): fc.Arbitrary<string | undefined> {
  const shaped = fc.tuple(templateFor(route), fc.double({ min: 0, max: 0.3, noNaN: true }), fc.integer()).map(([template, rate, seed]) => {
    const random = new Random(seed);
    return JSON.stringify(mutate(template, random, rate)) ?? "";
  });
  return fc.oneof({ weight: 12, arbitrary: shaped }, { weight: 1, arbitrary: garbage }, { weight: 1, arbitrary: fc.string({ maxLength: 30 }) });
}

const MULTIPART = 'multipart/form-data; boundary=fuzz';

function multipartBody(json: string): string {
  return `--fuzz\r\nContent-Disposition: form-data; name="file"; filename="m.json"\r\nContent-Type: application/json\r\n\r\n${json}\r\n--fuzz--\r\n`;
}

/**
 * The requests of a run: `count` of them, from `seed`, over every route and method of the table,
 * from callers numbered 0 to `callers - 1`.
 */
/** Every path the OpenAPI document gives a route: optional parameters make one variant each. */
export function documentedVariants(route: RouteSpec): string[] {
  const parts = route.path.split("/").slice(1);
  const required = parts.filter((p) => p.startsWith(":") && !p.endsWith("?")).length;
  const optional = parts.filter((p) => p.endsWith("?")).length;
  return Array.from({ length: optional + 1 }, (_, extra) => {
    let seen = 0;
    return `/${parts.flatMap((part) => (!part.startsWith(":") ? [part] : seen++ < required + extra ? [`{${part.slice(1).replace(/\?$/, "")}}`] : [])).join("/")}`;
  });
}

/**
 * The requests of a run: `count` of them, from `seed`, over every route and method of the table,
 * from callers numbered 0 to `callers - 1`. Whatever the seed, every operation of the OpenAPI
 * document (each method of each path variant) gets at least one: the few the draw missed are
 * drawn on purpose and spread through the run.
 */
export function fuzzRequests(routes: readonly RouteSpec[], options: { seed: number; count: number; callers: number; protectedIds: ProtectedIds }): FuzzRequest[] {
  const requestFor = (route: RouteSpec, method: string) =>
    fc
      .record({
        path: pathFor(route, options.protectedIds),
        body: method === "GET" ? fc.constant(undefined) : bodyFor(route),
        caller: fc.nat(options.callers - 1),
        contentType: fc.constantFrom("application/json", "application/json", "application/json", "text/plain", MULTIPART, "application/x-www-form-urlencoded"),
      })
      .map(({ path, body, caller, contentType }): FuzzRequest => {
        // A form upload carries the JSON inside it; a broken boundary now and then.
        const formBody = contentType === MULTIPART && body !== undefined ? (body.length % 5 === 0 ? body : multipartBody(body)) : body;
        return { route, method, path: path.path, documented: path.documented, contentType, caller, ...(formBody === undefined ? {} : { body: formBody }) };
      });
  const targets = routes.flatMap((route) => route.methods.map((method) => ({ route, method })));
  const requests = fc.sample(fc.constantFrom(...targets).chain(({ route, method }) => requestFor(route, method)), { seed: options.seed, numRuns: options.count });
  const reached = new Set(requests.map((r) => `${r.method} ${r.documented}`));
  let extra = 0;
  for (const { route, method } of targets) {
    for (const variant of documentedVariants(route)) {
      if (reached.has(`${method} ${variant}`)) continue;
      const [missing] = fc.sample(requestFor(route, method).filter((r) => r.documented === variant), { seed: options.seed + ++extra, numRuns: 1 });
      requests.splice(Math.floor((requests.length * extra) / (extra + 7)), 0, missing!);
    }
  }
  return requests;
}
