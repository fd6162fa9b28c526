// A signature of every table in a store: its row count and a checksum of its contents, read over a
// connection of its own. Two equal signatures mean nothing was written in between; the fuzz test
// compares them around every refused request to prove that a refusal writes nothing.
import { createHash } from "node:crypto";
import Database from "better-sqlite3";
import pg from "pg";

/** Columns that change on reads, not writes: "last used" stamps. */
const BOOKKEEPING: Record<string, readonly string[]> = {
  api_keys: ["last_used_at"],
  users: ["last_login"],
};

/** Tables that hold no data a request may write: the migration log, and locks that live for one job. */
const SKIPPED = new Set(["kysely_migration", "kysely_migration_lock", "job_locks", "sqlite_sequence", "sqlite_stat1", "sqlite_stat4"]);

export type TableSignature = Record<string, { rows: number; checksum: string }>;

export interface SignatureReader {
  read(): Promise<TableSignature>;
  close(): Promise<void>;
}

/** Reads the signature of a SQLite file (read-only; it sees what the app has committed). */
export function sqliteSignature(file: string): SignatureReader {
  const db = new Database(file, { readonly: true, fileMustExist: true });
  let statements: Array<{ table: string; select: Database.Statement }> | null = null;
  const prepare = () => {
    const tables = (db.prepare("select name from sqlite_master where type = 'table' order by name").all() as Array<{ name: string }>).map((t) => t.name).filter((t) => !SKIPPED.has(t));
    return tables.map((table) => {
      const columns = (db.prepare(`select name from pragma_table_info(?)`).all(table) as Array<{ name: string }>)
        .map((c) => c.name)
        .filter((c) => !(BOOKKEEPING[table] ?? []).includes(c));
      // Every table is read in a fixed order, so equal contents always hash alike.
      const list = columns.map((c) => `"${c}"`).join(", ");
      return { table, select: db.prepare(`select ${list} from "${table}" order by ${list}`).raw(true) };
    });
  };
  // SQLite counts the commits of other connections: while it stays the same, nothing was written,
  // and the last signature still holds (most refusals write nothing, so most reads end here).
  const dataVersion = db.prepare("pragma data_version").pluck(true);
  let last: { version: unknown; signature: TableSignature } | undefined;
  return {
    async read() {
      const version = dataVersion.get();
      if (last && last.version === version) return last.signature;
      statements ??= prepare();
      const out: TableSignature = {};
      for (const { table, select } of statements) {
        const hash = createHash("sha256");
        let rows = 0;
        for (const row of select.iterate() as Iterable<unknown[]>) {
          rows++;
          hash.update(JSON.stringify(row, (_k, v: unknown) => (typeof v === "bigint" ? String(v) : Buffer.isBuffer(v) ? v.toString("hex") : v)));
          hash.update("\n");
        }
        out[table] = { rows, checksum: hash.digest("hex").slice(0, 16) };
      }
      last = { version, signature: out };
      return out;
    },
    async close() {
      db.close();
    },
  };
}

/** A sequence that every write statement moves, in the test database only (see postgresSignature). */
const WRITES = "halflife_test_signature_writes";

/**
 * Reads the signature of a PostgreSQL database, every table in one statement. To spare that
 * statement when nothing was written, the first read adds to the test database a statement
 * trigger on every table that moves a sequence: sequences ignore rollbacks, so a write that was
 * rolled back moves it too (the signature is then read again, and equals the last). While the
 * sequence stays put, no statement wrote, and the last signature still holds.
 */
export function postgresSignature(url: string): SignatureReader {
  const client = new pg.Client({ connectionString: url });
  let connected: Promise<void> | null = null;
  let query: string | null = null;
  let last: { writes: string; signature: TableSignature } | undefined;
  const prepare = async () => {
    const { rows } = await client.query<{ table_name: string; column_name: string }>(
      "select table_name, column_name from information_schema.columns where table_schema = 'public' and table_name in (select table_name from information_schema.tables where table_schema = 'public' and table_type = 'BASE TABLE') order by table_name, ordinal_position",
    );
    const tables = new Map<string, string[]>();
    for (const row of rows) {
      if (SKIPPED.has(row.table_name)) continue;
      if (!tables.has(row.table_name)) tables.set(row.table_name, []);
      if (!(BOOKKEEPING[row.table_name] ?? []).includes(row.column_name)) tables.get(row.table_name)!.push(row.column_name);
    }
    await client.query(`create sequence if not exists ${WRITES}`);
    // A new sequence's first nextval leaves last_value as it was: take that step now.
    await client.query(`select nextval('${WRITES}')`);
    await client.query(`create or replace function ${WRITES}_bump() returns trigger language plpgsql as $$ begin perform nextval('${WRITES}'); return null; end $$`);
    for (const table of new Set(rows.map((r) => r.table_name))) {
      await client.query(`create or replace trigger ${WRITES} after insert or update or delete or truncate on "${table}" for each statement execute function ${WRITES}_bump()`);
    }
    return [...tables.entries()]
      .map(([table, columns]) => {
        const row = `(${columns.map((c) => `t."${c}"`).join(", ")})::text`;
        // The sum of each row's hash does not depend on the rows' order, so nothing is sorted.
        return `select '${table}' as name, count(*)::int as rows, coalesce(sum(('x' || substr(md5(${row}), 1, 15))::bit(60)::bigint::numeric), 0)::text as checksum from "${table}" t`;
      })
      .join(" union all ");
  };
  return {
    async read() {
      connected ??= client.connect().then(() => undefined);
      await connected;
      query ??= await prepare();
      const writes = (await client.query<{ n: string }>(`select last_value::text as n from ${WRITES}`)).rows[0]!.n;
      if (last && last.writes === writes) return last.signature;
      const { rows } = await client.query<{ name: string; rows: number; checksum: string }>(query);
      const out: TableSignature = {};
      for (const row of rows.sort((a, b) => a.name.localeCompare(b.name))) out[row.name] = { rows: row.rows, checksum: row.checksum };
      last = { writes, signature: out };
      return out;
    },
    async close() {
      if (connected) await client.end();
    },
  };
}

/** The tables whose signature differs, with their row counts before and after. */
export function signatureChanges(before: TableSignature, after: TableSignature): string[] {
  const names = new Set([...Object.keys(before), ...Object.keys(after)]);
  return [...names]
    .filter((name) => before[name]?.checksum !== after[name]?.checksum)
    .map((name) => `${name}: ${before[name]?.rows ?? "-"} → ${after[name]?.rows ?? "-"} rows`);
}
