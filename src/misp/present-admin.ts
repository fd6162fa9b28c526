/**
 * Organisations, users, roles and API keys in MISP's JSON, as its administration API answers
 * them and PyMISP reads them: ids and times as strings, flags as booleans. Secrets never appear:
 * a user's password and key are absent, and an API key shows its first and last four characters
 * (the whole key only once, in the answer that created it).
 */
import { PERMISSIONS, type ApiKeyRecord, type OrgRecord, type RoleRecord, type UserRecord } from "../core/domain.js";
import { permissionLevel, ROLE_EXTRA_FIELDS, USER_EXTRA_FIELDS } from "./admin-input.js";

type Json = Record<string, unknown>;
const str = (value: number) => String(value);

/** MISP's "Y-m-d H:i:s" in UTC. */
function dateTime(seconds: number): string {
  return new Date(seconds * 1000).toISOString().replace("T", " ").slice(0, 19);
}

export function presentOrganisation(org: OrgRecord): Json {
  return {
    id: str(org.id),
    name: org.name,
    date_created: dateTime(org.created),
    date_modified: dateTime(org.modified),
    description: org.description,
    type: org.profile.type,
    nationality: org.profile.nationality,
    sector: org.profile.sector,
    created_by: str(org.created_by),
    uuid: org.uuid,
    contacts: org.profile.contacts,
    local: org.local,
    restricted_to_domain: org.profile.restricted_to_domain,
    landingpage: org.profile.landingpage,
  };
}

/** MISP's defaults for the user fields a user has never set. */
const USER_DEFAULTS: Record<(typeof USER_EXTRA_FIELDS)[number], unknown> = {
  autoalert: false,
  contactalert: false,
  gpgkey: null,
  certif_public: "",
  nids_sid: "4000000",
  termsaccepted: true,
  change_pw: false,
  expiration: null,
  force_logout: false,
  notification_daily: false,
  notification_weekly: false,
  notification_monthly: false,
  external_auth_required: false,
  external_auth_key: "",
  sub: null,
};

export function presentUserFields(user: UserRecord): Json {
  const when = (t: number | null) => (t === null ? null : str(t));
  const kept = Object.fromEntries(USER_EXTRA_FIELDS.map((field) => [field, user.extras[field] ?? USER_DEFAULTS[field]]));
  return {
    id: str(user.id),
    org_id: str(user.org_id),
    email: user.email,
    invited_by: str(user.invited_by),
    newsread: "0",
    role_id: str(user.role_id),
    disabled: user.disabled,
    current_login: when(user.last_login),
    last_login: when(user.last_login),
    date_created: str(user.created),
    date_modified: str(user.modified),
    ...kept,
  };
}

const ROLE_DEFAULTS: Record<(typeof ROLE_EXTRA_FIELDS)[number], unknown> = {
  memory_limit: "",
  max_execution_time: "",
  enforce_rate_limit: false,
  rate_limit_count: "0",
  perm_audit: false,
  perm_regexp_access: false,
  perm_template: false,
  perm_sharing_group: false,
  perm_delegate: false,
  perm_object_template: false,
  perm_galaxy_editor: false,
  perm_warninglist: false,
  perm_view_feed_correlations: false,
  perm_analyst_data: false,
  perm_publish_zmq: false,
  perm_publish_kafka: false,
  perm_skip_otp: false,
  perm_server_sign: false,
  perm_full: false,
};

const PERMISSION_NAMES = ["Read Only", "Manage Own Events", "Manage Organisation Events", "Manage and Publish Organisation Events"];

export function presentRoleFields(role: RoleRecord): Json {
  const out: Json = { id: str(role.id), name: role.name };
  for (const permission of PERMISSIONS) out[permission] = role[permission];
  for (const field of ROLE_EXTRA_FIELDS) {
    const value = role.extras[field] ?? ROLE_DEFAULTS[field];
    // MISP stores the limits as text: a number given for one comes back as text.
    out[field] = typeof value === "number" && typeof ROLE_DEFAULTS[field] === "string" ? String(value) : value;
  }
  const level = permissionLevel(role);
  out.default_role = role.default_role;
  out.restricted_to_site_admin = role.restricted_to_site_admin;
  out.permission = str(level);
  out.permission_description = PERMISSION_NAMES[level];
  return out;
}

/** A listing's user: User, Role and Organisation side by side (admin/users/index and view). */
export function presentUserListing(user: UserRecord, role: RoleRecord | null, org: OrgRecord | null): Json {
  return {
    User: presentUserFields(user),
    Role: role ? { id: str(role.id), name: role.name, perm_auth: role.perm_auth, perm_site_admin: role.perm_site_admin } : null,
    Organisation: org ? { id: str(org.id), name: org.name, uuid: org.uuid } : null,
  };
}

export function presentAuthKey(key: ApiKeyRecord): Json {
  return {
    id: str(key.id),
    uuid: key.uuid,
    authkey_start: key.key_start,
    authkey_end: key.key_end,
    created: str(key.created),
    expiration: key.expires_at === null ? "0" : str(key.expires_at),
    read_only: false,
    user_id: str(key.user_id),
    comment: key.comment,
    allowed_ips: null,
    unique_ips: [],
    last_used: key.last_used_at === null ? null : str(key.last_used_at),
  };
}
