/**
 * attributes/restSearch: filters → a stream of pages of attributes with their tags, event and
 * (when asked) sightings. Each page costs a fixed number of queries, whatever its size, and pages
 * follow the attribute id, so a full export holds one page in memory at a time.
 */
import { HalflifeError, invalidInput } from "../core/errors.js";
import type { AttributeView, EventRecord, ObjectRecord, Principal } from "../core/domain.js";
import { mispBool, mispInt, parseWith } from "../misp/parse.js";
import { listFilter, tagFilter } from "../misp/rest-search.js";
import { datePoint, timeRange, timePoint } from "../misp/time-filters.js";
import { toMicroseconds } from "../misp/attribute-values.js";
import { parsePaging } from "../misp/paging.js";
import type { AttributeFilter, StoreSession } from "../store/store.js";
import { viewerOf, type AppContext } from "./context.js";

export type ReturnFormat = "json" | "csv" | "text";

export interface AttributeSearchOptions {
  returnFormat: ReturnFormat;
  limit?: number;
  page?: number;
  includeSightings: boolean;
  includeEventTags: boolean;
  includeEventUuid: boolean;
  includeAllTags: boolean;
  headerless: boolean;
  requestedAttributes?: string[];
}

export interface ParsedAttributeSearch {
  filter: AttributeFilter;
  options: AttributeSearchOptions;
}

const RESTRICTIVE_FORMATS: ReadonlySet<ReturnFormat> = new Set(["text"]);
const bool = (value: unknown, field: string) => parseWith(mispBool, value, field);
const int = (value: unknown, field: string) => parseWith(mispInt, value, field);

async function tagIds(tx: StoreSession, names: readonly string[]): Promise<number[][]> {
  const exact = names.filter((n) => !n.includes("%"));
  const found = await tx.tags.byNames(exact);
  const groups: number[][] = [];
  for (const name of names) groups.push(name.includes("%") ? await tx.tags.idsMatching(name) : found.has(name) ? [found.get(name)!.id] : []);
  return groups;
}

async function orgIds(tx: StoreSession, references: readonly string[]): Promise<number[]> {
  const ids: number[] = [];
  for (const reference of references) {
    const org = /^\d+$/.test(reference)
      ? await tx.orgs.byId(Number(reference))
      : ((await tx.orgs.byUuid(reference.toLowerCase())) ?? (await tx.orgs.byName(reference)));
    ids.push(org?.id ?? -1);
  }
  return ids;
}

/** Reads restSearch parameters (already checked for unknown names) into a filter and options. */
export async function parseAttributeSearch(context: AppContext, params: Record<string, unknown>): Promise<ParsedAttributeSearch> {
  const now = context.now();
  const tx = context.store;
  const format = (params.returnFormat ?? "json") as string;
  if (!["json", "csv", "text"].includes(format)) {
    throw invalidInput("returnFormat", `${JSON.stringify(format)} is not supported here; use json, csv or text`);
  }
  const returnFormat = format as ReturnFormat;
  const filter: AttributeFilter = {};

  const values = listFilter(params.value ?? params.value1 ?? params.value2, "value");
  if (values.include.length) filter.values = values.include;
  if (values.exclude.length) filter.notValues = values.exclude;
  const types = listFilter(params.type, "type");
  if (types.include.length) filter.types = types.include;
  if (types.exclude.length) filter.notTypes = types.exclude;
  const categories = listFilter(params.category, "category");
  if (categories.include.length) filter.categories = categories.include;
  if (categories.exclude.length) filter.notCategories = categories.exclude;

  if (params.tags !== undefined && params.tags !== null && params.tags !== "") {
    const tags = tagFilter(params.tags);
    const groups: number[][] = [];
    if (tags.any.length) groups.push((await tagIds(tx, tags.any)).flat());
    groups.push(...(await tagIds(tx, tags.all)));
    if (groups.length) filter.tagIdGroups = groups;
    if (tags.none.length) filter.notTagIds = (await tagIds(tx, tags.none)).flat();
  }

  const events = listFilter(params.eventid ?? params.event_ids, "eventid");
  for (const id of [...events.include, ...events.exclude]) if (!/^\d+$/.test(id)) throw invalidInput("eventid", `must be event ids, got ${JSON.stringify(id)}`);
  if (events.include.length) filter.eventIds = events.include.map(Number);
  if (events.exclude.length) throw invalidInput("eventid", "negation (!) is not supported for event ids");

  const uuids = listFilter(params.uuid, "uuid");
  if (uuids.include.length) filter.anyUuids = uuids.include.map((u) => u.toLowerCase());

  const orgs = listFilter(params.org, "org");
  if (orgs.include.length) filter.orgIds = await orgIds(tx, orgs.include);
  if (orgs.exclude.length) filter.notOrgIds = await orgIds(tx, orgs.exclude);

  const relations = listFilter(params.object_relation, "object_relation");
  if (relations.include.length) filter.objectRelations = relations.include;
  const threatLevels = listFilter(params.threat_level_id, "threat_level_id");
  if (threatLevels.include.length) filter.threatLevelIds = threatLevels.include.map((t) => int(t, "threat_level_id"));

  if (params.to_ids !== undefined && params.to_ids !== "" && params.to_ids !== null) filter.toIds = bool(params.to_ids, "to_ids");
  else if (RESTRICTIVE_FORMATS.has(returnFormat)) filter.toIds = true;
  if (params.published !== undefined && params.published !== "" && params.published !== null) filter.published = bool(params.published, "published");
  else if (RESTRICTIVE_FORMATS.has(returnFormat)) filter.published = true;

  const deleted = params.deleted;
  if (deleted === "only") filter.deleted = true;
  else if (Array.isArray(deleted)) {
    const flags = new Set(deleted.map((d) => bool(d, "deleted")));
    filter.deleted = flags.size === 2 ? "both" : flags.has(true);
  } else if (deleted !== undefined && deleted !== null && deleted !== "") filter.deleted = bool(deleted, "deleted") ? "both" : false;

  for (const [name, from, to] of [
    ["timestamp", "timestampFrom", "timestampTo"],
    ["attribute_timestamp", "timestampFrom", "timestampTo"],
    ["event_timestamp", "eventTimestampFrom", "eventTimestampTo"],
    ["publish_timestamp", "publishTimestampFrom", "publishTimestampTo"],
  ] as const) {
    if (params[name] === undefined || params[name] === null || params[name] === "") continue;
    const range = timeRange(params[name], now, name);
    if (range.from !== undefined) filter[from] = range.from;
    if (range.to !== undefined) filter[to] = range.to;
  }
  if (params.last !== undefined && params.last !== null && params.last !== "") filter.publishTimestampFrom = timePoint(params.last, now, "last");
  if (params.from !== undefined && params.from !== null && params.from !== "") filter.dateFrom = datePoint(params.from, now, "from");
  if (params.to !== undefined && params.to !== null && params.to !== "") filter.dateTo = datePoint(params.to, now, "to");
  if (typeof params.eventinfo === "string" && params.eventinfo !== "") filter.eventInfo = params.eventinfo;
  if (params.first_seen !== undefined && params.first_seen !== null && params.first_seen !== "") {
    filter.firstSeenFrom = toMicroseconds(params.first_seen as string, "first_seen") ?? undefined;
  }
  if (params.last_seen !== undefined && params.last_seen !== null && params.last_seen !== "") {
    filter.lastSeenTo = toMicroseconds(params.last_seen as string, "last_seen") ?? undefined;
  }

  const options: AttributeSearchOptions = {
    returnFormat,
    includeSightings: params.includeSightings !== undefined && bool(params.includeSightings, "includeSightings"),
    includeEventTags: params.includeEventTags !== undefined && bool(params.includeEventTags, "includeEventTags"),
    includeEventUuid: params.includeEventUuid !== undefined && bool(params.includeEventUuid, "includeEventUuid"),
    includeAllTags: params.includeAllTags !== undefined && bool(params.includeAllTags, "includeAllTags"),
    headerless: params.headerless !== undefined && bool(params.headerless, "headerless"),
  };
  const paging = parsePaging(params);
  if (paging.limit !== undefined) options.limit = paging.limit;
  if (params.page !== undefined && params.page !== null && params.page !== "") options.page = paging.page;
  if (params.requested_attributes !== undefined) options.requestedAttributes = listFilter(params.requested_attributes, "requested_attributes").include;
  return { filter, options };
}

/** Views of a page of attributes: tags, event (and its tags), object, sightings. */
export async function viewsOf(
  context: AppContext,
  principal: Principal,
  attributes: readonly AttributeView["attribute"][],
  options: { sightings: boolean; eventTags: boolean; exportableOnly: boolean },
): Promise<AttributeView[]> {
  const store = context.store;
  const ids = attributes.map((a) => a.id);
  const eventIds = [...new Set(attributes.map((a) => a.event_id))];
  const [tags, events, eventTags, sightings] = await Promise.all([
    store.attributes.tags(ids),
    store.events.byIds(eventIds),
    options.eventTags ? store.events.tags(eventIds) : Promise.resolve(new Map()),
    options.sightings ? store.sightings.forAttributes(ids, viewerOf(context, principal)) : Promise.resolve(new Map()),
  ]);
  const objectIds = [...new Set(attributes.map((a) => a.object_id).filter((id) => id !== 0))];
  const objects = new Map<number, ObjectRecord>();
  if (objectIds.length) for (const object of await store.objects.byEvents(eventIds, { includeDeleted: true })) objects.set(object.id, object);
  const exportable = (link: { tag: { exportable: boolean } }) => !options.exportableOnly || link.tag.exportable;
  return attributes.map((attribute) => {
    const view: AttributeView = { attribute, tags: (tags.get(attribute.id) ?? []).filter(exportable), event: events.get(attribute.event_id) as EventRecord };
    if (options.eventTags) view.eventTags = (eventTags.get(attribute.event_id) ?? []).filter(exportable);
    if (options.sightings) view.sightings = sightings.get(attribute.id) ?? [];
    if (attribute.object_id !== 0 && objects.has(attribute.object_id)) view.object = objects.get(attribute.object_id)!;
    return view;
  });
}

export interface AttributeSearchResult {
  /** How many attributes match, before paging. */
  total: number;
  pages: AsyncIterable<AttributeView[]>;
}

const BATCH = 2_000;

/**
 * Runs a search. With `limit`, one page (page/limit as MISP counts them); without, every match,
 * streamed in batches in id order.
 */
export async function searchAttributes(context: AppContext, principal: Principal, search: ParsedAttributeSearch): Promise<AttributeSearchResult> {
  const viewer = viewerOf(context, principal);
  const { filter, options } = search;
  if (options.page !== undefined && options.limit === undefined) throw new HalflifeError("INVALID_INPUT", "page needs a limit", { field: "page" });
  const total = await context.store.attributes.count(filter, viewer);
  const viewOptions = { sightings: options.includeSightings, eventTags: options.includeEventTags, exportableOnly: !options.includeAllTags };

  async function* pages(): AsyncIterable<AttributeView[]> {
    if (options.limit !== undefined) {
      const offset = ((options.page ?? 1) - 1) * options.limit;
      let remaining = options.limit;
      let skip = offset;
      let afterId: number | undefined;
      // Walk the page in batches, so that a huge limit still holds one batch in memory.
      while (remaining > 0) {
        const batch = await context.store.attributes.search(filter, viewer, { afterId, limit: Math.min(BATCH, remaining), offset: skip });
        skip = 0;
        if (batch.length === 0) return;
        yield viewsOf(context, principal, batch, viewOptions);
        remaining -= batch.length;
        afterId = batch.at(-1)!.id;
        if (batch.length < BATCH) return;
      }
      return;
    }
    let afterId: number | undefined;
    for (;;) {
      const batch = await context.store.attributes.search(filter, viewer, { afterId, limit: BATCH });
      if (batch.length === 0) return;
      yield viewsOf(context, principal, batch, viewOptions);
      if (batch.length < BATCH) return;
      afterId = batch.at(-1)!.id;
    }
  }
  return { total, pages: pages() };
}
