/**
 * Roles: every user may list them (MISP does the same); site admins add, change and delete them,
 * and choose the one new users get. A role that users still have cannot be deleted, nor can the
 * default role, and no change may leave the instance without an enabled site admin.
 */
import { HalflifeError, invalidInput } from "../core/errors.js";
import { PERMISSIONS, type Permission, type Principal, type RoleRecord } from "../core/domain.js";
import type { AppContext } from "./context.js";
import { requireSiteAdmin } from "./permissions.js";

export interface RoleInput {
  name?: string;
  permissions?: Partial<Record<Permission, boolean>>;
  restricted_to_site_admin?: boolean;
  /** MISP's other role fields (limits, permissions Halflife does not check), kept as given. */
  extras?: Record<string, unknown>;
}

/** A role by id or name, or MISP's "Invalid role" naming the roles there are. */
export async function findRole(context: AppContext, reference: string | number): Promise<RoleRecord> {
  const text = String(reference).trim();
  const role = /^\d+$/.test(text) ? await context.store.users.roleById(Number(text)) : await context.store.users.roleByName(text);
  if (!role) {
    const names = (await context.store.users.roles()).map((r) => `${r.id} ${r.name}`).join(", ");
    throw new HalflifeError("NOT_FOUND", `Invalid role ${text}; the roles are ${names}.`, { field: "role_id" });
  }
  return role;
}

/** The role new users get when none is named. */
export async function defaultRole(context: AppContext): Promise<RoleRecord> {
  const roles = await context.store.users.roles();
  const role = roles.find((r) => r.default_role) ?? roles.find((r) => r.name === "User");
  if (!role) throw new HalflifeError("NOT_FOUND", "No default role is set; name a role.", { field: "role_id" });
  return role;
}

export async function listRoles(context: AppContext): Promise<RoleRecord[]> {
  return context.store.users.roles();
}

function validName(name: string | undefined): string {
  const trimmed = name?.trim();
  if (!trimmed) throw invalidInput("name", "is required");
  if (trimmed.length > 255) throw invalidInput("name", "is longer than 255 characters");
  return trimmed;
}

/** A new role: the permissions given, every other one off (as MISP adds roles). */
export async function createRole(context: AppContext, principal: Principal | null, input: RoleInput): Promise<RoleRecord> {
  if (principal) requireSiteAdmin(principal);
  const name = validName(input.name);
  const permissions = Object.fromEntries(PERMISSIONS.map((p) => [p, input.permissions?.[p] ?? false])) as Record<Permission, boolean>;
  return context.store.transaction(async (tx) => {
    if (await tx.users.roleByName(name)) throw new HalflifeError("CONFLICT", `A role named ${name} already exists.`, { field: "name" });
    return tx.users.createRole(
      { name, ...permissions, restricted_to_site_admin: input.restricted_to_site_admin ?? (permissions.perm_site_admin || permissions.perm_sync), extras: input.extras ?? {} },
      context.now(),
    );
  });
}

/** Changes the fields given, and only those. */
export async function editRole(context: AppContext, principal: Principal | null, reference: string | number, input: RoleInput): Promise<RoleRecord> {
  if (principal) requireSiteAdmin(principal);
  const role = await findRole(context, reference);
  const fields: Partial<Omit<RoleRecord, "id" | "default_role">> = { ...input.permissions };
  if (input.name !== undefined) fields.name = validName(input.name);
  if (input.restricted_to_site_admin !== undefined) fields.restricted_to_site_admin = input.restricted_to_site_admin;
  if (input.extras) fields.extras = { ...role.extras, ...input.extras };
  return context.store.transaction(async (tx) => {
    if (fields.name !== undefined && fields.name !== role.name && (await tx.users.roleByName(fields.name))) {
      throw new HalflifeError("CONFLICT", `A role named ${fields.name} already exists.`, { field: "name" });
    }
    if (role.perm_site_admin && fields.perm_site_admin === false) {
      const roles = new Map((await tx.users.roles()).map((r) => [r.id, r]));
      const remaining = (await tx.users.list()).filter((u) => !u.disabled && u.role_id !== role.id && roles.get(u.role_id)?.perm_site_admin);
      if (remaining.length === 0) throw new HalflifeError("CONFLICT", "No enabled site admin would remain; give another user a site admin role first.", { field: "perm_site_admin" });
    }
    await tx.users.updateRole(role.id, fields, context.now());
    return (await tx.users.roleById(role.id))!;
  });
}

export async function deleteRole(context: AppContext, principal: Principal | null, reference: string | number): Promise<RoleRecord> {
  if (principal) requireSiteAdmin(principal);
  const role = await findRole(context, reference);
  if (role.default_role) throw new HalflifeError("CONFLICT", "The default role cannot be deleted; make another role the default first.", { field: "role_id" });
  return context.store.transaction(async (tx) => {
    const users = await tx.users.countWithRole(role.id);
    if (users > 0) throw new HalflifeError("CONFLICT", `${users} user${users === 1 ? " has" : "s have"} this role; give them another role first.`, { field: "role_id" });
    await tx.users.deleteRole(role.id);
    return role;
  });
}

export async function setDefaultRole(context: AppContext, principal: Principal | null, reference: string | number): Promise<RoleRecord> {
  if (principal) requireSiteAdmin(principal);
  const role = await findRole(context, reference);
  if (role.perm_site_admin) throw new HalflifeError("FORBIDDEN", "A site admin role cannot be the default role.", { field: "role_id" });
  await context.store.transaction((tx) => tx.users.setDefaultRole(role.id));
  return { ...role, default_role: true };
}
