import type { ValidParameters } from "./models.js";

/**
 * The records Halflife keeps, as plain data. The store produces them, use-cases pass them around,
 * and the MISP presenters turn them into MISP's JSON. Times are Unix seconds; first_seen and
 * last_seen are Unix microseconds (MISP's precision). Flags are booleans.
 */

export interface OrgRecord {
  id: number;
  uuid: string;
  name: string;
  description: string;
  local: boolean;
  created: number;
  /** When the organisation last changed (Unix seconds). */
  modified: number;
  /** The user who created it; 0 when the instance did. */
  created_by: number;
  profile: OrgProfile;
}

/** MISP's descriptive organisation fields: kept and returned, not used by any rule. */
export interface OrgProfile {
  type: string;
  nationality: string;
  sector: string;
  contacts: string;
  /** E-mail domains the organisation's users must have (MISP's restricted_to_domain). */
  restricted_to_domain: string[];
  landingpage: string;
}

export const EMPTY_ORG_PROFILE: OrgProfile = { type: "", nationality: "", sector: "", contacts: "", restricted_to_domain: [], landingpage: "" };

/** The permissions Halflife checks. Every other MISP permission is presented as false. */
export const PERMISSIONS = [
  "perm_add",
  "perm_modify",
  "perm_modify_org",
  "perm_publish",
  "perm_sync",
  "perm_admin",
  "perm_site_admin",
  "perm_tagger",
  "perm_tag_editor",
  "perm_sighting",
  "perm_decaying",
  "perm_auth",
] as const;

export type Permission = (typeof PERMISSIONS)[number];

export type RoleRecord = {
  id: number;
  name: string;
  /** The role new users get when none is named (one role at a time). */
  default_role: boolean;
  /** Only site admins may give this role to a user. */
  restricted_to_site_admin: boolean;
  /** MISP's other role fields (limits, permissions Halflife does not check), kept so they round-trip. */
  extras: Record<string, unknown>;
} & Record<Permission, boolean>;

export interface UserRecord {
  id: number;
  org_id: number;
  role_id: number;
  email: string;
  disabled: boolean;
  created: number;
  last_login: number | null;
  /** When the user last changed (Unix seconds). */
  modified: number;
  /** The user who created this one; 0 when the instance did. */
  invited_by: number;
  /** MISP's other user fields (alerts, encryption keys, NIDS sid…), kept so they round-trip. */
  extras: Record<string, unknown>;
}

export interface ApiKeyRecord {
  id: number;
  uuid: string;
  user_id: number;
  /** First and last four characters, to recognise a key without storing it. */
  key_start: string;
  key_end: string;
  comment: string;
  created: number;
  expires_at: number | null;
  revoked_at: number | null;
  last_used_at: number | null;
}

/** Who is asking: the user, their organisation and role. Every permission check starts here. */
export interface Principal {
  user: UserRecord;
  org: OrgRecord;
  role: RoleRecord;
  /** The API key used, when the request was authenticated with one. */
  keyId: number | null;
}

/** MISP's distribution levels. Sharing groups (4) are kept but treated as "your organisation only". */
export type Distribution = 0 | 1 | 2 | 3 | 4 | 5;

export interface EventRecord {
  id: number;
  uuid: string;
  org_id: number;
  orgc_id: number;
  user_id: number;
  info: string;
  /** YYYY-MM-DD */
  date: string;
  threat_level_id: number;
  analysis: number;
  distribution: Distribution;
  sharing_group_id: number;
  published: boolean;
  publish_timestamp: number;
  timestamp: number;
  locked: boolean;
  disable_correlation: boolean;
  extends_uuid: string;
}

export interface ObjectRecord {
  id: number;
  uuid: string;
  event_id: number;
  name: string;
  meta_category: string;
  description: string;
  template_uuid: string;
  template_version: string;
  comment: string;
  distribution: Distribution;
  sharing_group_id: number;
  timestamp: number;
  first_seen: number | null;
  last_seen: number | null;
  deleted: boolean;
}

export interface AttributeRecord {
  id: number;
  uuid: string;
  event_id: number;
  /** 0 when the attribute belongs to no object. */
  object_id: number;
  object_relation: string | null;
  category: string;
  type: string;
  value: string;
  to_ids: boolean;
  comment: string;
  distribution: Distribution;
  sharing_group_id: number;
  timestamp: number;
  first_seen: number | null;
  last_seen: number | null;
  deleted: boolean;
  disable_correlation: boolean;
}

export interface TagRecord {
  id: number;
  name: string;
  colour: string;
  exportable: boolean;
  hide_tag: boolean;
  numerical_value: number | null;
  is_galaxy: boolean;
  is_custom_galaxy: boolean;
  local_only: boolean;
  org_id: number;
  user_id: number;
}

/** A tag as attached to an event or an attribute. */
export interface TagLinkRecord {
  tag: TagRecord;
  local: boolean;
}

/** 0 = sighting (true positive), 1 = false positive, 2 = expiration. */
export type SightingType = 0 | 1 | 2;

export interface SightingRecord {
  id: number;
  uuid: string;
  attribute_id: number;
  event_id: number;
  org_id: number;
  date_sighting: number;
  source: string;
  type: SightingType;
}

export interface TaxonomyRecord {
  id: number;
  namespace: string;
  description: string;
  version: number;
  enabled: boolean;
  exclusive: boolean;
  required: boolean;
  highlighted: boolean;
  expanded: string;
}

/** One entry of MISP's `decay_score` list: a model's verdict on an attribute. */
export interface DecayScoreEntry {
  score: number;
  base_score: number;
  decayed: boolean;
  /** `{ id, name }`, or the whole model row with `includeFullModel`. */
  DecayingModel: Record<string, unknown>;
}

/** An attribute with what is shown alongside it. */
export interface AttributeView {
  attribute: AttributeRecord;
  tags: TagLinkRecord[];
  /** The event's tags, when they are shown on the attribute (marked inherited). */
  eventTags?: TagLinkRecord[];
  /** Present when sightings are requested. */
  sightings?: SightingRecord[];
  decayScore?: DecayScoreEntry[];
  /** The attribute's event, for flattened listings. */
  event?: EventRecord;
  object?: ObjectRecord;
}

/** An event with everything events/view shows. */
export interface EventTree {
  event: EventRecord;
  tags: TagLinkRecord[];
  attributes: AttributeView[];
  objects: Array<{ object: ObjectRecord; attributes: AttributeView[] }>;
  /** Every organisation the tree mentions (owner, creator, sighting reporters), by id. */
  orgs: Map<number, OrgRecord>;
  creatorEmail: string | null;
  /** The event's own scores, with includeScoresOnEvent. */
  eventScores?: DecayScoreEntry[];
}

/** A decaying model as stored: MISP's fields, with parameters already validated. */
export interface DecayingModelRecord {
  id: number;
  /** Only default models have a uuid (MISP's convention). */
  uuid: string | null;
  name: string;
  description: string;
  formula: string;
  parameters: ValidParameters;
  /** The types column: authoritative for default models; informational for others (see mappings). */
  attribute_types: string[];
  org_id: number;
  enabled: boolean;
  all_orgs: boolean;
  ref: string[] | null;
  version: string;
  default: boolean;
}
