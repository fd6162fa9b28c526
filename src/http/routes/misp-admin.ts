/**
 * MISP's administration API, as PyMISP calls it: organisations, users, roles and auth keys. Each
 * route reads its body with one schema (src/misp/admin-input.ts), calls one use-case, which holds
 * the rules of who may do what, and presents MISP's JSON (src/misp/present-admin.ts).
 */
import type { Context } from "hono";
import {
  createKey,
  createOrg,
  createRole,
  createUser,
  deleteOrg,
  deleteRole,
  deleteUser,
  editOrg,
  editOwnSettings,
  editRole,
  editUser,
  listManageableKeys,
  listOrgs,
  listRoles,
  listUsers,
  revokeKey,
  setDefaultRole,
  viewKey,
  viewMe,
  viewOrg,
  viewUser,
  type UserView,
} from "../../app/admin.js";
import { invalidInput } from "../../core/errors.js";
import { parseAuthKeyBody, parseOrgBody, parseRoleBody, parseUserBody } from "../../misp/admin-input.js";
import { mispInt, parseWith } from "../../misp/parse.js";
import { presentSaved } from "../../misp/present.js";
import { presentAuthKey, presentOrganisation, presentRoleFields, presentUserFields, presentUserListing } from "../../misp/present-admin.js";
import { requestPath } from "../errors.js";
import { jsonBody, urlParameters } from "../request.js";
import type { RouteTable } from "../route-table.js";
import type { HttpDeps } from "../server.js";
import { pathParam } from "./helpers.js";

/** users/view: the user with role, settings and organisation, as PyMISP's get_user reads it. */
function presentUserView(view: UserView) {
  return {
    User: { ...presentUserFields(view.user), password: "*****" },
    Role: view.role ? presentRoleFields(view.role) : null,
    UserSetting: [],
    Organisation: view.org ? presentOrganisation(view.org) : null,
  };
}

/** An optional named or query parameter holding text. */
function textParameter(c: Context, name: string): string | undefined {
  const value = urlParameters(c)[name];
  return value === undefined || value === "" ? undefined : value;
}

export function adminRoutes(table: RouteTable, deps: HttpDeps): void {
  const { context } = deps;

  // Organisations: everyone reads, site admins write.
  table
    .add({
      methods: ["GET"],
      path: "/organisations/index",
      group: "organisations",
      summary: "The instance's organisations (named parameters scope: local, external or all; searchall: a part of a name, uuid or description).",
      handler: async (c, principal) => {
        const scope = textParameter(c, "scope") ?? "local";
        if (!["local", "external", "all"].includes(scope)) throw invalidInput("scope", "must be local, external or all");
        const search = textParameter(c, "searchall");
        const orgs = await listOrgs(context, principal, { ...(scope === "all" ? {} : { local: scope === "local" }), ...(search ? { search } : {}) });
        return c.json(orgs.map((org) => ({ Organisation: presentOrganisation(org) })));
      },
    })
    .add({
      methods: ["GET"],
      path: "/organisations/view/:id",
      group: "organisations",
      summary: "One organisation, by id, uuid or name (HEAD: whether it exists).",
      handler: async (c, principal) => c.json({ Organisation: presentOrganisation(await viewOrg(context, principal, pathParam(c, "id"))) }),
    })
    .add({
      methods: ["POST"],
      path: "/admin/organisations/add",
      group: "organisations",
      summary: "Add an organisation (site admins).",
      handler: async (c, principal) => c.json({ Organisation: presentOrganisation(await createOrg(context, principal, parseOrgBody(await jsonBody(c)))) }),
    })
    .add({
      methods: ["POST", "PUT"],
      path: "/admin/organisations/edit/:id",
      group: "organisations",
      summary: "Change the fields given of an organisation (site admins).",
      handler: async (c, principal) =>
        c.json({ Organisation: presentOrganisation(await editOrg(context, principal, pathParam(c, "id"), parseOrgBody(await jsonBody(c)))) }),
    })
    .add({
      methods: ["POST", "DELETE"],
      path: "/admin/organisations/delete/:id",
      group: "organisations",
      summary: "Delete an organisation that nothing refers to any more (site admins).",
      handler: async (c, principal) => {
        const org = await deleteOrg(context, principal, pathParam(c, "id"));
        return c.json(presentSaved("Organisation deleted", requestPath(c), org.id));
      },
    });

  // Users: site admins all, organisation admins their organisation's, anyone themselves.
  table
    .add({
      methods: ["GET"],
      path: "/admin/users/index",
      group: "users",
      summary: "The users you may see (named parameters value: a part of an e-mail address; searchorg: an organisation id).",
      handler: async (c, principal) => {
        const search = textParameter(c, "value") ?? textParameter(c, "searchall") ?? textParameter(c, "email");
        const org = textParameter(c, "searchorg");
        const views = await listUsers(context, principal, { ...(search ? { search } : {}), ...(org ? { orgId: parseWith(mispInt, org, "searchorg") } : {}) });
        return c.json(views.map((v) => presentUserListing(v.user, v.role, v.org)));
      },
    })
    .add({
      methods: ["GET"],
      path: "/admin/users/view/:id",
      group: "users",
      summary: "One user you may see.",
      handler: async (c, principal) => {
        const view = await viewUser(context, principal, pathParam(c, "id"));
        return c.json(presentUserListing(view.user, view.role, view.org));
      },
    })
    .add({
      methods: ["GET"],
      path: "/users/view/me",
      group: "users",
      summary: "The calling user, with role, settings and organisation (PyMISP asks for it when it connects).",
      handler: (c, principal) => c.json(presentUserView(viewMe(principal))),
    })
    .add({
      methods: ["GET"],
      path: "/users/view/:id",
      group: "users",
      summary: "A user you may see, with role, settings and organisation.",
      handler: async (c, principal) => c.json(presentUserView(await viewUser(context, principal, pathParam(c, "id")))),
    })
    .add({
      methods: ["POST"],
      path: "/admin/users/add",
      group: "users",
      summary: "Add a user; the answer holds their first API key, in `authkey`, this once.",
      handler: async (c, principal) => {
        const body = parseUserBody(await jsonBody(c));
        const created = await createUser(context, principal, body);
        return c.json({ User: { ...presentUserFields(created.user), authkey: created.key } });
      },
    })
    .add({
      methods: ["POST", "PUT"],
      path: "/admin/users/edit/:id",
      group: "users",
      summary: "Change the fields given of a user you manage: email, org_id (site admins), role_id, disabled, and MISP's user settings.",
      handler: async (c, principal) => {
        const view = await editUser(context, principal, pathParam(c, "id"), parseUserBody(await jsonBody(c)));
        return c.json({ User: presentUserFields(view.user) });
      },
    })
    .add({
      methods: ["POST", "PUT"],
      path: "/users/edit/:id?",
      group: "users",
      summary: "Change your own settings (alerts, encryption keys, NIDS sid); e-mail, organisation and role are for administrators.",
      handler: async (c, principal) => {
        const reference = c.req.param("id");
        if (reference !== undefined && reference !== "me" && reference !== String(principal.user.id)) {
          throw invalidInput("id", "users/edit changes your own user only; administrators use admin/users/edit");
        }
        const body = parseUserBody(await jsonBody(c));
        const view = await editOwnSettings(context, principal, body.extras ?? {});
        return c.json({ User: presentUserFields(view.user) });
      },
    })
    .add({
      methods: ["POST", "DELETE"],
      path: "/admin/users/delete/:id",
      group: "users",
      summary: "Delete a user you manage, with their API keys; what they created stays.",
      handler: async (c, principal) => {
        const user = await deleteUser(context, principal, pathParam(c, "id"));
        return c.json(presentSaved("User deleted.", requestPath(c), user.id));
      },
    });

  // Roles: everyone reads, site admins write.
  for (const path of ["/roles/index", "/admin/roles/index"]) {
    table.add({
      methods: ["GET"],
      path,
      group: "roles",
      summary: "Every role, with its permissions.",
      handler: async (c) => c.json((await listRoles(context)).map((role) => ({ Role: presentRoleFields(role) }))),
    });
  }
  table
    .add({
      methods: ["POST"],
      path: "/admin/roles/add",
      group: "roles",
      summary: "Add a role: the permissions given, every other one off (site admins).",
      handler: async (c, principal) => c.json({ Role: presentRoleFields(await createRole(context, principal, parseRoleBody(await jsonBody(c)))) }),
    })
    .add({
      methods: ["POST", "PUT"],
      path: "/admin/roles/edit/:id",
      group: "roles",
      summary: "Change the fields given of a role (site admins).",
      handler: async (c, principal) => c.json({ Role: presentRoleFields(await editRole(context, principal, pathParam(c, "id"), parseRoleBody(await jsonBody(c)))) }),
    })
    .add({
      methods: ["POST", "DELETE"],
      path: "/admin/roles/delete/:id",
      group: "roles",
      summary: "Delete a role nobody has, other than the default role (site admins).",
      handler: async (c, principal) => {
        const role = await deleteRole(context, principal, pathParam(c, "id"));
        return c.json(presentSaved("Role deleted", requestPath(c), role.id));
      },
    })
    .add({
      methods: ["POST"],
      path: "/admin/roles/set_default/:id",
      group: "roles",
      summary: "Make a role the one new users get (site admins).",
      handler: async (c, principal) => {
        const role = await setDefaultRole(context, principal, pathParam(c, "id"));
        return c.json(presentSaved("Default role set.", requestPath(c), role.id));
      },
    });

  // API keys: your own, your organisation's non-admin users' (organisation admins), anyone's (site admins).
  table
    .add({
      methods: ["POST"],
      path: "/auth_keys/add/:user?",
      group: "auth keys",
      summary: "A new API key for a user (me by default), shown in `authkey_raw` this once: { comment, expiration }.",
      handler: async (c, principal) => {
        const body = parseAuthKeyBody(await jsonBody(c));
        const { key, record, user } = await createKey(context, principal, c.req.param("user") ?? "me", {
          ...(body.comment !== undefined ? { comment: body.comment } : {}),
          ...(body.expiration !== undefined ? { expiresAt: body.expiration } : {}),
        });
        return c.json({ AuthKey: { ...presentAuthKey(record), authkey_raw: key }, User: { id: String(user.id), email: user.email } });
      },
    })
    .add({
      methods: ["GET"],
      path: "/auth_keys/index/:user?",
      group: "auth keys",
      summary: "The live API keys you may manage (optionally one user's), without the keys themselves.",
      handler: async (c, principal) => {
        const only = c.req.param("user");
        const userId = only === undefined ? undefined : only === "me" ? principal.user.id : parseWith(mispInt, only, "user");
        const views = (await listManageableKeys(context, principal)).filter((v) => userId === undefined || v.user.id === userId);
        return c.json(views.map((v) => ({ AuthKey: presentAuthKey(v.key), User: { id: String(v.user.id), email: v.user.email, org_id: String(v.user.org_id) } })));
      },
    })
    .add({
      methods: ["GET"],
      path: "/auth_keys/view/:id",
      group: "auth keys",
      summary: "One API key you may manage, by id or uuid.",
      handler: async (c, principal) => {
        const view = await viewKey(context, principal, pathParam(c, "id"));
        return c.json({ AuthKey: presentAuthKey(view.key), User: { id: String(view.user.id), email: view.user.email, org_id: String(view.user.org_id) } });
      },
    })
    .add({
      methods: ["POST", "DELETE"],
      path: "/auth_keys/delete/:id",
      group: "auth keys",
      summary: "Revoke an API key you may manage: it stops working at once.",
      handler: async (c, principal) => {
        const key = await revokeKey(context, principal, pathParam(c, "id"));
        return c.json(presentSaved("AuthKey deleted", requestPath(c), key.id));
      },
    });
}
