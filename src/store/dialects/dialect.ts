/**
 * What differs between SQLite and PostgreSQL, as a few capabilities. Repositories and migrations
 * ask these instead of testing which database they run on.
 */
import type { CreateTableBuilder, Kysely } from "kysely";

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
  /** How many bound parameters one statement may carry; batch sizes derive from it. */
  readonly maxParameters: number;
  close(): Promise<void>;
}
