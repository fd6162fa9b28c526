/**
 * The store's ports: the operations use-cases need, and nothing more. Use-cases import only this
 * file; src/store/kysely-store.ts implements it over SQLite or PostgreSQL.
 *
 * Every write a use-case makes happens inside `store.transaction(...)`, so a failure leaves nothing
 * half-written.
 */
import type {
  ApiKeyRecord,
  DecayingModelRecord,
  AttributeRecord,
  EventRecord,
  ObjectRecord,
  OrgRecord,
  Principal,
  RoleRecord,
  SightingRecord,
  TagLinkRecord,
  TagRecord,
  TaxonomyRecord,
  UserRecord,
} from "../core/domain.js";
import type { Taxonomy } from "../core/taxonomy.js";
import type { SweepChangeRecord, SweepRunRecord, SweepScope } from "../core/sweep-run.js";
import type { SweepRule } from "../core/sweep-rule.js";

/** Who is reading, for MISP's visibility rules (distribution, sighting policy). */
export interface Viewer {
  orgId: number;
  siteAdmin: boolean;
  /** MISP's Plugin.Sightings_policy: 0 event owner, 1 reporters, 2 everyone, 3 host organisation. */
  sightingsPolicy: 0 | 1 | 2 | 3;
  hostOrgId: number;
  /** A sync user (perm_sync) also sees soft-deleted items of events shared with it, as MISP's sync does. */
  sync?: boolean;
}

export type New<T extends { id: number }> = Omit<T, "id">;

/** A new organisation: MISP's descriptive fields may be left out (empty), as may who made it. */
export type NewOrg = Omit<New<OrgRecord>, "modified" | "created_by" | "profile"> & Partial<Pick<OrgRecord, "modified" | "created_by" | "profile">>;

export interface OrgsPort {
  create(org: NewOrg): Promise<OrgRecord>;
  byId(id: number): Promise<OrgRecord | null>;
  byUuid(uuid: string): Promise<OrgRecord | null>;
  byName(name: string): Promise<OrgRecord | null>;
  /** By id; `search` matches names, uuids and descriptions (with % wildcards, case-insensitive). */
  list(filter?: { local?: boolean; search?: string }): Promise<OrgRecord[]>;
  byIds(ids: readonly number[]): Promise<Map<number, OrgRecord>>;
  update(id: number, fields: Partial<Omit<OrgRecord, "id">>): Promise<void>;
  /** What still refers to an organisation (users, events, sightings, models): it can go only when nothing does. */
  references(id: number): Promise<{ users: number; events: number; sightings: number; models: number }>;
  delete(id: number): Promise<void>;
}

/** A new user: MISP's other fields may be left out, as may who invited them. */
export type NewUser = Omit<New<UserRecord>, "modified" | "invited_by" | "extras"> & Partial<Pick<UserRecord, "modified" | "invited_by" | "extras">>;
export type NewRole = Omit<New<RoleRecord>, "default_role"> & { default_role?: boolean };

export interface UsersPort {
  create(user: NewUser): Promise<UserRecord>;
  byId(id: number): Promise<UserRecord | null>;
  byEmail(email: string): Promise<UserRecord | null>;
  /** By id; `search` matches e-mail addresses (with % wildcards, case-insensitive). */
  list(filter?: { orgId?: number; search?: string }): Promise<UserRecord[]>;
  update(id: number, fields: Partial<Omit<UserRecord, "id">>): Promise<void>;
  /** Removes a user with its keys and sessions; what it created stays. */
  delete(id: number): Promise<void>;
  count(): Promise<number>;
  /** How many users have this role (a role in use cannot go). */
  countWithRole(roleId: number): Promise<number>;
  roles(): Promise<RoleRecord[]>;
  roleById(id: number): Promise<RoleRecord | null>;
  roleByName(name: string): Promise<RoleRecord | null>;
  createRole(role: NewRole, now: number): Promise<RoleRecord>;
  updateRole(id: number, fields: Partial<Omit<RoleRecord, "id" | "default_role">>, now: number): Promise<void>;
  deleteRole(id: number): Promise<void>;
  /** Makes this role the one new users get, and no other. */
  setDefaultRole(id: number): Promise<void>;
}

export interface NewApiKey {
  /** A new uuid when left out. */
  uuid?: string;
  user_id: number;
  key_hash: string;
  key_start: string;
  key_end: string;
  comment: string;
  created: number;
  expires_at: number | null;
}

export interface KeysPort {
  create(key: NewApiKey): Promise<ApiKeyRecord>;
  /** The principal behind a key hash, or null when the key is unknown, revoked, expired or its user disabled. */
  principalByHash(hash: string, now: number): Promise<Principal | null>;
  principalForUser(userId: number): Promise<Principal | null>;
  listForUser(userId: number): Promise<ApiKeyRecord[]>;
  /** Keys of these users (every key when `userIds` is undefined), by id. */
  list(userIds?: readonly number[]): Promise<ApiKeyRecord[]>;
  byId(id: number): Promise<ApiKeyRecord | null>;
  /** The key with this hash, whatever its state (revoked, expired), or null when it was never stored. */
  byHash(hash: string): Promise<ApiKeyRecord | null>;
  byUuid(uuid: string): Promise<ApiKeyRecord | null>;
  revoke(id: number, now: number): Promise<void>;
  touch(id: number, now: number): Promise<void>;
}

export interface EventListFilter {
  /** Only events whose info contains this text (case-insensitive). */
  info?: string;
  orgcIds?: number[];
  published?: boolean;
  /** Unix seconds bounds on the event's modification time. */
  timestampFrom?: number;
  timestampTo?: number;
  publishTimestampFrom?: number;
  publishTimestampTo?: number;
  /** YYYY-MM-DD bounds on the event date. */
  dateFrom?: string;
  dateTo?: string;
  ids?: number[];
  uuids?: string[];
  /** Event ids carrying all of / none of these tag ids (event tags). */
  withTagIds?: number[][];
  /** `withTagIds` also match the tags of the event's live attributes (events/restSearch). */
  tagsOnAttributesToo?: boolean;
  withoutTagIds?: number[];
  threatLevelIds?: number[];
  notThreatLevelIds?: number[];
  notIds?: number[];
  notOrgcIds?: number[];
  distributions?: number[];
  notDistributions?: number[];
  analyses?: number[];
  notAnalyses?: number[];
  /** Text in the info, a live attribute's value or comment, or the name of an event or attribute tag. */
  anyText?: string;
  /** Text in a live attribute's value. */
  attributeValue?: string;
  /** Text in the e-mail address of the user who created the event. */
  creatorEmail?: string;
}

/** The event fields a list can be sorted on (events/index `sort`). */
export const EVENT_SORT_FIELDS = ["id", "info", "date", "timestamp", "publish_timestamp", "threat_level_id", "analysis", "distribution", "org", "published"] as const;
export interface EventOrder {
  by: (typeof EVENT_SORT_FIELDS)[number];
  direction: "asc" | "desc";
}

export interface EventsPort {
  insert(event: New<EventRecord>): Promise<EventRecord>;
  byId(id: number): Promise<EventRecord | null>;
  byUuid(uuid: string): Promise<EventRecord | null>;
  byIds(ids: readonly number[]): Promise<Map<number, EventRecord>>;
  /**
   * Changes an event; with `olderThan`, only if its stored timestamp is older (MISP's rule for a
   * stale copy), checked in the same statement so that of two edits racing with one timestamp
   * exactly one lands. Whether the event changed.
   */
  update(id: number, fields: Partial<Omit<EventRecord, "id" | "uuid">>, guard?: { olderThan: number }): Promise<boolean>;
  /** The same fields on many events, a few statements in all (the sweep republishes events in batches). */
  updateMany(ids: readonly number[], fields: Partial<Omit<EventRecord, "id" | "uuid">>): Promise<void>;
  /** Deletes an event with its objects, attributes, tags and sightings. */
  delete(id: number): Promise<void>;
  /** Visible events matching the filter, newest first unless `order` says otherwise (ties by id). */
  list(filter: EventListFilter, viewer: Viewer, page: { limit: number; offset: number; order?: EventOrder }): Promise<EventRecord[]>;
  count(filter: EventListFilter, viewer: Viewer): Promise<number>;
  isVisible(event: EventRecord, viewer: Viewer): boolean;
  tags(eventIds: readonly number[]): Promise<Map<number, TagLinkRecord[]>>;
  attributeCounts(eventIds: readonly number[]): Promise<Map<number, number>>;
}

export interface ObjectsPort {
  insert(object: New<ObjectRecord>): Promise<ObjectRecord>;
  /** Bulk insert for event writes: one statement (or one prepared statement) per batch. Returns the new ids, in order. */
  insertMany(objects: readonly New<ObjectRecord>[]): Promise<number[]>;
  /** Which of these uuids are taken already. */
  existingUuids(uuids: readonly string[]): Promise<Set<string>>;
  byId(id: number): Promise<ObjectRecord | null>;
  byUuid(uuid: string): Promise<ObjectRecord | null>;
  /** Objects by name, event and uuid, in id order (objects/restSearch); visibility is the caller's. */
  search(filter: { names?: string[]; eventIds?: number[]; uuids?: string[]; deleted: boolean | "both"; limit: number }): Promise<ObjectRecord[]>;
  byEvents(eventIds: readonly number[], options?: { includeDeleted?: boolean }): Promise<ObjectRecord[]>;
  update(id: number, fields: Partial<Omit<ObjectRecord, "id" | "uuid" | "event_id">>): Promise<void>;
  /** Removes the object row; its attributes must have been deleted through AttributesPort first. */
  delete(id: number): Promise<void>;
  isVisible(object: ObjectRecord, event: EventRecord, viewer: Viewer): boolean;
}

/** restSearch filters for attributes, already parsed and validated. */
export interface AttributeFilter {
  ids?: number[];
  uuids?: string[];
  /** Matches the attribute's uuid or its event's uuid (MISP's `uuid` filter). */
  anyUuids?: string[];
  eventIds?: number[];
  eventUuids?: string[];
  /** Values: exact, or with % wildcards; any of `values` and none of `notValues`. */
  values?: string[];
  notValues?: string[];
  types?: string[];
  notTypes?: string[];
  categories?: string[];
  notCategories?: string[];
  /**
   * Keep only attributes that at least one of these models finds fresh at `now`, or that none of
   * them applies to (MISP's excludeDecayed), answered from the decay index.
   */
  freshAt?: { now: number; modelIds: number[]; /** The models are exactly every enabled indexed model: use the per-attribute summary. */ allEnabled?: boolean };
  /** Each inner list is OR-ed; the lists are AND-ed (tag ids, attribute or event tags). */
  tagIdGroups?: number[][];
  notTagIds?: number[];
  toIds?: boolean;
  published?: boolean;
  /** false: only live attributes (the default); true: only deleted; "both". */
  deleted?: boolean | "both";
  timestampFrom?: number;
  timestampTo?: number;
  eventTimestampFrom?: number;
  eventTimestampTo?: number;
  publishTimestampFrom?: number;
  publishTimestampTo?: number;
  dateFrom?: string;
  dateTo?: string;
  orgIds?: number[];
  notOrgIds?: number[];
  objectRelations?: string[];
  eventInfo?: string;
  comment?: string;
  firstSeenFrom?: number;
  lastSeenTo?: number;
  threatLevelIds?: number[];
}

export interface AttributesPort {
  insert(attribute: New<AttributeRecord>): Promise<AttributeRecord>;
  /** Bulk insert for imports: one statement per batch. Returns the new ids, in order. */
  insertMany(attributes: readonly New<AttributeRecord>[]): Promise<number[]>;
  byId(id: number): Promise<AttributeRecord | null>;
  byUuid(uuid: string): Promise<AttributeRecord | null>;
  byIds(ids: readonly number[]): Promise<Map<number, AttributeRecord>>;
  /** Which of these uuids are taken already. */
  existingUuids(uuids: readonly string[]): Promise<Set<string>>;
  /** Changes an attribute; `olderThan` as for events. Whether the attribute changed. */
  update(id: number, fields: Partial<Omit<AttributeRecord, "id" | "uuid" | "event_id">>, guard?: { olderThan: number }): Promise<boolean>;
  /**
   * Sets to_ids on many attributes at once and stamps their timestamp, as attributes/edit does
   * (the sweep and its undo; a few statements, never one per attribute). Only live attributes
   * whose flag differs change; returns the ids that did.
   */
  setToIds(ids: readonly number[], value: boolean, timestamp: number): Promise<number[]>;
  /** Removes an attribute for good, with its tags and sightings. */
  delete(id: number): Promise<void>;
  byEvents(eventIds: readonly number[], options?: { includeDeleted?: boolean }): Promise<AttributeRecord[]>;
  /** Visible attributes matching the filter, in id order, after `afterId` (keyset paging). */
  search(filter: AttributeFilter, viewer: Viewer, page: { afterId?: number; limit: number; offset?: number }): Promise<AttributeRecord[]>;
  count(filter: AttributeFilter, viewer: Viewer): Promise<number>;
  /** Ids of the events that have at least one visible attribute matching the filter. */
  eventIdsMatching(filter: AttributeFilter, viewer: Viewer): Promise<number[]>;
  /** An event's live attributes whose whole value is exactly one of these (no wildcards). */
  liveWithValues(eventId: number, values: readonly string[]): Promise<AttributeRecord[]>;
  /** Visible, live attributes whose value (or either half of a composite value) is one of these. */
  byValues(values: readonly string[], viewer: Viewer): Promise<AttributeRecord[]>;
  tags(attributeIds: readonly number[]): Promise<Map<number, TagLinkRecord[]>>;
  /** MISP's rule; `object` is the attribute's object when it belongs to one (src/store/visibility.ts). */
  isVisible(attribute: AttributeRecord, event: EventRecord, object: ObjectRecord | null, viewer: Viewer): boolean;
}

export interface TagsPort {
  byId(id: number): Promise<TagRecord | null>;
  byName(name: string): Promise<TagRecord | null>;
  byNames(names: readonly string[]): Promise<Map<string, TagRecord>>;
  create(tag: New<TagRecord>): Promise<TagRecord>;
  update(id: number, fields: Partial<Omit<TagRecord, "id">>): Promise<void>;
  /** Tags whose name matches (with % wildcards), by name. */
  list(filter: { search?: string; ids?: number[] }): Promise<TagRecord[]>;
  /** Ids of tags whose name matches a pattern with % wildcards (case-insensitive). */
  idsMatching(pattern: string): Promise<number[]>;
  attachToEvent(eventId: number, tagId: number, local: boolean): Promise<boolean>;
  detachFromEvent(eventId: number, tagId: number): Promise<boolean>;
  attachToAttribute(attributeId: number, eventId: number, tagId: number, local: boolean): Promise<boolean>;
  detachFromAttribute(attributeId: number, tagId: number): Promise<boolean>;
  /** Bulk links for imports. */
  attachManyToAttributes(links: ReadonlyArray<{ attribute_id: number; event_id: number; tag_id: number; local: boolean }>): Promise<void>;
  usageCounts(tagIds: readonly number[]): Promise<Map<number, { events: number; attributes: number }>>;
  /** Deletes a tag with its links to events and attributes. */
  delete(id: number): Promise<void>;
}

export interface TaxonomiesPort {
  /** Creates the taxonomy, or replaces its predicates and entries when the namespace exists. Keeps `enabled`. */
  upsert(taxonomy: Taxonomy): Promise<{ record: TaxonomyRecord; created: boolean }>;
  list(): Promise<TaxonomyRecord[]>;
  byId(id: number): Promise<TaxonomyRecord | null>;
  byNamespace(namespace: string): Promise<TaxonomyRecord | null>;
  definition(id: number): Promise<Taxonomy | null>;
  setEnabled(id: number, enabled: boolean): Promise<void>;
  /** The numerical values that stored taxonomies give these tag names (names without one are absent). */
  valuesForTags(names: readonly string[]): Promise<Map<string, number>>;
  /** Sets each tag's numerical value to what its taxonomy now says; returns the ids of tags that changed. */
  syncTagValues(namespace: string): Promise<number[]>;
}

export interface SightingFilter {
  attributeIds?: number[];
  eventIds?: number[];
  ids?: number[];
  uuids?: string[];
  types?: number[];
  from?: number;
  to?: number;
  orgIds?: number[];
  notOrgIds?: number[];
  source?: string;
}

export interface SightingsPort {
  insertMany(sightings: readonly New<SightingRecord>[]): Promise<SightingRecord[]>;
  byId(id: number): Promise<SightingRecord | null>;
  byUuid(uuid: string): Promise<SightingRecord | null>;
  existingUuids(uuids: readonly string[]): Promise<Set<string>>;
  delete(id: number): Promise<void>;
  /** Deletes the expiration sightings an organisation reported on an attribute (MISP keeps one). */
  deleteExpirations(attributeId: number, orgId: number): Promise<void>;
  /**
   * Visible sightings matching the filter, oldest first (by date, then id). Paged by `offset`, or
   * by keyset: those after the sighting `after` names, which costs the same on every page.
   */
  list(filter: SightingFilter, viewer: Viewer, page?: { limit: number; offset?: number; after?: { date_sighting: number; id: number } }): Promise<SightingRecord[]>;
  /** Visible sightings of these attributes, oldest first, grouped by attribute. */
  forAttributes(attributeIds: readonly number[], viewer: Viewer): Promise<Map<number, SightingRecord[]>>;
  /** The newest visible true-positive sighting of each attribute (absent when none). */
  lastTruePositives(attributeIds: readonly number[], viewer: Viewer): Promise<Map<number, number>>;
}

export interface ModelsPort {
  create(model: New<DecayingModelRecord>): Promise<DecayingModelRecord>;
  byId(id: number): Promise<DecayingModelRecord | null>;
  byUuid(uuid: string): Promise<DecayingModelRecord | null>;
  /** Every model; visibility is the caller's business (it depends on the principal). */
  list(): Promise<DecayingModelRecord[]>;
  update(id: number, fields: Partial<Omit<DecayingModelRecord, "id">>): Promise<void>;
  delete(id: number): Promise<void>;
  /** Mapping rows (attribute types) of each model. */
  mappings(modelIds: readonly number[]): Promise<Map<number, Array<{ id: number; attribute_type: string }>>>;
  /** Replaces a model's mapping rows. */
  setMappings(modelId: number, types: readonly string[]): Promise<void>;
  modelIdsForType(type: string): Promise<number[]>;
}

/** One decay index row: an attribute under an enabled model. */
export interface DecayIndexRow {
  attribute_id: number;
  model_id: number;
  base_score: number;
  ref_time: number;
  /** Fresh ⇔ fresh_from ≤ now < fresh_until; ±FOREVER stand for open ends. */
  fresh_from: number;
  fresh_until: number;
}

export interface DecayIndexPort {
  /** The rows of these attributes under these models. */
  rows(attributeIds: readonly number[], modelIds: readonly number[]): Promise<DecayIndexRow[]>;
  /** Rebuilds one model's rows now, reporting progress (rows written so far). */
  rebuildModel(modelId: number, onProgress?: (rows: number) => void): Promise<number>;
  /** Rebuilds every enabled model's rows. */
  rebuildAll(): Promise<void>;
  /** Ids of enabled models whose formula the index can answer for (it has a closed form). */
  indexedModelIds(): Promise<number[]>;
  /** The per-attribute summary of fresh windows (tests compare it with the rows). */
  summary(attributeIds: readonly number[]): Promise<Map<number, { fresh_from: number; fresh_until: number; to_ids: boolean }>>;
}

/** An attribute the sweep's rule may pull from detection, with its counted sightings. */
export interface SweepCandidate {
  attributeId: number;
  eventId: number;
  uuid: string;
  type: string;
  value: string;
  /** Type-0 sightings dated strictly after the cutoff. */
  tp: number;
  /** Type-1 sightings dated strictly after the cutoff. */
  fp: number;
}

export interface SweepRunFilter {
  limit: number;
  /** Keyset paging: runs with a smaller id. */
  beforeId?: number;
  /** An organisation admin's view: runs limited to this organisation, and local runs of the whole instance. */
  visibleToOrg?: number;
}

/** Attribute ids from `fromId` to `toId`, both included: long work reads a store a slice at a time. */
export interface IdRange {
  fromId: number;
  toId: number;
}

export interface SweepsPort {
  /** The smallest and largest attribute id, or null for a store without attributes. */
  attributeIdBounds(): Promise<IdRange | null>;
  /** Live attributes with to_ids set, in scope and visible to the viewer (within `range`, when given). */
  countToIds(scope: SweepScope, viewer: Viewer, range?: IdRange): Promise<number>;
  /**
   * Live to_ids attributes in scope whose sightings of type 0 and 1 dated strictly after the
   * cutoff (those the viewer may see) number more than `minimalFp` false positives, at about the
   * threshold's share or more. Counted in SQL, grouped by attribute; the caller applies the rule
   * exactly (src/core/sweep-rule.ts). In event order, then attribute order (within `range`, when
   * given: then in that order within the range).
   */
  candidates(scope: SweepScope, rule: SweepRule, viewer: Viewer, range?: IdRange): Promise<SweepCandidate[]>;
  createRun(run: New<SweepRunRecord>): Promise<SweepRunRecord>;
  updateRun(id: number, fields: Partial<Omit<SweepRunRecord, "id">>): Promise<void>;
  runById(id: number): Promise<SweepRunRecord | null>;
  /** Newest first. */
  listRuns(filter: SweepRunFilter): Promise<SweepRunRecord[]>;
  addChanges(changes: readonly New<SweepChangeRecord>[]): Promise<void>;
  /** A run's changes in the order they were made; optionally only those of one organisation's events. */
  changes(runId: number, options?: { eventOrgId?: number }): Promise<SweepChangeRecord[]>;
  /** Per run: how many changes touched one organisation's events, in how many events, how many republished. */
  changeCounts(runIds: readonly number[], eventOrgId: number): Promise<Map<number, { attributes: number; events: number; republished: number }>>;
  markRepublished(runId: number, eventIds: readonly string[]): Promise<void>;
  /** Marks runs still `running` as `interrupted`; only call it while holding the sweep lock. */
  markInterrupted(finishedAt: number): Promise<number>;
}

/** Who holds a job lock. */
export interface LockHolderInfo {
  pid: number;
  host: string;
  label: string;
  /** Unix milliseconds. */
  acquiredAt: number;
}

export interface HeldLock {
  release(): Promise<void>;
}

export type LockAttempt = { acquired: true; lock: HeldLock } | { acquired: false; holder: LockHolderInfo | null };

/**
 * Named locks for jobs that must not run twice at once on one store (the sweep), across
 * processes and machines. PostgreSQL: an advisory lock. SQLite: a row with its holder's pid, host
 * and an expiry that the holder keeps fresh, so a dead holder cannot block forever.
 */
export interface JobLocksPort {
  /** Takes the lock when it is free; else says who holds it. Never waits. */
  tryAcquire(name: string, label: string): Promise<LockAttempt>;
}

/** A web UI login, as stored: never the token itself, only its hash. */
export interface UiSessionRecord {
  id: number;
  token_hash: string;
  user_id: number;
  /** The API key the user logged in with; revoking it ends the session. */
  key_id: number;
  created: number;
  expires_at: number;
}

export interface UiSessionsPort {
  create(session: New<UiSessionRecord>): Promise<UiSessionRecord>;
  /** The session with this token hash, if it has not expired and its key is still valid at `now`. */
  active(tokenHash: string, now: number): Promise<UiSessionRecord | null>;
  delete(tokenHash: string): Promise<void>;
  /** Forgets sessions that expired before `now`; returns how many. */
  deleteExpired(now: number): Promise<number>;
}

export interface StoreSession {
  orgs: OrgsPort;
  users: UsersPort;
  keys: KeysPort;
  events: EventsPort;
  objects: ObjectsPort;
  attributes: AttributesPort;
  tags: TagsPort;
  taxonomies: TaxonomiesPort;
  sightings: SightingsPort;
  models: ModelsPort;
  decayIndex: DecayIndexPort;
  sweeps: SweepsPort;
  uiSessions: UiSessionsPort;
}

export interface Store extends StoreSession {
  readonly dialectName: "sqlite" | "postgres";
  /** Not transactional: a lock outlives the transactions it guards. */
  locks: JobLocksPort;
  /** Runs `work` in one transaction: everything it writes lands, or nothing does. */
  transaction<T>(work: (tx: StoreSession) => Promise<T>): Promise<T>;
  /** Refreshes the query planner's statistics after large changes (a bulk import), and now and then. */
  optimize(): Promise<void>;
  close(): Promise<void>;
}
