/**
 * Table types for Kysely. Flags are stored as integers (0/1) and times as integers (Unix seconds;
 * first_seen/last_seen in microseconds), so that one set of queries serves SQLite and PostgreSQL.
 */
import type { ColumnType, Generated } from "kysely";
import type { DecayIndexRow } from "./store.js";

type Id = Generated<number>;
type Flag = ColumnType<number, number | undefined, number>;

export interface OrganisationsTable {
  id: Id;
  uuid: string;
  name: string;
  description: string;
  local: Flag;
  created: number;
  profile: ColumnType<string, string | undefined, string>;
  modified: ColumnType<number, number | undefined, number>;
  created_by: ColumnType<number, number | undefined, number>;
}

export interface RolesTable {
  id: Id;
  name: string;
  default_role: Flag;
  restricted_to_site_admin: Flag;
  extras: ColumnType<string, string | undefined, string>;
  created: ColumnType<number, number | undefined, number>;
  modified: ColumnType<number, number | undefined, number>;
  perm_add: Flag;
  perm_modify: Flag;
  perm_modify_org: Flag;
  perm_publish: Flag;
  perm_sync: Flag;
  perm_admin: Flag;
  perm_site_admin: Flag;
  perm_tagger: Flag;
  perm_tag_editor: Flag;
  perm_sighting: Flag;
  perm_decaying: Flag;
  perm_auth: Flag;
}

export interface UsersTable {
  id: Id;
  org_id: number;
  role_id: number;
  email: string;
  disabled: Flag;
  created: number;
  last_login: number | null;
  extras: ColumnType<string, string | undefined, string>;
  modified: ColumnType<number, number | undefined, number>;
  invited_by: ColumnType<number, number | undefined, number>;
}

export interface ApiKeysTable {
  id: Id;
  uuid: string;
  user_id: number;
  key_hash: string;
  key_start: string;
  key_end: string;
  comment: string;
  created: number;
  expires_at: number | null;
  revoked_at: number | null;
  last_used_at: number | null;
}

export interface EventsTable {
  id: Id;
  uuid: string;
  org_id: number;
  orgc_id: number;
  user_id: number;
  info: string;
  date: string;
  threat_level_id: number;
  analysis: number;
  distribution: number;
  sharing_group_id: number;
  published: Flag;
  publish_timestamp: number;
  timestamp: number;
  locked: Flag;
  disable_correlation: Flag;
  extends_uuid: string;
}

export interface ObjectsTable {
  id: Id;
  uuid: string;
  event_id: number;
  name: string;
  meta_category: string;
  description: string;
  template_uuid: string;
  template_version: string;
  comment: string;
  distribution: number;
  sharing_group_id: number;
  timestamp: number;
  first_seen: number | null;
  last_seen: number | null;
  deleted: Flag;
}

export interface AttributesTable {
  id: Id;
  uuid: string;
  event_id: number;
  object_id: number;
  object_relation: string | null;
  category: string;
  type: string;
  value: string;
  /** The two halves of a composite value ("a|b"); value2 is "" otherwise. Sightings by value match either. */
  value1: string;
  value2: string;
  to_ids: Flag;
  comment: string;
  distribution: number;
  sharing_group_id: number;
  timestamp: number;
  first_seen: number | null;
  last_seen: number | null;
  deleted: Flag;
  disable_correlation: Flag;
}

export interface TagsTable {
  id: Id;
  name: string;
  colour: string;
  exportable: Flag;
  hide_tag: Flag;
  numerical_value: number | null;
  is_galaxy: Flag;
  is_custom_galaxy: Flag;
  local_only: Flag;
  org_id: number;
  user_id: number;
}

export interface EventTagsTable {
  id: Id;
  event_id: number;
  tag_id: number;
  local: Flag;
}

export interface AttributeTagsTable {
  id: Id;
  attribute_id: number;
  event_id: number;
  tag_id: number;
  local: Flag;
}

export interface TaxonomiesTable {
  id: Id;
  namespace: string;
  description: string;
  version: number;
  enabled: Flag;
  exclusive: Flag;
  required: Flag;
  highlighted: Flag;
  expanded: string;
}

export interface TaxonomyPredicatesTable {
  id: Id;
  taxonomy_id: number;
  value: string;
  expanded: string;
  colour: string;
  description: string;
  exclusive: Flag;
  numerical_value: number | null;
}

export interface TaxonomyEntriesTable {
  id: Id;
  taxonomy_predicate_id: number;
  value: string;
  expanded: string;
  colour: string;
  description: string;
  numerical_value: number | null;
}

export interface SightingsTable {
  id: Id;
  uuid: string;
  attribute_id: number;
  event_id: number;
  org_id: number;
  date_sighting: number;
  source: string;
  type: number;
}

export interface UserSettingsTable {
  id: Id;
  user_id: number;
  setting: string;
  value: string;
}

export interface DecayingModelsTable {
  id: Id;
  uuid: string | null;
  name: string;
  description: string;
  formula: string;
  /** JSON */
  parameters: string;
  /** JSON list */
  attribute_types: string;
  org_id: number;
  enabled: Flag;
  all_orgs: Flag;
  /** JSON list, or null */
  ref: string | null;
  version: string;
  is_default: Flag;
}

export interface DecayingModelMappingsTable {
  id: Id;
  attribute_type: string;
  model_id: number;
}

/** The rows are what the port hands out (fresh ⇔ fresh_from ≤ now < fresh_until; ±FOREVER stand for open ends). */
export type DecayIndexTable = DecayIndexRow;

export interface DecaySummaryTable {
  attribute_id: number;
  fresh_from: number;
  fresh_until: number;
  /** The attribute's own flag, copied so that counting fresh IDS indicators stays in this table. */
  to_ids: number;
}

export interface UiSessionsTable {
  id: Id;
  token_hash: string;
  user_id: number;
  key_id: number;
  created: number;
  expires_at: number;
}

export interface Database {
  organisations: OrganisationsTable;
  roles: RolesTable;
  users: UsersTable;
  api_keys: ApiKeysTable;
  events: EventsTable;
  objects: ObjectsTable;
  attributes: AttributesTable;
  tags: TagsTable;
  event_tags: EventTagsTable;
  attribute_tags: AttributeTagsTable;
  taxonomies: TaxonomiesTable;
  taxonomy_predicates: TaxonomyPredicatesTable;
  taxonomy_entries: TaxonomyEntriesTable;
  sightings: SightingsTable;
  user_settings: UserSettingsTable;
  decaying_models: DecayingModelsTable;
  decaying_model_mappings: DecayingModelMappingsTable;
  decay_index: DecayIndexTable;
  decay_summary: DecaySummaryTable;
  ui_sessions: UiSessionsTable;
}
