/**
 * Opens the store named by the configuration: PostgreSQL when a postgres:// URL is given, else the
 * SQLite file. Runs the migrations before anything else touches the database.
 */
import { openPostgres } from "./dialects/postgres.js";
import { openSqlite } from "./dialects/sqlite.js";
import { kyselyStore } from "./kysely-store.js";
import { migrate } from "./migrations/index.js";
import type { Store } from "./store.js";
import { formulas as builtinFormulas, type FormulaRegistry } from "../core/formulas/registry.js";

export interface StoreLocation {
  sqliteFile?: string;
  postgresUrl?: string;
  /** SQLite: how long a write waits for another writer before UNAVAILABLE (ms; 15 s by default). */
  writePatienceMs?: number;
}

/** Opens the store; `formulas` (built-ins by default) compute the decay index. */
export async function openStore(location: StoreLocation, formulas: FormulaRegistry = builtinFormulas): Promise<Store> {
  const { db, dialect } = location.postgresUrl ? openPostgres(location.postgresUrl) : openSqlite(location.sqliteFile ?? "./data/halflife.db", location.writePatienceMs === undefined ? {} : { writePatienceMs: location.writePatienceMs });
  try {
    await migrate(db as never, dialect);
    // Statistics only make queries faster: a store that cannot refresh them now (another process
    // holds the write lock too long) still opens, and the next refresh will do it.
    await dialect.optimize().catch(() => {});
  } catch (error) {
    await dialect.close();
    throw error;
  }
  return kyselyStore(db, dialect, formulas);
}
