/**
 * What differs between SQLite and PostgreSQL, as a few capabilities. Repositories and migrations
 * ask these instead of testing which database they run on.
 */
import type { CreateIndexBuilder, CreateTableBuilder, Kysely } from "kysely";

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
   * Inserts rows with one cached single-row statement, and returns their new ids in order, when
   * the database does that faster than a multi-row INSERT built for each batch (SQLite, where
   * compiling a statement of thousands of parameters costs more than the inserts). Only for use
   * inside a transaction, which already holds the one connection. Absent: use multi-row INSERTs.
   */
  readonly insertRows?: (table: string, columns: readonly string[], rows: ReadonlyArray<readonly unknown[]>) => number[];
  /**
   * Brings the query planner's statistics up to date where the data changed much since they were
   * taken. Cheap when nothing did. Without statistics SQLite can pick a plan that scans a million
   * attributes where it could have started from a hundred events.
   */
  optimize(): Promise<void>;
  close(): Promise<void>;
}
