/**
 * What every use-case receives: the store, the formulas, the clock and the instance settings.
 * main.ts builds it once; tests build their own with a fixed clock.
 */
import type { Principal } from "../core/domain.js";
import type { FormulaRegistry } from "../core/formulas/registry.js";
import type { Store, Viewer } from "../store/store.js";
import type { SweepSettings } from "./sweep-settings.js";

export interface InstanceSettings {
  /** MISP's Plugin.Sightings_policy. */
  sightingsPolicy: 0 | 1 | 2 | 3;
  /** Name of the organisation that owns the instance. */
  orgName: string;
  /** Distribution of an event added without one (MISP's default_event_distribution); 1 when unset. */
  defaultDistribution?: 0 | 1 | 2 | 3;
  /** The false-positive sweep's settings; the built-in defaults when unset. */
  sweep?: SweepSettings;
}

export interface AppContext {
  store: Store;
  formulas: FormulaRegistry;
  /** Unix seconds. */
  now(): number;
  uuid(): string;
  settings: InstanceSettings;
  /** The host organisation's id, known once the instance is bootstrapped. */
  hostOrgId(): number;
}

/** The visibility context of a principal. */
export function viewerOf(context: AppContext, principal: Principal): Viewer {
  return {
    orgId: principal.org.id,
    siteAdmin: principal.role.perm_site_admin,
    sync: principal.role.perm_sync,
    sightingsPolicy: context.settings.sightingsPolicy,
    hostOrgId: context.hostOrgId(),
  };
}

/** A viewer that sees everything: for the CLI and scheduled jobs, which act for the instance. */
export function instanceViewer(context: AppContext): Viewer {
  return { orgId: context.hostOrgId(), siteAdmin: true, sightingsPolicy: context.settings.sightingsPolicy, hostOrgId: context.hostOrgId() };
}
