// Runs seeded random requests (fuzz-requests.ts) at an in-process server and checks every answer:
// never a 5xx, every refusal in MISP's error JSON, and every refusal writing nothing, shown by a
// signature of every table (row counts and a checksum of the contents) taken before and after it.
import type { Answer, InProcessApp } from "./in-process.js";
import { fuzzRequests, type FuzzRequest, type ProtectedIds } from "./fuzz-requests.js";
import { signatureChanges } from "./table-signature.js";

/** The seed of a run: FUZZ_SEED when set (to replay a failure), else the file's own fixed seed. */
export function fuzzSeed(fallback: number): number {
  const given = process.env.FUZZ_SEED;
  if (given === undefined || given === "") return fallback;
  if (given === "random") return Math.floor(Math.random() * 2 ** 31);
  const seed = Number(given);
  if (!Number.isSafeInteger(seed)) throw new Error(`FUZZ_SEED must be a whole number or "random", got ${given}`);
  return seed;
}

/** Who sends the requests: undefined is the site admin's key, null no key at all. */
export interface FuzzCallers {
  keys: Array<string | null | undefined>;
  /** The highest ids that exist before the run: those users, keys, organisations and roles are never deleted or changed. */
  protectedIds: ProtectedIds;
}

/** Sets up a store worth fuzzing: organisations, users of every role, events with objects, tags, sightings, a model, a sweep run. */
export async function fuzzFixtures(api: InProcessApp): Promise<FuzzCallers> {
  const user = await api.addUser({ role: "User" });
  const readOnly = await api.addUser({ role: "Read Only" });
  const orgAdmin = await api.addUser({ role: "Org Admin" });
  const partner = await api.addUser({ role: "User" });
  const keys = [undefined, user.key, readOnly.key, orgAdmin.key, partner.key, null, "x".repeat(40), "not a key"];
  const add = async (key: string | undefined, body: unknown) => {
    const answer = await api.call("POST", "/events/add", body, key === undefined ? {} : { key });
    if (answer.status !== 200) throw new Error(`fixture event refused: ${answer.status} ${answer.text.slice(0, 300)}`);
    return answer.json.Event;
  };
  for (let i = 0; i < 3; i++) {
    await add(undefined, {
      info: `fuzz target ${i}`,
      distribution: i,
      published: i % 2,
      Tag: [{ name: "tlp:green" }],
      Attribute: [
        { type: "domain", value: "fuzz.example", to_ids: 1, Tag: [{ name: "tlp:amber" }], Sighting: [{ type: 1 }, { type: 0 }] },
        { type: "ip-dst", value: `203.0.113.${i + 1}`, to_ids: 1, comment: "=HYPERLINK(\"http://evil.example\")" },
      ],
      Object: [{ name: "domain-ip", distribution: i === 0 ? 0 : 5, Attribute: [{ type: "domain", object_relation: "domain", value: `obj${i}.example` }] }],
    });
  }
  await add(user.key, { info: "user's event", distribution: 1, Attribute: [{ type: "url", value: "http://evil.example/x", to_ids: 1, Sighting: [{ type: 1 }] }] });
  await add(partner.key, { info: "partner's event", distribution: 0, Attribute: [{ type: "md5", value: "d41d8cd98f00b204e9800998ecf8427e" }] });
  const model = await api.call("POST", "/decayingModel/add", {
    name: "fuzz model",
    parameters: { lifetime: 30, decay_speed: 1, threshold: 30, default_base_score: 80, base_score_config: { tlp: 1 } },
    attribute_types: ["domain", "ip-dst"],
    enabled: 1,
  });
  if (model.status !== 200) throw new Error(`fixture model refused: ${model.status} ${model.text.slice(0, 300)}`);
  await api.call("POST", "/decayingModel/update");
  await api.call("POST", "/halflife/sweeps/dry-run", {});
  const store = api.context.store;
  const users = await store.users.list();
  let keyIds = 0;
  for (const user of users) for (const key of await store.keys.listForUser(user.id)) keyIds = Math.max(keyIds, key.id);
  const protectedIds: ProtectedIds = {
    users: Math.max(...users.map((u) => u.id)),
    orgs: Math.max(...(await store.orgs.list()).map((o) => o.id)),
    keys: keyIds,
    roles: Math.max(...(await store.users.roles()).map((r) => r.id)),
  };
  return { keys, protectedIds };
}

const TEXT_ROUTES = new Set(["/metrics", "/attributes/restSearch", "/events/restSearch", "/halflife/health"]);

/** What is wrong with an answer, or null. */
function problemWith(request: FuzzRequest, answer: Answer): string | null {
  if (answer.status >= 500) return `status ${answer.status}`;
  if (answer.status >= 400) {
    if (!(answer.headers.get("content-type") ?? "").includes("application/json")) return "a refusal that is not JSON";
    const body = answer.json as Record<string, unknown> | undefined;
    if (typeof body?.name !== "string" || typeof body.message !== "string" || typeof body.url !== "string") return "a refusal not in MISP's error shape";
    return null;
  }
  if (TEXT_ROUTES.has(request.route.path) && !(answer.headers.get("content-type") ?? "").includes("json")) return null;
  if (answer.json === undefined) return "a success that is not JSON";
  return null;
}

export interface FuzzOutcome {
  /** At most a few problems, each with the request that caused it. */
  problems: string[];
  /** Requests per "METHOD /path" as the OpenAPI document names it, to show that every operation was reached. */
  coverage: Map<string, number>;
  /** Answers per status class. */
  statuses: Record<string, number>;
  refusalsChecked: number;
}

/** Sends the seeded requests one after the other, checking each answer and each refusal's writes. */
export async function runRouteFuzz(api: InProcessApp, callers: FuzzCallers, options: { seed: number; count: number }): Promise<FuzzOutcome> {
  const requests = fuzzRequests(api.table.routes, { seed: options.seed, count: options.count, callers: callers.keys.length, protectedIds: callers.protectedIds });
  const outcome: FuzzOutcome = { problems: [], coverage: new Map(), statuses: {}, refusalsChecked: 0 };
  let signature = await api.signature();
  for (const [index, request] of requests.entries()) {
    const key = callers.keys[request.caller];
    const answer = await api.call(request.method, request.path, undefined, {
      ...(request.body === undefined ? {} : { raw: request.body }),
      ...(key === undefined ? {} : { key }),
      headers: { "Content-Type": request.contentType },
    });
    const name = `${request.method.toLowerCase()} ${request.documented}`;
    outcome.coverage.set(name, (outcome.coverage.get(name) ?? 0) + 1);
    const kind = `${Math.floor(answer.status / 100)}xx`;
    outcome.statuses[kind] = (outcome.statuses[kind] ?? 0) + 1;
    const describe = (what: string) =>
      `seed ${options.seed}, request #${index} (caller ${request.caller}): ${request.method} ${request.path} ` +
      `[${request.contentType}] ${(request.body ?? "").slice(0, 200)} → ${answer.status} ${answer.text.slice(0, 200)}: ${what}`;
    const problem = problemWith(request, answer);
    if (problem) outcome.problems.push(describe(problem));
    const after = await api.signature();
    if (answer.status >= 400) {
      outcome.refusalsChecked++;
      const changes = signatureChanges(signature, after);
      if (changes.length) outcome.problems.push(describe(`a refusal that wrote (${changes.join("; ")})`));
    }
    signature = after;
    if (outcome.problems.length >= 10) break;
  }
  return outcome;
}
