/**
 * Organisations, users and API keys. Site admins manage everything; organisation admins
 * (perm_admin) manage the users and keys of their own organisation, and cannot make site admins.
 * A new key is returned once, in clear, and never again.
 */
import { randomUUID } from "node:crypto";
import { HalflifeError, invalidInput } from "../core/errors.js";
import type { ApiKeyRecord, OrgRecord, Principal, RoleRecord, UserRecord } from "../core/domain.js";
import type { AppContext } from "./context.js";
import { storeKey } from "./keys.js";
import { forbidden, requireSiteAdmin } from "./permissions.js";

const EMAIL = /^[^\s@]+@[^\s@]+$/;

export async function createOrg(context: AppContext, principal: Principal | null, input: { name: string; description?: string; uuid?: string }): Promise<OrgRecord> {
  if (principal) requireSiteAdmin(principal);
  const name = input.name?.trim();
  if (!name) throw invalidInput("name", "is required");
  if (name.length > 255) throw invalidInput("name", "is longer than 255 characters");
  return context.store.transaction(async (tx) => {
    if (await tx.orgs.byName(name)) throw new HalflifeError("CONFLICT", `An organisation named ${name} already exists.`, { field: "name" });
    return tx.orgs.create({ uuid: input.uuid ?? randomUUID(), name, description: input.description ?? "", local: true, created: context.now() });
  });
}

export async function listOrgs(context: AppContext, principal: Principal | null): Promise<OrgRecord[]> {
  if (principal && !principal.role.perm_site_admin) return [principal.org];
  return context.store.orgs.list();
}

async function findOrg(context: AppContext, reference: string | number): Promise<OrgRecord> {
  const text = String(reference);
  const org = /^\d+$/.test(text) ? await context.store.orgs.byId(Number(text)) : ((await context.store.orgs.byName(text)) ?? (await context.store.orgs.byUuid(text)));
  if (!org) throw new HalflifeError("NOT_FOUND", `No organisation ${text}.`, { field: "org" });
  return org;
}

async function findRole(context: AppContext, reference: string | number | undefined): Promise<RoleRecord> {
  const text = String(reference ?? "User");
  const role = /^\d+$/.test(text) ? await context.store.users.roleById(Number(text)) : await context.store.users.roleByName(text);
  if (!role) {
    const names = (await context.store.users.roles()).map((r) => r.name).join(", ");
    throw new HalflifeError("NOT_FOUND", `No role ${text}; roles are ${names}.`, { field: "role" });
  }
  return role;
}

function requireUserAdmin(principal: Principal | null, orgId: number, role?: RoleRecord): void {
  if (!principal || principal.role.perm_site_admin) return;
  if (!principal.role.perm_admin || principal.org.id !== orgId) throw forbidden("You may only manage the users of your own organisation.");
  if (role?.perm_site_admin) throw forbidden("Only site administrators may create site administrators.");
}

export interface NewUser {
  user: UserRecord;
  key: string;
}

/** Creates a user (and an API key for them). `principal` null means the instance itself (CLI). */
export async function createUser(
  context: AppContext,
  principal: Principal | null,
  input: { email: string; org?: string | number; role?: string | number; key?: string },
): Promise<NewUser> {
  const email = input.email?.trim().toLowerCase();
  if (!email || !EMAIL.test(email) || email.length > 255) throw invalidInput("email", "must be an e-mail address");
  const org = input.org === undefined ? (principal?.org ?? (await findOrg(context, context.hostOrgId()))) : await findOrg(context, input.org);
  const role = await findRole(context, input.role);
  requireUserAdmin(principal, org.id, role);
  const now = context.now();
  return context.store.transaction(async (tx) => {
    if (await tx.users.byEmail(email)) throw new HalflifeError("CONFLICT", `A user with e-mail ${email} already exists.`, { field: "email" });
    const user = await tx.users.create({ org_id: org.id, role_id: role.id, email, disabled: false, created: now, last_login: null });
    const { key } = await storeKey(tx, user.id, now, { ...(input.key ? { key: input.key } : {}), comment: "created with the user" });
    return { user, key };
  });
}

export async function listUsers(context: AppContext, principal: Principal | null): Promise<UserRecord[]> {
  if (!principal || principal.role.perm_site_admin) return context.store.users.list();
  if (!principal.role.perm_admin) return [principal.user];
  return context.store.users.list({ orgId: principal.org.id });
}

export async function findUser(context: AppContext, reference: string | number): Promise<UserRecord> {
  const text = String(reference);
  const user = /^\d+$/.test(text) ? await context.store.users.byId(Number(text)) : await context.store.users.byEmail(text.toLowerCase());
  if (!user) throw new HalflifeError("NOT_FOUND", `No user ${text}.`, { field: "user" });
  return user;
}

function requireKeyAdmin(principal: Principal | null, user: UserRecord): void {
  if (!principal || principal.user.id === user.id) return;
  requireUserAdmin(principal, user.org_id);
}

/** A new API key for a user: yourself, or a user you administer. */
export async function createKey(context: AppContext, principal: Principal | null, userReference: string | number, comment = ""): Promise<{ key: string; record: ApiKeyRecord }> {
  const user = await findUser(context, userReference);
  requireKeyAdmin(principal, user);
  return context.store.transaction((tx) => storeKey(tx, user.id, context.now(), { comment }));
}

export async function listKeys(context: AppContext, principal: Principal | null, userReference: string | number): Promise<ApiKeyRecord[]> {
  const user = await findUser(context, userReference);
  requireKeyAdmin(principal, user);
  return context.store.keys.listForUser(user.id);
}

export async function revokeKey(context: AppContext, principal: Principal | null, keyId: number): Promise<ApiKeyRecord> {
  const key = await context.store.keys.byId(keyId);
  if (!key) throw new HalflifeError("NOT_FOUND", `No API key ${keyId}.`);
  requireKeyAdmin(principal, (await context.store.users.byId(key.user_id))!);
  await context.store.transaction((tx) => tx.keys.revoke(keyId, context.now()));
  return { ...key, revoked_at: context.now() };
}
