/**
 * Routes are declared once, with what the OpenAPI document needs (summary, group, auth, body),
 * and registered on the Hono app from that declaration, so the document cannot miss a route.
 */
import type { Context } from "hono";
import type { z } from "zod";
import type { Principal } from "../core/domain.js";

export type Method = "GET" | "POST" | "PUT" | "DELETE";

export interface RouteSpec {
  methods: Method[];
  /** Hono syntax: /events/view/:id */
  path: string;
  summary: string;
  group: string;
  /** Routes answer only authenticated requests unless this is false. */
  auth?: boolean;
  /** A description of the JSON body, for the document (validation happens in the handler). */
  body?: z.ZodType;
  /** Describes the success answer for the document. */
  response?: string;
  handler: (c: Context, principal: Principal) => Response | Promise<Response>;
  /** Handler for unauthenticated routes. */
  open?: (c: Context) => Response | Promise<Response>;
}

export class RouteTable {
  readonly routes: RouteSpec[] = [];

  add(spec: RouteSpec): this {
    this.routes.push(spec);
    return this;
  }
}
