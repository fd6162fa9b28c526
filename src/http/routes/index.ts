/** Every route module, in one list. */
import type { RouteTable } from "../route-table.js";
import type { HttpDeps } from "../server.js";
import { attributeRoutes } from "./misp-attributes.js";
import { coreRoutes } from "./misp-core.js";
import { eventRoutes } from "./misp-events.js";
import { objectRoutes } from "./misp-objects.js";
import { sightingRoutes } from "./misp-sightings.js";
import { taxonomyRoutes } from "./misp-taxonomies.js";
import { halflifeRoutes } from "./halflife.js";
import { decayingModelRoutes } from "./misp-decaying-models.js";
import { sweepRoutes } from "./halflife-sweeps.js";
import { adminRoutes } from "./misp-admin.js";

export function mispRoutes(table: RouteTable, deps: HttpDeps): void {
  coreRoutes(table, deps);
  eventRoutes(table, deps);
  attributeRoutes(table, deps);
  objectRoutes(table, deps);
  sightingRoutes(table, deps);
  taxonomyRoutes(table, deps);
  decayingModelRoutes(table, deps);
  adminRoutes(table, deps);
  halflifeRoutes(table, deps);
  sweepRoutes(table, deps);
}
