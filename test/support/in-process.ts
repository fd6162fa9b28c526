// The real HTTP application over a real store, called in process through `app.request()` (no
// port): for the many API tests where a socket adds nothing. The end-to-end PyMISP flows use
// test/support/server.ts instead, over real HTTP.
import path from "node:path";
import type { Hono } from "hono";
import { createOrg, createUser } from "../../src/app/admin.js";
import { bootstrap } from "../../src/app/bootstrap.js";
import type { AppContext } from "../../src/app/context.js";
import { openApp, type App } from "../../src/compose.js";
import { loadConfig } from "../../src/config/load.js";
import type { Principal } from "../../src/core/domain.js";
import { formulas, type FormulaRegistry } from "../../src/core/formulas/registry.js";
import { createMetrics } from "../../src/http/metrics.js";
import type { RouteTable } from "../../src/http/route-table.js";
import { createHttpApp } from "../../src/http/server.js";
import { cookieSessions, sessionRoutes } from "../../src/http/session.js";
import { createTestDatabase } from "./databases.js";
import { postgresSignature, sqliteSignature, type SignatureReader, type TableSignature } from "./table-signature.js";
import { ADMIN_KEY, type Dialect } from "./server.js";
import { removeFolder, temporaryFolder } from "./temp.js";

export { ADMIN_KEY };

/** 2026-01-01T00:00:00Z, the fixed "now" of API tests. */
export const NOW = 1_767_225_600;

export interface Answer {
  status: number;
  json: any;
  text: string;
  headers: Headers;
}

export interface CallOptions {
  /** The API key; the admin's by default, null for none. */
  key?: string | null;
  headers?: Record<string, string>;
  /** A raw body, sent as it is. */
  raw?: string;
}

export interface InProcessApp {
  app: Hono;
  table: RouteTable;
  context: AppContext;
  admin: Principal;
  setNow(seconds: number): void;
  now(): number;
  call(method: string, route: string, body?: unknown, options?: CallOptions): Promise<Answer>;
  /** A user (in a new organisation unless `org` names an existing one), with a key. */
  addUser(options?: { org?: string; role?: string; email?: string }): Promise<{ key: string; principal: Principal }>;
  /** Row counts of every table that requests write to, to show that a refusal wrote nothing. */
  counts(): Promise<Record<string, number>>;
  /** Row count and checksum of every table, read over a connection of its own (see table-signature.ts). */
  signature(): Promise<TableSignature>;
  /** Errors the app logged as unexpected (each became a 500). */
  unexpectedErrors: unknown[];
  close(): Promise<void>;
}

export interface InProcessOptions {
  dialect?: Dialect;
  now?: number;
  sightingsPolicy?: 0 | 1 | 2 | 3;
  bodyLimit?: number;
  /** The formulas, with plug-ins (the built-ins by default). */
  formulas?: FormulaRegistry;
  /** Further configuration variables. */
  env?: Record<string, string>;
  /** HALFLIFE_CSV_SAFE (default true). */
  csvSafe?: boolean;
  /** An existing SQLite file (one the command line wrote, say) instead of a new one. */
  sqliteFile?: string;
}

let users = 0;

export async function startInProcess(options: InProcessOptions = {}): Promise<InProcessApp> {
  let now = options.now ?? NOW;
  let database: { url: string; drop(): Promise<void> } | undefined;
  let env: Record<string, string>;
  let folder: string | undefined;
  let signatures: () => SignatureReader;
  if ((options.dialect ?? "sqlite") === "postgres") {
    database = await createTestDatabase();
    env = { DATABASE_URL: database.url };
    const url = database.url;
    signatures = () => postgresSignature(url);
  } else {
    if (!options.sqliteFile) folder = temporaryFolder("api");
    const file = options.sqliteFile ?? path.join(folder!, "halflife.db");
    env = { HALFLIFE_DB: file };
    signatures = () => sqliteSignature(file);
  }
  let reader: SignatureReader | undefined;
  const config = loadConfig({ env: { ...env, HALFLIFE_SIGHTINGS_POLICY: String(options.sightingsPolicy ?? 0), HALFLIFE_LOG_LEVEL: "silent", ...options.env } });
  const opened: App = await openApp(config, options.formulas ?? formulas, () => now);
  const started = await bootstrap(opened.context, { adminKey: ADMIN_KEY });
  await opened.refreshHostOrg();
  const admin = (await opened.context.store.keys.principalForUser(started.admin.id))!;
  const errors: unknown[] = [];
  const { app, table } = createHttpApp({
    context: opened.context,
    bodyLimit: options.bodyLimit ?? 5 * 1024 * 1024,
    ...(options.csvSafe === undefined ? {} : { csvSafe: options.csvSafe }),
    log: { error: (details) => errors.push(details), info: () => {} },
    metrics: createMetrics(),
    version: "test",
    // The web UI's login routes too, as `halflife serve` registers them, so every route is reachable.
    sessions: cookieSessions(opened.context),
    extraRoutes: (routes) => sessionRoutes(routes, opened.context, { ttlSeconds: 3600 }),
  });

  const call: InProcessApp["call"] = async (method, route, body, callOptions = {}) => {
    const headers: Record<string, string> = { Accept: "application/json", "Content-Type": "application/json", ...callOptions.headers };
    const key = callOptions.key === undefined ? ADMIN_KEY : callOptions.key;
    if (key !== null) headers.Authorization = key;
    const init: RequestInit = { method, headers };
    if (callOptions.raw !== undefined) init.body = callOptions.raw;
    else if (body !== undefined) init.body = JSON.stringify(body);
    const response = await app.request(`http://halflife.test${route}`, init);
    const text = await response.text();
    let json: unknown;
    try {
      json = text === "" ? undefined : JSON.parse(text);
    } catch {
      json = undefined;
    }
    return { status: response.status, json, text, headers: response.headers };
  };

  const tables = ["organisations", "users", "api_keys", "events", "objects", "attributes", "tags", "event_tags", "attribute_tags", "sightings", "taxonomies"] as const;

  return {
    app,
    table,
    context: opened.context,
    admin,
    setNow: (seconds) => {
      now = seconds;
    },
    now: () => now,
    call,
    async addUser({ org, role = "User", email } = {}) {
      const orgName = org ?? `Org ${++users} ${process.pid}`;
      const record = (await opened.context.store.orgs.byName(orgName)) ?? (await createOrg(opened.context, null, { name: orgName }));
      const created = await createUser(opened.context, null, { email: email ?? `user${++users}-${process.pid}@example.test`, org: record.id, role });
      return { key: created.key, principal: (await opened.context.store.keys.principalForUser(created.user.id))! };
    },
    async counts() {
      // Through the store's ports, as a site admin who sees everything.
      const out: Record<string, number> = {};
      for (const name of tables) out[name] = await countRows(opened, name);
      return out;
    },
    unexpectedErrors: errors,
    signature: () => (reader ??= signatures()).read(),
    async close() {
      try {
        await reader?.close();
        await opened.close();
        await database?.drop();
      } finally {
        if (folder) removeFolder(folder);
      }
    },
  };
}

async function countRows(opened: App, table: string): Promise<number> {
  const store = opened.context.store;
  const admin = { orgId: opened.context.hostOrgId(), siteAdmin: true, sightingsPolicy: 2 as const, hostOrgId: opened.context.hostOrgId() };
  switch (table) {
    case "organisations":
      return (await store.orgs.list()).length;
    case "users":
      return store.users.count();
    case "api_keys": {
      let n = 0;
      for (const user of await store.users.list()) n += (await store.keys.listForUser(user.id)).length;
      return n;
    }
    case "events":
      return store.events.count({}, admin);
    case "attributes":
      return store.attributes.count({ deleted: "both" }, admin);
    case "tags":
      return (await store.tags.list({})).length;
    case "sightings":
      return (await store.sightings.list({}, admin)).length;
    case "taxonomies":
      return (await store.taxonomies.list()).length;
    case "objects": {
      const ids = (await store.events.list({}, admin, { limit: 1_000_000, offset: 0 })).map((e) => e.id);
      return (await store.objects.byEvents(ids, { includeDeleted: true })).length;
    }
    case "event_tags": {
      const ids = (await store.events.list({}, admin, { limit: 1_000_000, offset: 0 })).map((e) => e.id);
      let n = 0;
      for (const list of (await store.events.tags(ids)).values()) n += list.length;
      return n;
    }
    case "attribute_tags": {
      const events = (await store.events.list({}, admin, { limit: 1_000_000, offset: 0 })).map((e) => e.id);
      const ids = (await store.attributes.byEvents(events, { includeDeleted: true })).map((a) => a.id);
      let n = 0;
      for (const list of (await store.attributes.tags(ids)).values()) n += list.length;
      return n;
    }
    default:
      throw new Error(`no count for ${table}`);
  }
}
