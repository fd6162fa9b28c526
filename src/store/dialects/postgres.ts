/** PostgreSQL through a pg pool. Many Halflife nodes may share one server. */
import { Kysely, PostgresDialect, sql, type PostgresPool, type PostgresPoolClient } from "kysely";
import pg from "pg";
import { HalflifeError } from "../../core/errors.js";
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
  const db = new Kysely<Database>({ dialect: new PostgresDialect({ pool: refusingBadValues(pool) }) });
  const columnTypes = columnTypeReader();
  const dialect: Dialect = {
    name: "postgres",
    addIdColumn: (table) => table.addColumn("id", "serial", (c) => c.primaryKey()),
    afterExplicitIds: async (database, table) => {
      await sql`select setval(pg_get_serial_sequence(${table}, 'id'), (select max(id) from ${sql.table(table)}))`.execute(database);
    },
    clustered: (table) => table,
    equalityIndex: (index) => index.using("hash"),
    caseInsensitiveLike: "ilike",
    maxParameters: 60_000,
    insertRows: async (database, table, columns, rows) => {
      if (rows.length === 0) return [];
      const types = await columnTypes(database, table);
      const arrays = columns.map((_, i) => rows.map((row) => row[i] ?? null));
      const source = sql.join(columns.map((column, i) => sql`${arrays[i]}::${sql.raw(arrayType(types, table, column))}`));
      const inserted = await sql<{ id: number }>`insert into ${sql.table(table)} (${sql.join(columns.map((c) => sql.ref(c)))}) select * from unnest(${source}) returning id`.execute(database);
      // The sequence hands out ids in the order the rows are inserted, which is the arrays' order.
      return inserted.rows.map((row) => row.id).sort((a, b) => a - b);
    },
    lockIndex: async (database) => {
      await sql`select pg_advisory_xact_lock(hashtext('halflife-decay-index'))`.execute(database);
    },
    // PostgreSQL's autovacuum keeps the statistics current on its own.
    optimize: async () => {},
    close: async () => {
      await db.destroy();
    },
  };
  return { db, dialect, pool };
}

/**
 * PostgreSQL refusals caused by a request's values rather than by a fault, by SQLSTATE: they
 * become INVALID_INPUT (a 400), not an unexpected error (a 500). SQLite stores these values.
 */
const INPUT_REFUSALS: Record<string, string> = {
  // numeric_value_out_of_range: an id or a number past the integer columns' 2147483647.
  "22003": "a number in the request is out of range: ids and numbers stop at 2147483647",
  // program_limit_exceeded: an indexed text (an attribute value) longer than a B-tree entry.
  "54000": "a value in the request is too long for PostgreSQL to index (about 2,700 bytes at most)",
  // character_not_in_repertoire: text PostgreSQL cannot store.
  "22021": "a text in the request holds characters PostgreSQL cannot store",
};

/** Each column's type as PostgreSQL names it (`integer`, `bigint`, `text`…), read once per table and pool. */
function columnTypeReader(): (database: Kysely<Database>, table: string) => Promise<Map<string, string>> {
  const typesByTable = new Map<string, Promise<Map<string, string>>>();
  return (database, table) => {
    let types = typesByTable.get(table);
    if (!types) {
      types = sql<{ name: string; type: string }>`select attname as name, format_type(atttypid, atttypmod) as type from pg_attribute where attrelid = ${table}::regclass and attnum > 0 and not attisdropped`
        .execute(database)
        .then((result) => new Map(result.rows.map((row) => [row.name, row.type])));
      // A failed lookup is not cached: the next insert asks again.
      types.catch(() => typesByTable.delete(table));
      typesByTable.set(table, types);
    }
    return types;
  };
}

function arrayType(types: Map<string, string>, table: string, column: string): string {
  const type = types.get(column);
  if (!type) throw new Error(`column ${table}.${column} not found`);
  return `${type}[]`;
}

/**
 * Writes that lost a race with another request (on another node, or on another connection of this
 * one): the checks before the write passed, then the other write landed first. They become
 * CONFLICT (a 409) and leave nothing behind, as the transaction is rolled back.
 */
const RACES: Record<string, string> = {
  "23505": "the request conflicts with a change made at the same time (a uuid or name that now exists); try again",
  "40001": "the request conflicts with a change made at the same time; try again",
  "40P01": "the request conflicts with a change made at the same time; try again",
};

function refusal(error: unknown): unknown {
  const code = (error as { code?: unknown } | null)?.code;
  if (typeof code !== "string") return error;
  if (code in INPUT_REFUSALS) return new HalflifeError("INVALID_INPUT", INPUT_REFUSALS[code]!, { cause: error });
  if (code in RACES) return new HalflifeError("CONFLICT", RACES[code]!, { cause: error });
  return error;
}

/** The pool, with each client's query failures passed through `refusal`. */
function refusingBadValues(pool: pg.Pool): PostgresPool {
  // Kysely keeps one connection object per client it is handed: hand it the same wrapper each time.
  const wrappers = new WeakMap<pg.PoolClient, PostgresPoolClient>();
  return {
    async connect() {
      const client = await pool.connect();
      let wrapper = wrappers.get(client);
      if (!wrapper) {
        wrapper = {
          query: ((...args: unknown[]) => {
            const result = (client.query as (...a: unknown[]) => unknown)(...args);
            return result instanceof Promise ? result.catch((error: unknown) => Promise.reject(refusal(error))) : result;
          }) as PostgresPoolClient["query"],
          release: (destroy?: boolean | Error) => client.release(destroy),
        };
        wrappers.set(client, wrapper);
      }
      return wrapper;
    },
    end: () => pool.end(),
  };
}
