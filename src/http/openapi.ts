/** The OpenAPI 3.1 document of every route, built from the route table. */
import { z } from "zod";
import type { RouteTable } from "./route-table.js";

const errorSchema = {
  type: "object",
  description: "MISP's error body.",
  properties: { name: { type: "string" }, message: { type: "string" }, url: { type: "string" }, errors: { type: "object" } },
  required: ["name", "message", "url"],
};

export function openApiDocument(table: RouteTable, version: string): Record<string, unknown> {
  const paths: Record<string, Record<string, unknown>> = {};
  for (const route of table.routes) {
    // Hono's optional parameters (":id?") become separate documented paths.
    const variants = expandOptional(route.path);
    for (const variant of variants) {
      const path = variant.replace(/:([A-Za-z_]+)/g, "{$1}");
      const parameters = [...variant.matchAll(/:([A-Za-z_]+)/g)].map(([, name]) => ({ name, in: "path", required: true, schema: { type: "string" } }));
      for (const method of route.methods) {
        const operation: Record<string, unknown> = {
          summary: route.summary,
          tags: [route.group],
          operationId: `${method.toLowerCase()}${path.replace(/[{}]/g, "").replace(/[^A-Za-z0-9]+(.)?/g, (_, c: string | undefined) => (c ? c.toUpperCase() : ""))}`,
          parameters,
          responses: {
            "200": { description: route.response ?? "MISP's JSON answer." },
            "400": { description: "Invalid input.", content: { "application/json": { schema: errorSchema } } },
            "403": { description: "Missing or bad key, or not allowed.", content: { "application/json": { schema: errorSchema } } },
            "404": { description: "Not found.", content: { "application/json": { schema: errorSchema } } },
          },
        };
        if (route.auth !== false) operation.security = [{ apiKey: [] }, { mispAuth: [] }, { session: [] }];
        else operation.security = [];
        if (route.body && method !== "GET") {
          let schema: unknown = { type: "object" };
          try {
            schema = z.toJSONSchema(route.body, { unrepresentable: "any", io: "input" });
          } catch {
            // Schemas with transforms cannot always be described; the summary documents them.
          }
          operation.requestBody = { required: false, content: { "application/json": { schema } } };
        }
        (paths[path] ??= {})[method.toLowerCase()] = operation;
      }
    }
  }
  return {
    openapi: "3.1.0",
    info: {
      title: "Halflife",
      version,
      description: "MISP-compatible REST API (events, attributes, sightings, taxonomies, tags, decaying models) and Halflife's own routes.",
    },
    components: {
      securitySchemes: {
        apiKey: { type: "apiKey", in: "header", name: "Authorization", description: "The raw API key, MISP style (no scheme)." },
        mispAuth: { type: "apiKey", in: "header", name: "X-MISP-AUTH" },
        session: { type: "apiKey", in: "cookie", name: "halflife_session" },
      },
    },
    paths,
  };
}

function expandOptional(path: string): string[] {
  const segments = path.split("/");
  const firstOptional = segments.findIndex((s) => s.endsWith("?"));
  if (firstOptional < 0) return [path];
  const out: string[] = [];
  for (let end = firstOptional; end <= segments.length; end++) {
    out.push(segments.slice(0, end).map((s) => s.replace(/\?$/, "")).join("/"));
  }
  return out;
}
