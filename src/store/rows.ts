/** Database rows → domain records: integer flags become booleans; nothing else changes shape. */
import type {
  AttributeRecord,
  Distribution,
  EventRecord,
  ObjectRecord,
  OrgProfile,
  OrgRecord,
  RoleRecord,
  SightingRecord,
  SightingType,
  TagRecord,
  TaxonomyRecord,
  UserRecord,
} from "../core/domain.js";
import { EMPTY_ORG_PROFILE, PERMISSIONS } from "../core/domain.js";
import type { Selectable } from "kysely";
import type {
  AttributesTable,
  EventsTable,
  ObjectsTable,
  OrganisationsTable,
  RolesTable,
  SightingsTable,
  TagsTable,
  TaxonomiesTable,
  UsersTable,
} from "./schema.js";

const bool = (value: number | boolean | null | undefined) => value === 1 || value === true;
/** pg returns bigint as number (see dialects/postgres.ts); keep nulls as nulls. */
const num = (value: number | null) => (value === null ? null : Number(value));

/** A JSON object column; anything else (a hand-edited row, say) reads as empty. */
function jsonObject(text: string | null | undefined): Record<string, unknown> {
  try {
    const value: unknown = JSON.parse(text ?? "{}");
    return value !== null && typeof value === "object" && !Array.isArray(value) ? (value as Record<string, unknown>) : {};
  } catch {
    return {};
  }
}

function toProfile(text: string): OrgProfile {
  const stored = jsonObject(text);
  const profile: OrgProfile = { ...EMPTY_ORG_PROFILE, restricted_to_domain: [] };
  for (const key of ["type", "nationality", "sector", "contacts", "landingpage"] as const) {
    if (typeof stored[key] === "string") profile[key] = stored[key];
  }
  if (Array.isArray(stored.restricted_to_domain)) profile.restricted_to_domain = stored.restricted_to_domain.filter((d): d is string => typeof d === "string");
  return profile;
}

export function toOrg(row: Selectable<OrganisationsTable>): OrgRecord {
  return {
    id: row.id,
    uuid: row.uuid,
    name: row.name,
    description: row.description,
    local: bool(row.local),
    created: Number(row.created),
    modified: Number(row.modified),
    created_by: row.created_by,
    profile: toProfile(row.profile),
  };
}

export function toRole(row: Selectable<RolesTable>): RoleRecord {
  const role = {
    id: row.id,
    name: row.name,
    default_role: bool(row.default_role),
    restricted_to_site_admin: bool(row.restricted_to_site_admin),
    extras: jsonObject(row.extras),
  } as RoleRecord;
  for (const permission of PERMISSIONS) role[permission] = bool(row[permission]);
  return role;
}

export function toUser(row: Selectable<UsersTable>): UserRecord {
  return {
    id: row.id,
    org_id: row.org_id,
    role_id: row.role_id,
    email: row.email,
    disabled: bool(row.disabled),
    created: Number(row.created),
    last_login: num(row.last_login),
    modified: Number(row.modified),
    invited_by: row.invited_by,
    extras: jsonObject(row.extras),
  };
}

export function toEvent(row: Selectable<EventsTable>): EventRecord {
  return {
    ...row,
    distribution: row.distribution as Distribution,
    published: bool(row.published),
    publish_timestamp: Number(row.publish_timestamp),
    timestamp: Number(row.timestamp),
    locked: bool(row.locked),
    disable_correlation: bool(row.disable_correlation),
  };
}

export function toObject(row: Selectable<ObjectsTable>): ObjectRecord {
  return {
    ...row,
    distribution: row.distribution as Distribution,
    timestamp: Number(row.timestamp),
    first_seen: num(row.first_seen),
    last_seen: num(row.last_seen),
    deleted: bool(row.deleted),
  };
}

export function toAttribute(row: Selectable<AttributesTable>): AttributeRecord {
  return {
    id: row.id,
    uuid: row.uuid,
    event_id: row.event_id,
    object_id: row.object_id,
    object_relation: row.object_relation,
    category: row.category,
    type: row.type,
    value: row.value,
    to_ids: bool(row.to_ids),
    comment: row.comment,
    distribution: row.distribution as Distribution,
    sharing_group_id: row.sharing_group_id,
    timestamp: Number(row.timestamp),
    first_seen: num(row.first_seen),
    last_seen: num(row.last_seen),
    deleted: bool(row.deleted),
    disable_correlation: bool(row.disable_correlation),
  };
}

export function toTag(row: Selectable<TagsTable>): TagRecord {
  return {
    ...row,
    exportable: bool(row.exportable),
    hide_tag: bool(row.hide_tag),
    numerical_value: row.numerical_value === null ? null : Number(row.numerical_value),
    is_galaxy: bool(row.is_galaxy),
    is_custom_galaxy: bool(row.is_custom_galaxy),
    local_only: bool(row.local_only),
  };
}

export function toSighting(row: Selectable<SightingsTable>): SightingRecord {
  return { ...row, date_sighting: Number(row.date_sighting), type: row.type as SightingType };
}

export function toTaxonomy(row: Selectable<TaxonomiesTable>): TaxonomyRecord {
  return {
    ...row,
    enabled: bool(row.enabled),
    exclusive: bool(row.exclusive),
    required: bool(row.required),
    highlighted: bool(row.highlighted),
  };
}

/** Domain booleans → integer flags, for writes. */
type Flagged<T> = { [K in keyof T]: NonNullable<T[K]> extends boolean ? number | Extract<T[K], undefined> : T[K] };

export function flags<T extends Record<string, unknown>>(fields: T): Flagged<T> {
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(fields)) {
    if (value === undefined) continue;
    out[key] = typeof value === "boolean" ? (value ? 1 : 0) : value;
  }
  return out as Flagged<T>;
}
