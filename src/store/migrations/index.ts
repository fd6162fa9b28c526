/**
 * Runs the schema migrations at start-up. Forward-only: a migration is never edited once shipped;
 * changes come as new migrations, appended to this list.
 */
import { Migrator, type Kysely, type Migration, type MigrationProvider } from "kysely";
import type { Dialect } from "../dialects/dialect.js";
import * as initial from "./0001-initial.js";
import * as decayingModels from "./0002-decaying-models.js";
import * as sweepRuns from "./0003-sweep-runs.js";
import * as uiSessions from "./0004-ui-sessions.js";
import * as deletedAttributes from "./0005-deleted-attributes.js";
import * as summaryToIds from "./0006-summary-to-ids.js";
import * as interruptedRunTotals from "./0007-interrupted-run-totals.js";
import * as administration from "./0009-administration.js";

type Step = { up(db: Kysely<unknown>, dialect: Dialect): Promise<void> };

const STEPS: Array<[string, Step]> = [
  ["0001-initial", initial],
  ["0002-decaying-models", decayingModels],
  ["0003-sweep-runs", sweepRuns],
  ["0004-ui-sessions", uiSessions],
  ["0005-deleted-attributes", deletedAttributes],
  ["0006-summary-to-ids", summaryToIds],
  ["0007-interrupted-run-totals", interruptedRunTotals],
  ["0009-administration", administration],
];

export async function migrate(db: Kysely<unknown>, dialect: Dialect): Promise<void> {
  const provider: MigrationProvider = {
    getMigrations: async () =>
      Object.fromEntries(STEPS.map(([name, step]): [string, Migration] => [name, { up: (database) => step.up(database, dialect) }])),
  };
  // Migrations are numbered when they are written, and may ship in another order than their
  // numbers (work lands as it is finished); each one is independent of the others' order.
  const { error, results } = await new Migrator({ db, provider, allowUnorderedMigrations: true }).migrateToLatest();
  if (error) {
    const failed = results?.find((r) => r.status === "Error")?.migrationName ?? "?";
    throw new Error(`database migration ${failed} failed: ${error instanceof Error ? error.message : String(error)}`);
  }
}
