/**
 * Users, as MISP's administration API has them, with MISP's rules (src/app/permissions.ts):
 * site admins manage everyone; an organisation admin adds users to its own organisation, with
 * roles that are not reserved for site admins, and changes or deletes the users of its
 * organisation who hold no administration rights; anyone else sees and edits only themselves, and
 * then only their own settings. Whatever the route, at least one enabled site admin remains.
 */
import { HalflifeError, invalidInput } from "../core/errors.js";
import type { OrgRecord, Principal, RoleRecord, UserRecord } from "../core/domain.js";
import type { StoreSession } from "../store/store.js";
import type { AppContext } from "./context.js";
import { storeKey } from "./keys.js";
import { findOrg } from "./organisations.js";
import { canAdministerUser, canAssignRole, canSeeUser, forbidden } from "./permissions.js";
import { defaultRole, findRole } from "./roles.js";

const EMAIL = /^[^\s@]+@[^\s@]+$/;

export interface UserInput {
  email?: string;
  org?: string | number;
  role?: string | number;
  disabled?: boolean;
  /** An API key to give the new user instead of a generated one (40 letters and digits). */
  key?: string;
  /** MISP's other user fields, kept as given (see misp/admin-input.ts for which). */
  extras?: Record<string, unknown>;
}

/** A user with the organisation and role that listings show beside them. */
export interface UserView {
  user: UserRecord;
  org: OrgRecord | null;
  role: RoleRecord | null;
}

export interface NewUser {
  user: UserRecord;
  key: string;
}

const NO_SUCH_USER = "Invalid user";

function validEmail(email: string | undefined): string {
  const value = email?.trim().toLowerCase();
  if (!value || !EMAIL.test(value) || value.length > 255) throw invalidInput("email", "must be an e-mail address");
  return value;
}

/** MISP's restricted_to_domain: the organisation's users must have an address in one of its domains. */
function requireAllowedDomain(org: OrgRecord, email: string): void {
  const domains = org.profile.restricted_to_domain;
  if (domains.length === 0) return;
  const domain = email.slice(email.lastIndexOf("@") + 1);
  if (!domains.some((d) => d.toLowerCase() === domain)) {
    throw invalidInput("email", `must be an address of ${domains.join(", ")}, as the organisation ${org.name} requires`);
  }
}

/** A user by id or e-mail, if the principal may see them; the same answer for a hidden and an unknown one. */
export async function findUser(context: AppContext, principal: Principal | null, reference: string | number): Promise<UserRecord> {
  const text = String(reference).trim();
  const user =
    text === "me" && principal
      ? principal.user
      : /^\d+$/.test(text)
        ? await context.store.users.byId(Number(text))
        : await context.store.users.byEmail(text.toLowerCase());
  if (!user || !canSeeUser(principal, user)) throw new HalflifeError("NOT_FOUND", NO_SUCH_USER, { field: "user" });
  return user;
}

async function roleOf(tx: StoreSession, user: UserRecord): Promise<RoleRecord> {
  const role = await tx.users.roleById(user.role_id);
  if (!role) throw new HalflifeError("NOT_FOUND", `The user's role ${user.role_id} does not exist.`);
  return role;
}

/** A user the principal may manage, or FORBIDDEN (they may see them, not change them). */
async function managedUser(context: AppContext, principal: Principal | null, reference: string | number): Promise<{ user: UserRecord; role: RoleRecord }> {
  const user = await findUser(context, principal, reference);
  const role = await roleOf(context.store, user);
  if (!canAdministerUser(principal, user, role)) throw forbidden("You may not manage this user.");
  return { user, role };
}

/** Refuses a change that would leave the instance without an enabled site admin. */
async function requireSiteAdminRemains(tx: StoreSession, leaving: UserRecord): Promise<void> {
  const roles = new Map((await tx.users.roles()).map((r) => [r.id, r]));
  const others = (await tx.users.list()).filter((u) => u.id !== leaving.id && !u.disabled && roles.get(u.role_id)?.perm_site_admin);
  if (others.length === 0) throw new HalflifeError("CONFLICT", "This is the last enabled site admin; make another one first.", { field: "role_id" });
}

/** Creates a user and an API key for them. `principal` null means the instance itself (CLI). */
export async function createUser(context: AppContext, principal: Principal | null, input: UserInput): Promise<NewUser> {
  if (principal && !principal.role.perm_site_admin && !principal.role.perm_admin) throw forbidden("You may not manage users.");
  const email = validEmail(input.email);
  const org = input.org === undefined ? (principal?.org ?? (await findOrg(context, context.hostOrgId()))) : await findOrg(context, input.org);
  if (principal && !principal.role.perm_site_admin && org.id !== principal.org.id) throw forbidden("You may only add users to your own organisation.");
  const role = input.role === undefined ? await defaultRole(context) : await findRole(context, input.role);
  if (!canAssignRole(principal, role)) throw forbidden(`Only site admins may give the role ${role.name}.`);
  requireAllowedDomain(org, email);
  const now = context.now();
  return context.store.transaction(async (tx) => {
    if (await tx.users.byEmail(email)) throw new HalflifeError("CONFLICT", `A user with e-mail ${email} already exists.`, { field: "email" });
    const user = await tx.users.create({
      org_id: org.id,
      role_id: role.id,
      email,
      disabled: input.disabled ?? false,
      created: now,
      last_login: null,
      modified: now,
      invited_by: principal?.user.id ?? 0,
      extras: input.extras ?? {},
    });
    const { key } = await storeKey(tx, user.id, now, { ...(input.key ? { key: input.key } : {}), comment: "created with the user" });
    return { user, key };
  });
}

/** The users the principal may see: everyone (site admins), their organisation's (organisation admins), themselves. */
export async function listUsers(context: AppContext, principal: Principal | null, filter: { orgId?: number; search?: string } = {}): Promise<UserView[]> {
  let users: UserRecord[];
  if (!principal || principal.role.perm_site_admin) users = await context.store.users.list(filter);
  else if (principal.role.perm_admin) {
    users = filter.orgId !== undefined && filter.orgId !== principal.org.id ? [] : await context.store.users.list({ ...filter, orgId: principal.org.id });
  } else {
    users = [principal.user].filter((u) => (filter.orgId === undefined || u.org_id === filter.orgId) && (filter.search === undefined || u.email.includes(filter.search.toLowerCase())));
  }
  return withOrgsAndRoles(context, users);
}

export async function viewUser(context: AppContext, principal: Principal | null, reference: string | number): Promise<UserView> {
  const [view] = await withOrgsAndRoles(context, [await findUser(context, principal, reference)]);
  return view!;
}

async function withOrgsAndRoles(context: AppContext, users: UserRecord[]): Promise<UserView[]> {
  const orgs = await context.store.orgs.byIds(users.map((u) => u.org_id));
  const roles = new Map((await context.store.users.roles()).map((r) => [r.id, r]));
  return users.map((user) => ({ user, org: orgs.get(user.org_id) ?? null, role: roles.get(user.role_id) ?? null }));
}

/**
 * Changes the fields given, and only those: e-mail, organisation and role (with the rules above),
 * disabled, and MISP's other fields. Moving a user to another organisation is for site admins.
 */
export async function editUser(context: AppContext, principal: Principal | null, reference: string | number, input: UserInput): Promise<UserView> {
  const { user } = await managedUser(context, principal, reference);
  const fields: Partial<Omit<UserRecord, "id">> = {};
  if (input.email !== undefined) fields.email = validEmail(input.email);
  let org: OrgRecord | null = null;
  if (input.org !== undefined) {
    org = await findOrg(context, input.org);
    if (org.id !== user.org_id) {
      if (principal && !principal.role.perm_site_admin) throw forbidden("Only site admins may move a user to another organisation.");
      fields.org_id = org.id;
    }
  }
  let role: RoleRecord | null = null;
  if (input.role !== undefined) {
    role = await findRole(context, input.role);
    if (role.id !== user.role_id) {
      if (!canAssignRole(principal, role)) throw forbidden(`Only site admins may give the role ${role.name}.`);
      fields.role_id = role.id;
    }
  }
  if (input.disabled !== undefined) fields.disabled = input.disabled;
  if (input.extras) fields.extras = { ...user.extras, ...input.extras };
  if (fields.email !== undefined || fields.org_id !== undefined) {
    requireAllowedDomain(org ?? (await findOrg(context, user.org_id)), fields.email ?? user.email);
  }
  await context.store.transaction(async (tx) => {
    if (fields.email !== undefined && fields.email !== user.email && (await tx.users.byEmail(fields.email))) {
      throw new HalflifeError("CONFLICT", `A user with e-mail ${fields.email} already exists.`, { field: "email" });
    }
    const current = await roleOf(tx, user);
    const losesSiteAdmin = current.perm_site_admin && !user.disabled && ((role !== null && !role.perm_site_admin) || fields.disabled === true);
    if (losesSiteAdmin) await requireSiteAdminRemains(tx, user);
    await tx.users.update(user.id, { ...fields, modified: context.now() });
  });
  return viewUser(context, principal, user.id);
}

/** A user's own settings (MISP's users/edit): the extra fields only, never e-mail, organisation, role or state. */
export async function editOwnSettings(context: AppContext, principal: Principal, extras: Record<string, unknown>): Promise<UserView> {
  await context.store.transaction(async (tx) => {
    const user = (await tx.users.byId(principal.user.id))!;
    await tx.users.update(user.id, { extras: { ...user.extras, ...extras }, modified: context.now() });
  });
  return viewUser(context, principal, principal.user.id);
}

/** Deletes a user with their keys and sessions; what they created stays (MISP does the same). */
export async function deleteUser(context: AppContext, principal: Principal | null, reference: string | number): Promise<UserRecord> {
  const { user, role } = await managedUser(context, principal, reference);
  if (principal && principal.user.id === user.id) throw forbidden("You cannot delete yourself.");
  return context.store.transaction(async (tx) => {
    if (role.perm_site_admin && !user.disabled) await requireSiteAdminRemains(tx, user);
    await tx.users.delete(user.id);
    return user;
  });
}

/** The principal's own user, with organisation and role (users/view/me). */
export function viewMe(principal: Principal): UserView {
  return { user: principal.user, org: principal.org, role: principal.role };
}
