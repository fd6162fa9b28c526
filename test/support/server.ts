// A real Halflife server for end-to-end tests: a real SQLite file (or a real PostgreSQL database),
// the real HTTP app on a free loopback port, a fixed clock, and a known admin key.
import path from "node:path";
import type { ServerType } from "@hono/node-server";
import { bootstrap } from "../../src/app/bootstrap.js";
import type { AppContext } from "../../src/app/context.js";
import { createUser, createOrg } from "../../src/app/admin.js";
import { openApp, type App } from "../../src/compose.js";
import { loadConfig } from "../../src/config/load.js";
import { formulas } from "../../src/core/formulas/registry.js";
import type { Principal } from "../../src/core/domain.js";
import { createHttpApp, listen, type HttpDeps } from "../../src/http/server.js";
import { createMetrics } from "../../src/http/metrics.js";
import { createTestDatabase } from "./databases.js";
import { removeFolder, temporaryFolder } from "./temp.js";

export const ADMIN_KEY = "TestAdminKey0000000000000000000000000001";

export type Dialect = "sqlite" | "postgres";

export interface TestServer {
  url: string;
  /** The SQLite file (undefined on PostgreSQL), for commands run against the same store. */
  dbFile: string | undefined;
  context: AppContext;
  admin: Principal;
  /** Moves the server's clock. */
  setNow(seconds: number): void;
  now(): number;
  /** Calls the API over real HTTP with a key (the admin's by default). */
  call(method: string, path: string, body?: unknown, options?: { key?: string | null; headers?: Record<string, string>; raw?: string }): Promise<{ status: number; json: any; text: string; headers: Headers }>;
  /** A user in a new organisation, with a key. */
  addUser(options: { org?: string; role?: string; email?: string }): Promise<{ key: string; principal: Principal }>;
  close(): Promise<void>;
}

export interface TestServerOptions {
  dialect?: Dialect;
  now?: number;
  sightingsPolicy?: 0 | 1 | 2 | 3;
  bodyLimit?: number;
  /** Extra HTTP wiring (sessions, routes, static files); a function receives the server's context. */
  deps?: Partial<HttpDeps> | ((context: AppContext) => Partial<HttpDeps>);
  /** Extra configuration variables (HALFLIFE_SWEEP_*, HALFLIFE_SMTP_URL...). */
  env?: Record<string, string>;
}

let counter = 0;

export async function startTestServer(options: TestServerOptions = {}): Promise<TestServer> {
  let now = options.now ?? 1_767_225_600;
  let database: { url: string; drop(): Promise<void> } | undefined;
  let env: Record<string, string>;
  let folder: string | undefined;
  if ((options.dialect ?? "sqlite") === "postgres") {
    database = await createTestDatabase();
    env = { DATABASE_URL: database.url };
  } else {
    folder = temporaryFolder("store");
    env = { HALFLIFE_DB: path.join(folder, "halflife.db") };
  }
  const config = loadConfig({ env: { ...env, HALFLIFE_SIGHTINGS_POLICY: String(options.sightingsPolicy ?? 0), HALFLIFE_LOG_LEVEL: "silent", ...options.env } });
  const app: App = await openApp(config, formulas, () => now);
  const started = await bootstrap(app.context, { adminKey: ADMIN_KEY });
  await app.refreshHostOrg();
  const admin = (await app.context.store.keys.principalForUser(started.admin.id))!;
  const silent = { error: () => {}, info: () => {} };
  const { app: http } = createHttpApp({
    context: app.context,
    bodyLimit: options.bodyLimit ?? 5 * 1024 * 1024,
    log: silent,
    metrics: createMetrics(),
    version: "test",
    ...(typeof options.deps === "function" ? options.deps(app.context) : options.deps),
  });
  const { server, url } = await listen(http, "127.0.0.1", 0);

  const call: TestServer["call"] = async (method, route, body, callOptions = {}) => {
    const headers: Record<string, string> = { Accept: "application/json", "Content-Type": "application/json", ...callOptions.headers };
    const key = callOptions.key === undefined ? ADMIN_KEY : callOptions.key;
    if (key !== null) headers.Authorization = key;
    const response = await fetch(`${url}${route}`, {
      method,
      headers,
      ...(callOptions.raw !== undefined ? { body: callOptions.raw } : body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    const text = await response.text();
    let json: unknown = undefined;
    try {
      json = text === "" ? undefined : JSON.parse(text);
    } catch {
      json = undefined;
    }
    return { status: response.status, json, text, headers: response.headers };
  };

  return {
    url,
    dbFile: env.HALFLIFE_DB,
    context: app.context,
    admin,
    setNow: (seconds) => {
      now = seconds;
    },
    now: () => now,
    call,
    async addUser({ org, role = "User", email }) {
      const orgName = org ?? `Org ${++counter} ${process.pid}`;
      const existing = await app.context.store.orgs.byName(orgName);
      const record = existing ?? (await createOrg(app.context, null, { name: orgName }));
      const created = await createUser(app.context, null, { email: email ?? `user${++counter}-${process.pid}@example.test`, org: record.id, role });
      return { key: created.key, principal: (await app.context.store.keys.principalForUser(created.user.id))! };
    },
    async close() {
      try {
        await new Promise<void>((resolve) => (server as ServerType).close(() => resolve()));
        await app.close();
        await database?.drop();
      } finally {
        if (folder) removeFolder(folder);
      }
    },
  };
}

/** A MISP event body with sensible defaults, for tests. */
export function eventBody(overrides: Record<string, unknown> = {}, attributes: Array<Record<string, unknown>> = []) {
  return { info: "A test event", distribution: "1", threat_level_id: "2", analysis: "0", Attribute: attributes, ...overrides };
}
