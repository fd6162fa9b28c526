/**
 * Who may do what, in one place. Use-cases call these before they write; each throws a typed
 * FORBIDDEN error with a message MISP clients can show.
 */
import { HalflifeError } from "../core/errors.js";
import type { EventRecord, Permission, Principal, RoleRecord, UserRecord } from "../core/domain.js";

export function forbidden(message = "You do not have the permission to do that."): HalflifeError {
  return new HalflifeError("FORBIDDEN", message);
}

/**
 * A role permission, refused with MISP's own words for a role that lacks it: clients (PyMISP's
 * tests among them) read this exact message, whatever the action.
 */
export function requirePermission(principal: Principal, permission: Permission): void {
  if (principal.role.perm_site_admin) return;
  if (!principal.role[permission]) throw forbidden(LACKS_PERMISSION);
}

export const LACKS_PERMISSION = "You do not have permission to use this functionality.";

export function requireSiteAdmin(principal: Principal): void {
  if (!principal.role.perm_site_admin) throw forbidden("Only site administrators may do that.");
}

/**
 * Editing an event (and its attributes): site admins; the creator organisation's users with
 * perm_modify_org; the creating user with perm_modify.
 */
export function canModifyEvent(principal: Principal, event: EventRecord): boolean {
  if (principal.role.perm_site_admin) return true;
  if (event.orgc_id !== principal.org.id) return false;
  return principal.role.perm_modify_org || (principal.role.perm_modify && event.user_id === principal.user.id);
}

export function requireModifyEvent(principal: Principal, event: EventRecord): void {
  // Not MISP's exact "You do not have permission to do that." text: PyMISP would retry that as a proposal.
  if (!canModifyEvent(principal, event)) throw forbidden("You may not change events of another organisation.");
}

/** Publishing: perm_publish, on an event the user may modify. */
export function requirePublish(principal: Principal, event: EventRecord): void {
  if (!principal.role.perm_site_admin && (!principal.role.perm_publish || !canModifyEvent(principal, event))) {
    throw new HalflifeError("FORBIDDEN", "You do not have permission to use this functionality.", { field: "publish" });
  }
}

/** Tagging needs perm_tagger and the right to modify the event. */
export function requireTagger(principal: Principal, event: EventRecord): void {
  requirePermission(principal, "perm_tagger");
  if (!canModifyEvent(principal, event)) throw forbidden("You may not tag events of another organisation.");
}

/** Whether the role holds administration rights of any kind (organisation or site). */
export function isAdminRole(role: RoleRecord): boolean {
  return role.perm_admin || role.perm_site_admin;
}

/**
 * Who may manage a user (edit, delete, their API keys), as MISP rules it: site admins anyone; an
 * organisation admin the users of its own organisation who hold no administration rights. Nobody
 * else, not even for themselves (that is `canManageOwnKeys`). `principal` null is the instance
 * itself (the command line), which may do anything.
 */
export function canAdministerUser(principal: Principal | null, user: UserRecord, role: RoleRecord): boolean {
  if (!principal || principal.role.perm_site_admin) return true;
  return principal.role.perm_admin && user.org_id === principal.org.id && !isAdminRole(role);
}

/** Whether the principal may see this user at all: site admins all, organisation admins their organisation's, anyone themselves. */
export function canSeeUser(principal: Principal | null, user: UserRecord): boolean {
  if (!principal || principal.role.perm_site_admin || principal.user.id === user.id) return true;
  return principal.role.perm_admin && user.org_id === principal.org.id;
}

/** A user's own API keys: anyone whose role allows API access (perm_auth). */
export function canManageOwnKeys(principal: Principal, user: UserRecord): boolean {
  return principal.user.id === user.id && (principal.role.perm_auth || principal.role.perm_site_admin);
}

/** Roles an organisation admin may hand out: none that only site admins may give. */
export function canAssignRole(principal: Principal | null, role: RoleRecord): boolean {
  if (!principal || principal.role.perm_site_admin) return true;
  return principal.role.perm_admin && !role.perm_site_admin && !role.restricted_to_site_admin;
}
