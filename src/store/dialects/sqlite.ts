/** SQLite through better-sqlite3: one file, WAL, and pragmas for a server's workload. */
import { mkdirSync } from "node:fs";
import path from "node:path";
import SqliteDatabase from "better-sqlite3";
import { Kysely, SqliteDialect, sql } from "kysely";
import type { Database } from "../schema.js";
import type { Dialect } from "./dialect.js";

export function openSqlite(file: string): { db: Kysely<Database>; dialect: Dialect; raw: SqliteDatabase.Database } {
  if (file !== ":memory:") mkdirSync(path.dirname(path.resolve(file)), { recursive: true });
  const raw = new SqliteDatabase(file);
  raw.pragma("journal_mode = WAL");
  raw.pragma("synchronous = NORMAL");
  raw.pragma("foreign_keys = ON");
  // Other processes (a CLI sweep next to the server) wait for the write lock instead of failing.
  raw.pragma("busy_timeout = 15000");
  raw.pragma("cache_size = -131072");
  raw.pragma("temp_store = MEMORY");
  raw.pragma("mmap_size = 1073741824");
  const db = new Kysely<Database>({ dialect: new SqliteDialect({ database: raw }) });
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
    optimize: async () => {
      // A sample of a thousand rows per index is enough for the planner, and keeps the first run on
      // a large store under a second; 0x10002 looks at every table, not only those queried lately.
      raw.pragma("analysis_limit = 1000");
      raw.pragma("optimize = 0x10002");
    },
    close: async () => {
      await db.destroy();
    },
  };
  return { db, dialect, raw };
}
