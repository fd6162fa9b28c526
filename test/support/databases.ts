// A database of its own for each test file (or test), on the run's PostgreSQL server
// (test/support/postgres.ts), so that files running in parallel never see each other's rows.
import { randomBytes } from "node:crypto";
import path from "node:path";
import pg from "pg";
import { inject } from "vitest";
import { openStore } from "../../src/store/open.js";
import type { Store } from "../../src/store/store.js";
import { removeFolder, temporaryFolder } from "./temp.js";

export interface TestDatabase {
  /** The database's name, unique across runs and processes. */
  name: string;
  /** A superuser connection URL for it. */
  url: string;
  /** Drops it, closing any connection still open to it. Safe to call twice. */
  drop(): Promise<void>;
}

/** The run's server URL, or null when the PostgreSQL tests are skipped. */
export function postgresUrl(): string | null {
  return inject("postgresUrl") ?? null;
}

/** Whether this run has a PostgreSQL server; guard suites with `describe.skipIf(!postgresAvailable())`. */
export function postgresAvailable(): boolean {
  return postgresUrl() !== null;
}

const quoteIdentifier = (name: string): string => `"${name.replaceAll('"', '""')}"`;

async function onServer(serverUrl: string, sql: string): Promise<void> {
  const client = new pg.Client({ connectionString: serverUrl });
  await client.connect();
  try {
    await client.query(sql);
  } finally {
    await client.end();
  }
}

let created = 0;

/** Creates an empty, uniquely named database on the run's server. */
export async function createTestDatabase(): Promise<TestDatabase> {
  const serverUrl = postgresUrl();
  if (serverUrl === null) throw new Error("this run has no PostgreSQL server: guard the suite with postgresAvailable()");
  // The pid and counter keep names apart within a run; the random part keeps them apart on a
  // shared server (HALFLIFE_TEST_POSTGRES_URL) used by several runs at once.
  const name = `halflife_test_${process.pid}_${++created}_${randomBytes(4).toString("hex")}`;
  await onServer(serverUrl, `create database ${quoteIdentifier(name)}`);

  const url = new URL(serverUrl);
  url.pathname = `/${name}`;
  let dropped = false;
  return {
    name,
    url: url.toString(),
    async drop() {
      if (dropped) return;
      dropped = true;
      // FORCE ends connections a test forgot to close, such as an unclosed pool.
      await onServer(serverUrl, `drop database if exists ${quoteIdentifier(name)} with (force)`);
    },
  };
}

/**
 * A fresh, migrated store on either database: a new SQLite file in a temporary directory, or a new
 * database on the run's PostgreSQL server. `close` closes it and drops the database.
 */
export async function openTestStore(dialect: "sqlite" | "postgres", prefix: string): Promise<{ store: Store; close(): Promise<void> }> {
  const database = dialect === "postgres" ? await createTestDatabase() : null;
  const folder = database ? undefined : temporaryFolder(prefix);
  const store = database ? await openStore({ postgresUrl: database.url }) : await openStore({ sqliteFile: path.join(folder!, "h.db") });
  return {
    store,
    async close() {
      try {
        await store.close();
        await database?.drop();
      } finally {
        if (folder) removeFolder(folder);
      }
    },
  };
}
