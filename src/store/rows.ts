/** Database rows → domain records: integer flags become booleans; nothing else changes shape. */
import type {
  AttributeRecord,
  Distribution,
  EventRecord,
  ObjectRecord,
  OrgRecord,
  RoleRecord,
  SightingRecord,
  SightingType,
  TagRecord,
  TaxonomyRecord,
  UserRecord,
} from "../core/domain.js";
import { PERMISSIONS } from "../core/domain.js";
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

export function toOrg(row: Selectable<OrganisationsTable>): OrgRecord {
  return { ...row, created: Number(row.created), local: bool(row.local) };
}

export function toRole(row: Selectable<RolesTable>): RoleRecord {
  const role = { id: row.id, name: row.name } as RoleRecord;
  for (const permission of PERMISSIONS) role[permission] = bool(row[permission]);
  return role;
}

export function toUser(row: Selectable<UsersTable>): UserRecord {
  return { ...row, disabled: bool(row.disabled), created: Number(row.created), last_login: num(row.last_login) };
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
