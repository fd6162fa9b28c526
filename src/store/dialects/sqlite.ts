/**
 * SQLite through better-sqlite3: one file, WAL, and pragmas for a server's workload. Two
 * connections: a writer, and a reader that answers reads outside transactions (sqlite-driver.ts).
 */
import { mkdirSync } from "node:fs";
import path from "node:path";
import SqliteDatabase from "better-sqlite3";
import { Kysely, SqliteAdapter, SqliteIntrospector, SqliteQueryCompiler, sql } from "kysely";
import type { Database } from "../schema.js";
import type { Dialect } from "./dialect.js";
import { SqliteWriterDriver } from "./sqlite-driver.js";

export interface SqliteOptions {
  /** How long a write waits for another writer (another process's sweep, say) before a 503 (ms). */
  writePatienceMs?: number;
  /** The longest a transaction keeps the event loop before letting it run (ms). */
  sliceMs?: number;
}

/** Writers wait this long for each other; the documented promise (docs/operations.md). */
export const WRITE_PATIENCE_MS = 15_000;

function connect(file: string, options: { readonly?: boolean } = {}): SqliteDatabase.Database {
  const raw = new SqliteDatabase(file, options.readonly ? { readonly: true } : {});
  if (!options.readonly) {
    raw.pragma("journal_mode = WAL");
    raw.pragma("synchronous = NORMAL");
  }
  raw.pragma("foreign_keys = ON");
  // Never a long synchronous wait: it would freeze the event loop, and with it every request. The
  // writer asks for the lock with BEGIN IMMEDIATE and waits asynchronously (sqlite-driver.ts);
  // this only covers the brief moments in which a reader meets a checkpoint.
  raw.pragma(`busy_timeout = ${options.readonly ? 100 : 0}`);
  raw.pragma("cache_size = -131072");
  raw.pragma("temp_store = MEMORY");
  raw.pragma("mmap_size = 1073741824");
  return raw;
}

export function openSqlite(file: string, options: SqliteOptions = {}): { db: Kysely<Database>; dialect: Dialect; raw: SqliteDatabase.Database } {
  if (file !== ":memory:") mkdirSync(path.dirname(path.resolve(file)), { recursive: true });
  const raw = connect(file);
  // The writer created the file and switched it to WAL; the reader opens it after that.
  const reader = file === ":memory:" ? null : connect(file, { readonly: true });
  const driver = new SqliteWriterDriver({
    writer: raw,
    reader,
    patienceMs: options.writePatienceMs ?? WRITE_PATIENCE_MS,
    sliceMs: options.sliceMs ?? 15,
  });
  const db = new Kysely<Database>({
    dialect: {
      createAdapter: () => new SqliteAdapter(),
      createDriver: () => driver,
      createQueryCompiler: () => new SqliteQueryCompiler(),
      createIntrospector: (kysely) => new SqliteIntrospector(kysely),
    },
  });
  const inserts = new Map<string, SqliteDatabase.Statement>();
  const dialect: Dialect = {
    name: "sqlite",
    addIdColumn: (table) => table.addColumn("id", "integer", (c) => c.primaryKey().autoIncrement()),
    afterExplicitIds: async () => {},
    clustered: (table) => table.modifyEnd(sql`without rowid`),
    equalityIndex: (index) => index,
    caseInsensitiveLike: "like",
    maxParameters: 32_000,
    // SQLite has one connection: the transaction's handle is `raw` itself.
    insertRows: (_db, table, columns, rows) => {
      const key = `${table}(${columns.join(",")})`;
      let statement = inserts.get(key);
      if (!statement) {
        statement = raw.prepare(`insert into "${table}" (${columns.map((c) => `"${c}"`).join(", ")}) values (${columns.map(() => "?").join(", ")})`);
        inserts.set(key, statement);
      }
      return rows.map((row) => Number(statement.run(row as unknown[]).lastInsertRowid));
    },
    // One writer at a time: a transaction that refreshes the index is the only one writing.
    lockIndex: async () => {},
    optimize: () =>
      driver.withWriter((writer) => {
        // A sample of a thousand rows per index is enough for the planner, and keeps the first run
        // on a large store under a second; 0x10002 looks at every table, not only those queried lately.
        writer.pragma("analysis_limit = 1000");
        writer.pragma("optimize = 0x10002");
      }),
    close: async () => {
      await db.destroy();
    },
  };
  return { db, dialect, raw };
}
