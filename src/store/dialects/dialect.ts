/**
 * What differs between SQLite and PostgreSQL, as a few capabilities. Repositories and migrations
 * ask these instead of testing which database they run on.
 */
import type { CreateIndexBuilder, CreateTableBuilder, Kysely } from "kysely";
import type { Database } from "../schema.js";

export interface Dialect {
  readonly name: "sqlite" | "postgres";
  /** Adds an auto-incrementing integer primary key column named `id`. */
  addIdColumn<T extends string>(table: CreateTableBuilder<T, never>): CreateTableBuilder<T, "id">;
  /** After rows were inserted with explicit ids, lets new rows continue after the largest. */
  afterExplicitIds(db: Kysely<unknown>, table: string): Promise<void>;
  /** The operator for a case-insensitive LIKE (MISP's MySQL collations are case-insensitive). */
  readonly caseInsensitiveLike: "like" | "ilike";
  /** Finishes a CREATE TABLE whose rows should be stored in primary-key order (SQLite: WITHOUT ROWID). */
  clustered<T extends string, C extends string>(table: CreateTableBuilder<T, C>): CreateTableBuilder<T, C>;
  /**
   * An index for equality lookups on text of any length (attribute values: a YARA rule can run to
   * kilobytes). PostgreSQL's B-tree entries stop at about 2.7 kB, so there it is a hash index.
   */
  equalityIndex<C extends string>(index: CreateIndexBuilder<C>): CreateIndexBuilder<C>;
  /** How many bound parameters one statement may carry; batch sizes derive from it. */
  readonly maxParameters: number;
  /**
   * Inserts many rows and returns their new ids in order, where the database has a faster way than
   * a multi-row INSERT of thousands of parameters, which both databases spend longer parsing and
   * binding than inserting. SQLite: one cached single-row statement, run once per row. PostgreSQL:
   * one INSERT … SELECT FROM unnest(…) with an array per column. `db` is the handle to run on (a
   * transaction's). Only for use inside a transaction. Absent: use multi-row INSERTs.
   */
  readonly insertRows?: (db: Kysely<Database>, table: string, columns: readonly string[], rows: ReadonlyArray<readonly unknown[]>) => number[] | Promise<number[]>;
  /**
   * Called in a write transaction just before it brings the decay index up to date; returns once
   * no other transaction is doing the same. The index is rewritten row by row (delete, insert):
   * two transactions refreshing one attribute at once (a sweep pulling it while a sighting of it
   * arrives) would both insert its rows, and the second would fail on the primary key. SQLite
   * has one writer at a time already; PostgreSQL takes a transaction-scoped advisory lock, freed at
   * commit or rollback, so that each refresh sees the rows of the one before.
   */
  lockIndex(db: Kysely<Database>): Promise<void>;
  /**
   * Brings the query planner's statistics up to date where the data changed much since they were
   * taken. Cheap when nothing did. Without statistics SQLite can pick a plan that scans a million
   * attributes where it could have started from a hundred events.
   */
  optimize(): Promise<void>;
  close(): Promise<void>;
}
