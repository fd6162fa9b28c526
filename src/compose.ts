/**
 * Building the application from configuration: the store, the formulas, the clock. Used by the
 * command line and the server alike; nothing else constructs these.
 */
import { randomUUID } from "node:crypto";
import type { AppContext } from "./app/context.js";
import type { Config } from "./config/schema.js";
import type { FormulaRegistry } from "./core/formulas/registry.js";
import { openStore } from "./store/open.js";
import { sweepSettingsFrom } from "./sweep-config.js";

export interface App {
  context: AppContext;
  /** Reads the host organisation again (after bootstrap has created it). */
  refreshHostOrg(): Promise<void>;
  close(): Promise<void>;
}

export async function openApp(config: Config, formulas: FormulaRegistry, clock: () => number = () => Math.floor(Date.now() / 1000)): Promise<App> {
  const store = await openStore(config.DATABASE_URL ? { postgresUrl: config.DATABASE_URL } : { sqliteFile: config.HALFLIFE_DB }, formulas);
  let hostOrgId = (await store.orgs.list())[0]?.id ?? 1;
  const context: AppContext = {
    store,
    formulas,
    now: clock,
    uuid: randomUUID,
    settings: { sightingsPolicy: config.HALFLIFE_SIGHTINGS_POLICY as 0 | 1 | 2 | 3, orgName: config.HALFLIFE_ORG_NAME, defaultDistribution: config.HALFLIFE_DEFAULT_DISTRIBUTION as 0 | 1 | 2 | 3, sweep: sweepSettingsFrom(config) },
    hostOrgId: () => hostOrgId,
  };
  return {
    context,
    // The host organisation is the first one; bootstrap may create it after the store opens.
    refreshHostOrg: async () => {
      hostOrgId = (await store.orgs.list())[0]?.id ?? hostOrgId;
    },
    close: () => store.close(),
  };
}
