/** Halflife's own routes: health, the OpenAPI document, Prometheus metrics, and administration. */
import { createKey, createOrg, createUser, listKeys, listOrgs, listUsers, revokeKey } from "../../app/admin.js";
import { invalidInput } from "../../core/errors.js";
import type { ApiKeyRecord, OrgRecord, UserRecord } from "../../core/domain.js";
import { z } from "zod";
import { parseAuthKeyBody, parseOrgBody } from "../../misp/admin-input.js";
import { isObject, mispInt, parseWith } from "../../misp/parse.js";
import { presentOrg } from "../../misp/present.js";
import { jsonBody } from "../request.js";
import type { RouteTable } from "../route-table.js";
import type { HttpDeps } from "../server.js";
import { openApiDocument } from "../openapi.js";
import { pathParam } from "./helpers.js";

const presentUser = (user: UserRecord) => ({
  id: user.id,
  email: user.email,
  org_id: user.org_id,
  role_id: user.role_id,
  disabled: user.disabled,
  created: user.created,
  last_login: user.last_login,
});

const presentKey = (key: ApiKeyRecord) => ({
  id: key.id,
  user_id: key.user_id,
  key_start: key.key_start,
  key_end: key.key_end,
  comment: key.comment,
  created: key.created,
  expires_at: key.expires_at,
  revoked_at: key.revoked_at,
  last_used_at: key.last_used_at,
});

async function objectBody(c: Parameters<Parameters<RouteTable["add"]>[0]["handler"]>[0]): Promise<Record<string, unknown>> {
  const body = await jsonBody(c);
  if (!isObject(body)) throw invalidInput("body", "must be a JSON object");
  return body;
}

export function halflifeRoutes(table: RouteTable, deps: HttpDeps): void {
  const { context } = deps;
  table
    .add({
      methods: ["GET"],
      path: "/halflife/health",
      group: "halflife",
      summary: "Whether the server and its database answer.",
      auth: false,
      handler: () => new Response(),
      open: async (c) => {
        const started = performance.now();
        await context.store.orgs.byId(context.hostOrgId());
        return c.json({
          status: "ok",
          version: deps.version,
          database: context.store.dialectName,
          database_ms: Math.round((performance.now() - started) * 100) / 100,
          time: context.now(),
        });
      },
    })
    .add({
      methods: ["GET"],
      // Halflife's own paths keep their ".json" (see routingPath): this is the document's name.
      path: "/halflife/openapi.json",
      group: "halflife",
      summary: "This document: every route of the API.",
      auth: false,
      handler: () => new Response(),
      open: (c) => c.json(openApiDocument(table, deps.version)),
    })
    .add({
      methods: ["GET"],
      path: "/metrics",
      group: "halflife",
      summary: "Prometheus metrics.",
      auth: false,
      handler: () => new Response(),
      open: async (c) => c.body(await deps.metrics.registry.metrics(), 200, { "Content-Type": deps.metrics.registry.contentType }),
    })
    .add({
      methods: ["GET"],
      path: "/halflife/orgs",
      group: "administration",
      summary: "Organisations (as organisations/index).",
      handler: async (c, principal) => c.json((await listOrgs(context, principal)).map((o: OrgRecord) => presentOrg(o))),
    })
    .add({
      methods: ["POST"],
      path: "/halflife/orgs",
      group: "administration",
      summary: "Create an organisation (site admins): { name, description }.",
      handler: async (c, principal) => {
        const body = await objectBody(c);
        const org = await createOrg(context, principal, parseOrgBody(body));
        return c.json(presentOrg(org), 201);
      },
    })
    .add({
      methods: ["GET"],
      path: "/halflife/users",
      group: "administration",
      summary: "Users (site admins: all; organisation admins: their organisation's).",
      handler: async (c, principal) => c.json((await listUsers(context, principal)).map((view) => presentUser(view.user))),
    })
    .add({
      methods: ["POST"],
      path: "/halflife/users",
      group: "administration",
      summary: "Create a user: { email, org, role }. The answer holds the user's first API key, shown only this once.",
      handler: async (c, principal) => {
        const body = await objectBody(c);
        const created = await createUser(context, principal, {
          email: parseWith(z.string().max(255), body.email ?? "", "email"),
          ...(body.org !== undefined ? { org: parseWith(z.union([z.string().max(255), mispInt]), body.org, "org") } : {}),
          ...(body.role !== undefined ? { role: parseWith(z.union([z.string().max(255), mispInt]), body.role, "role") } : {}),
        });
        return c.json({ user: presentUser(created.user), key: created.key }, 201);
      },
    })
    .add({
      methods: ["GET"],
      path: "/halflife/users/:id/keys",
      group: "administration",
      summary: "A user's API keys (never the keys themselves: their first and last four characters).",
      handler: async (c, principal) => c.json((await listKeys(context, principal, pathParam(c, "id"))).map(presentKey)),
    })
    .add({
      methods: ["POST"],
      path: "/halflife/users/:id/keys",
      group: "administration",
      summary: "A new API key for a user, shown only this once: { comment }.",
      handler: async (c, principal) => {
        const body = await objectBody(c);
        const { key, record } = await createKey(context, principal, pathParam(c, "id"), parseAuthKeyBody(body).comment ?? "");
        return c.json({ key, ...presentKey(record) }, 201);
      },
    })
    .add({
      methods: ["POST"],
      path: "/halflife/keys/:id/revoke",
      group: "administration",
      summary: "Revoke an API key.",
      handler: async (c, principal) => c.json(presentKey(await revokeKey(context, principal, parseWith(mispInt, pathParam(c, "id"), "id")))),
    });
}
