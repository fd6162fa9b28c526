/** servers/getVersion and attributes/describeTypes: what PyMISP asks at connection (with users/view/me, in misp-admin.ts). */
import { describeTypes } from "../../misp/describe-types.js";
import type { RouteTable } from "../route-table.js";
import type { HttpDeps } from "../server.js";

/** The MISP API level Halflife speaks; PyMISP parses it as integers. */
export const MISP_API_VERSION = "2.5.1";

export function coreRoutes(table: RouteTable, deps: HttpDeps): void {
  table
    .add({
      methods: ["GET"],
      path: "/servers/getVersion",
      group: "servers",
      summary: "The MISP API version Halflife implements, and the caller's sighting permission.",
      handler: (c, principal) =>
        c.json({
          version: MISP_API_VERSION,
          pymisp_recommended_version: MISP_API_VERSION,
          perm_sync: principal.role.perm_sync,
          perm_sighting: principal.role.perm_sighting,
          perm_galaxy_editor: false,
          perm_analyst_data: false,
          uuid: "-",
          request_encoding: [],
          filter_sightings: true,
          halflife_version: deps.version,
        }),
    })
    .add({
      methods: ["GET"],
      path: "/servers/getPyMISPVersion",
      group: "servers",
      summary: "The PyMISP version this server is tested with.",
      handler: (c) => c.json({ version: MISP_API_VERSION }),
    })
    .add({
      methods: ["GET"],
      path: "/attributes/describeTypes",
      group: "attributes",
      summary: "Attribute types, categories and their defaults.",
      handler: (c) => c.json(describeTypes()),
    });
}
