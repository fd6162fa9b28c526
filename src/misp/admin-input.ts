/**
 * The bodies of MISP's administration routes (organisations, users, roles, auth keys), read with
 * one schema each. Clients send back whole records they fetched (PyMISP's update_user posts every
 * field of the user), so unknown fields are ignored rather than refused; known fields are checked
 * and typed, and MISP's fields that Halflife keeps without using them are collected as extras.
 */
import { z } from "zod";
import { PERMISSIONS, type Permission } from "../core/domain.js";
import { invalidInput } from "../core/errors.js";
import { isObject, mispBool, mispInt, mispText, parseWith, unwrapBody, uuidString } from "./parse.js";

/** MISP user fields kept as they are given. */
export const USER_EXTRA_FIELDS = [
  "autoalert",
  "contactalert",
  "gpgkey",
  "certif_public",
  "nids_sid",
  "termsaccepted",
  "change_pw",
  "expiration",
  "force_logout",
  "notification_daily",
  "notification_weekly",
  "notification_monthly",
  "external_auth_required",
  "external_auth_key",
  "sub",
] as const;

/** MISP role fields kept as they are given: limits, and permissions Halflife does not check. */
export const ROLE_EXTRA_FIELDS = [
  "memory_limit",
  "max_execution_time",
  "enforce_rate_limit",
  "rate_limit_count",
  "perm_audit",
  "perm_regexp_access",
  "perm_template",
  "perm_sharing_group",
  "perm_delegate",
  "perm_object_template",
  "perm_galaxy_editor",
  "perm_warninglist",
  "perm_view_feed_correlations",
  "perm_analyst_data",
  "perm_publish_zmq",
  "perm_publish_kafka",
  "perm_skip_otp",
  "perm_server_sign",
  "perm_full",
] as const;

/** A kept field: text, a number, a flag or nothing; never a structure. */
const keptValue = z.union([z.string().max(65_535), z.number(), z.boolean(), z.null()]);

function extras(body: Record<string, unknown>, fields: readonly string[], root: string): Record<string, unknown> | undefined {
  const out: Record<string, unknown> = {};
  for (const field of fields) if (body[field] !== undefined) out[field] = parseWith(keptValue, body[field], `${root}.${field}`);
  return Object.keys(out).length ? out : undefined;
}

function record(body: unknown, model: string): Record<string, unknown> {
  const inner = unwrapBody(body, model);
  if (!isObject(inner)) throw invalidInput(model, "must be a JSON object");
  return inner;
}

const optional = <T>(schema: z.ZodType<T>, value: unknown, field: string): T | undefined =>
  value === undefined ? undefined : parseWith(schema, value, field);

/** An organisation reference: an id or a uuid. */
const orgReference = z.union([mispInt, uuidString]);
const domains = z.preprocess(
  // MISP's form sends the domains one per line; its API a list. Both are read.
  (value) => (typeof value === "string" ? value.split(/[\s,]+/).filter(Boolean) : value),
  z.array(z.string().min(1).max(255).regex(/^[A-Za-z0-9.-]+$/, "must be a domain name")).max(100),
);

export interface OrgBody {
  name?: string;
  description?: string;
  uuid?: string;
  local?: boolean;
  profile?: { type?: string; nationality?: string; sector?: string; contacts?: string; landingpage?: string; restricted_to_domain?: string[] };
}

export function parseOrgBody(body: unknown): OrgBody {
  const o = record(body, "Organisation");
  const profile: NonNullable<OrgBody["profile"]> = {};
  for (const field of ["type", "nationality", "sector", "contacts", "landingpage"] as const) {
    const value = optional(mispText(), o[field], `Organisation.${field}`);
    if (value !== undefined) profile[field] = value;
  }
  const restricted = optional(domains, o.restricted_to_domain, "Organisation.restricted_to_domain");
  if (restricted !== undefined) profile.restricted_to_domain = restricted.map((d) => d.toLowerCase());
  const out: OrgBody = {};
  const name = optional(mispText(255), o.name, "Organisation.name");
  const description = optional(mispText(), o.description, "Organisation.description");
  const uuid = optional(uuidString, o.uuid, "Organisation.uuid");
  const local = optional(mispBool, o.local, "Organisation.local");
  if (name !== undefined) out.name = name;
  if (description !== undefined) out.description = description;
  if (uuid !== undefined) out.uuid = uuid;
  if (local !== undefined) out.local = local;
  if (Object.keys(profile).length) out.profile = profile;
  return out;
}

export interface UserBody {
  email?: string;
  org?: number | string;
  role?: number;
  disabled?: boolean;
  extras?: Record<string, unknown>;
}

export function parseUserBody(body: unknown): UserBody {
  const u = record(body, "User");
  const out: UserBody = {};
  const email = optional(z.string().max(255), u.email, "User.email");
  const org = optional(orgReference, u.org_id, "User.org_id");
  const role = optional(mispInt, u.role_id, "User.role_id");
  const disabled = optional(mispBool, u.disabled, "User.disabled");
  const kept = extras(u, USER_EXTRA_FIELDS, "User");
  if (email !== undefined) out.email = email;
  if (org !== undefined) out.org = org;
  if (role !== undefined) out.role = role;
  if (disabled !== undefined) out.disabled = disabled;
  if (kept) out.extras = kept;
  return out;
}

export interface RoleBody {
  name?: string;
  permissions?: Partial<Record<Permission, boolean>>;
  restricted_to_site_admin?: boolean;
  extras?: Record<string, unknown>;
}

/**
 * MISP's `permission` shortcut: 0 read only, 1 own events, 2 the organisation's events, 3 those
 * and publishing. Explicit perm_* fields win over it.
 */
const PERMISSION_LEVELS: Array<Partial<Record<Permission, boolean>>> = [
  { perm_add: false, perm_modify: false, perm_modify_org: false, perm_publish: false },
  { perm_add: true, perm_modify: true, perm_modify_org: false, perm_publish: false },
  { perm_add: true, perm_modify: true, perm_modify_org: true, perm_publish: false },
  { perm_add: true, perm_modify: true, perm_modify_org: true, perm_publish: true },
];

export function parseRoleBody(body: unknown): RoleBody {
  const r = record(body, "Role");
  const out: RoleBody = {};
  const name = optional(mispText(255), r.name, "Role.name");
  if (name !== undefined) out.name = name;
  const level = optional(mispInt.pipe(z.number().int().min(0).max(3)), r.permission, "Role.permission");
  const permissions: Partial<Record<Permission, boolean>> = level === undefined ? {} : { ...PERMISSION_LEVELS[level] };
  for (const permission of PERMISSIONS) {
    const value = optional(mispBool, r[permission], `Role.${permission}`);
    if (value !== undefined) permissions[permission] = value;
  }
  if (Object.keys(permissions).length) out.permissions = permissions;
  const restricted = optional(mispBool, r.restricted_to_site_admin, "Role.restricted_to_site_admin");
  if (restricted !== undefined) out.restricted_to_site_admin = restricted;
  const kept = extras(r, ROLE_EXTRA_FIELDS, "Role");
  if (kept) out.extras = kept;
  return out;
}

/** MISP's `permission` level a role amounts to, for its presentation. */
export function permissionLevel(role: Record<Permission, boolean>): number {
  if (role.perm_publish && role.perm_modify_org) return 3;
  if (role.perm_modify_org) return 2;
  return role.perm_add ? 1 : 0;
}

export interface AuthKeyBody {
  comment?: string;
  /** Unix seconds, or null for none. */
  expiration?: number | null;
}

/** MISP's expiration: Unix seconds, a date (Y-m-d), or 0 / "" for a key that does not expire. */
const expiration = z.union([mispInt, z.string().regex(/^\d{4}-\d{2}-\d{2}$/, "must be a date (YYYY-MM-DD) or Unix seconds"), z.null()]).transform((value) => {
  if (value === null || value === 0) return null;
  if (typeof value === "number") return value;
  const seconds = Date.parse(`${value}T00:00:00Z`) / 1000;
  return Number.isFinite(seconds) ? seconds : Number.NaN;
}).refine((value) => value === null || (Number.isSafeInteger(value) && value > 0), "is not a valid time");

export function parseAuthKeyBody(body: unknown): AuthKeyBody {
  const k = record(body, "AuthKey");
  const out: AuthKeyBody = {};
  const comment = optional(mispText(), k.comment, "AuthKey.comment");
  if (comment !== undefined) out.comment = comment;
  if (k.expiration !== undefined && k.expiration !== "") out.expiration = parseWith(expiration, k.expiration, "AuthKey.expiration");
  return out;
}
