/**
 * The JSON shapes the MISP REST client sends and receives, with MISP's field names. MISP emits
 * ids, counts and timestamps as strings and flags as booleans; other servers (and PyMISP-built
 * bodies) send numbers and 0/1, so the types admit both where MISP's own code does. Only the
 * fields Halflife reads are named; everything else passes through untouched.
 */
import type { SightingEntry } from "../core/types.js";

/** A MISP id in a path: a numeric id (number or string) or a UUID. */
export type MispId = string | number;

export interface MispVersion {
  version: string;
  pymisp_recommended_version?: string;
  perm_sighting?: boolean;
  [key: string]: unknown;
}

export interface MispWhoAmI {
  User: { id: string; email?: string; org_id?: string; [key: string]: unknown };
  Role: { id?: string; name?: string; perm_modify?: boolean; perm_publish?: boolean; perm_sighting?: boolean; [key: string]: unknown };
  Organisation?: { id: string; name?: string; uuid?: string; [key: string]: unknown };
  UserSetting?: unknown;
  [key: string]: unknown;
}

export interface MispAttribute {
  id: string;
  event_id: string;
  uuid: string;
  type: string;
  category?: string;
  value: string;
  to_ids: boolean | number | string;
  timestamp?: string | number;
  deleted?: boolean | number | string;
  /** With `includeSightings`: the sightings the key may see. */
  Sighting?: SightingEntry[];
  /** restSearch adds a short event: id, info, uuid, org_id, orgc_id, distribution. */
  Event?: { id?: string; info?: string; uuid?: string; [key: string]: unknown };
  Tag?: unknown[];
  [key: string]: unknown;
}

export interface MispEvent {
  id: string;
  uuid: string;
  info: string;
  published?: boolean | number | string;
  Attribute?: MispAttribute[];
  Object?: Array<{ Attribute?: MispAttribute[]; [key: string]: unknown }>;
  [key: string]: unknown;
}

/** An event to create: bare, as PyMISP sends it (MISP also accepts it wrapped). */
export interface NewMispEvent {
  info: string;
  uuid?: string;
  distribution?: number | string;
  threat_level_id?: number | string;
  analysis?: number | string;
  date?: string;
  Attribute?: Array<Partial<MispAttribute> & { type: string; value: string }>;
  Tag?: Array<{ name: string; [key: string]: unknown }>;
  [key: string]: unknown;
}

/** `saveSuccessResponse`: what publish, alert, unpublish and delete answer. */
export interface MispSaveResult {
  saved?: boolean;
  success?: boolean;
  name?: string;
  message?: string;
  url?: string;
  id?: string | number;
  errors?: unknown;
  [key: string]: unknown;
}

export interface MispSighting {
  id?: string;
  attribute_id?: string;
  event_id?: string;
  org_id?: string;
  date_sighting?: string | number;
  uuid?: string;
  source?: string;
  type?: string | number;
  [key: string]: unknown;
}

/**
 * A sighting to report. The target is the attribute in the path (`addSighting(s, attribute)`),
 * else `uuid` or `id` here, else every attribute whose value is in `value`/`values`.
 */
export interface NewMispSighting {
  /** 0 true positive (the default), 1 false positive, 2 expiration. */
  type?: 0 | 1 | 2 | "0" | "1" | "2";
  /** Unix seconds; the server's now when absent. */
  timestamp?: number | string;
  source?: string;
  uuid?: string;
  id?: MispId;
  value?: string;
  values?: string[];
  [key: string]: unknown;
}

/** The attributes restSearch filters the sweep and the tests use; any other MISP name passes through. */
export interface AttributeSearchFilters {
  value?: string | string[];
  type?: string | string[];
  category?: string | string[];
  tags?: string | string[];
  eventid?: MispId | MispId[];
  uuid?: string | string[];
  to_ids?: boolean | 0 | 1 | "0" | "1";
  published?: boolean | 0 | 1 | "0" | "1";
  deleted?: boolean | 0 | 1 | "0" | "1";
  timestamp?: number | string | Array<number | string>;
  from?: number | string;
  to?: number | string;
  last?: number | string;
  includeSightings?: boolean | 0 | 1;
  includeEventTags?: boolean | 0 | 1;
  includeDecayScore?: boolean | 0 | 1;
  excludeDecayed?: boolean | 0 | 1;
  decayingModel?: MispId | MispId[];
  page?: number;
  limit?: number;
  order?: string;
  [key: string]: unknown;
}

/** MISP's error body: `{name, message, url}`, plus `errors` and `saved: false` for save failures. */
export interface MispErrorBody {
  name?: string;
  message?: string;
  url?: string;
  errors?: unknown;
  [key: string]: unknown;
}
