/** PostgreSQL through a pg pool. Many Halflife nodes may share one server. */
import { Kysely, PostgresDialect, sql } from "kysely";
import pg from "pg";
import type { Database } from "../schema.js";
import type { Dialect } from "./dialect.js";

// bigint (int8) and numeric come back as strings by default; Halflife stores times and counts in
// them, all well inside 2^53.
pg.types.setTypeParser(20, (value) => Number(value));
pg.types.setTypeParser(1700, (value) => Number(value));

export function openPostgres(url: string, options: { poolSize?: number } = {}): { db: Kysely<Database>; dialect: Dialect; pool: pg.Pool } {
  const pool = new pg.Pool({ connectionString: url, max: options.poolSize ?? 10 });
  // An idle client losing its connection must not crash the process.
  pool.on("error", () => {});
  // Nor may a client that is checked out and idle between queries (a held job lock waits like
  // that): its query fails instead, and the pool drops it.
  pool.on("connect", (client) => client.on("error", () => {}));
  const db = new Kysely<Database>({ dialect: new PostgresDialect({ pool }) });
  const dialect: Dialect = {
    name: "postgres",
    addIdColumn: (table) => table.addColumn("id", "serial", (c) => c.primaryKey()),
    afterExplicitIds: async (database, table) => {
      await sql`select setval(pg_get_serial_sequence(${table}, 'id'), (select max(id) from ${sql.table(table)}))`.execute(database);
    },
    clustered: (table) => table,
    caseInsensitiveLike: "ilike",
    maxParameters: 60_000,
    close: async () => {
      await db.destroy();
    },
  };
  return { db, dialect, pool };
}
