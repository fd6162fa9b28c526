/**
 * events/restSearch: events that match event-level filters (id, uuid, dates, publication, tags,
 * organisation) and, when attribute-level filters are given (value, type, category, to_ids), that
 * hold at least one matching attribute. Events stream in batches with their attributes.
 */
import type { AttributeView, EventRecord, EventTree, Principal } from "../core/domain.js";
import { mispBool, parseWith } from "../misp/parse.js";
import { listFilter, tagFilter } from "../misp/rest-search.js";
import { datePoint, timeRange, timePoint } from "../misp/time-filters.js";
import type { AttributeFilter, EventListFilter } from "../store/store.js";
import { viewerOf, type AppContext } from "./context.js";
import { loadEventTrees } from "./event-view.js";
import { parseAttributeSearch, type ParsedAttributeSearch } from "./search-attributes.js";
import { invalidInput } from "../core/errors.js";

export interface EventSearchResult {
  total: number;
  metadata: boolean;
  pages: AsyncIterable<EventTree[]>;
}

const ATTRIBUTE_LEVEL = ["value", "value1", "value2", "type", "category", "to_ids", "object_relation", "first_seen", "last_seen"];
const present = (value: unknown) => value !== undefined && value !== null && value !== "";

export async function searchEvents(context: AppContext, principal: Principal, params: Record<string, unknown>): Promise<EventSearchResult> {
  const now = context.now();
  const viewer = viewerOf(context, principal);
  const filter: EventListFilter = {};

  // PyMISP passes unknown keyword arguments through, and its own test suite writes event_id.
  const ids = listFilter(params.eventid ?? params.event_id, "eventid").include;
  for (const id of ids) if (!/^\d+$/.test(id)) throw invalidInput("eventid", `must be event ids, got ${JSON.stringify(id)}`);
  if (ids.length) filter.ids = ids.map(Number);
  const uuids = listFilter(params.uuid, "uuid").include;
  if (uuids.length) filter.uuids = uuids.map((u) => u.toLowerCase());
  if (present(params.published)) filter.published = parseWith(mispBool, params.published, "published");
  if (present(params.last)) filter.publishTimestampFrom = timePoint(params.last, now, "last");
  for (const [name, from, to] of [
    ["timestamp", "timestampFrom", "timestampTo"],
    ["event_timestamp", "timestampFrom", "timestampTo"],
    ["publish_timestamp", "publishTimestampFrom", "publishTimestampTo"],
  ] as const) {
    if (!present(params[name])) continue;
    const range = timeRange(params[name], now, name);
    if (range.from !== undefined) filter[from] = range.from;
    if (range.to !== undefined) filter[to] = range.to;
  }
  if (present(params.from)) filter.dateFrom = datePoint(params.from, now, "from");
  if (present(params.to)) filter.dateTo = datePoint(params.to, now, "to");
  if (typeof params.eventinfo === "string" && params.eventinfo !== "") filter.info = params.eventinfo.replaceAll("%", "");
  // quickfilter (and searchall given as text): the text anywhere in the event, its attributes' values and comments, or its tags.
  for (const name of ["quickfilter", "searchall"]) {
    const text = params[name];
    if (typeof text === "string" && text.replace(/%/g, "") !== "") filter.anyText = text.replace(/^%+|%+$/g, "");
  }
  const threat = listFilter(params.threat_level_id, "threat_level_id").include;
  if (threat.length) filter.threatLevelIds = threat.map(Number);

  if (present(params.tags)) {
    const tags = tagFilter(params.tags);
    const ids = async (names: string[]) =>
      Promise.all(names.map(async (n) => (n.includes("%") ? context.store.tags.idsMatching(n) : [(await context.store.tags.byName(n))?.id ?? -1])));
    const groups: number[][] = [];
    if (tags.any.length) groups.push((await ids(tags.any)).flat());
    groups.push(...(await ids(tags.all)));
    if (groups.length) {
      filter.withTagIds = groups;
      filter.tagsOnAttributesToo = true;
    }
    if (tags.none.length) filter.withoutTagIds = (await ids(tags.none)).flat();
  }
  if (present(params.org)) {
    const orgs = listFilter(params.org, "org").include;
    const found = await Promise.all(orgs.map(async (o) => (/^\d+$/.test(o) ? Number(o) : ((await context.store.orgs.byName(o)) ?? (await context.store.orgs.byUuid(o)))?.id ?? -1)));
    filter.orgcIds = found;
  }

  let attributeFilter: AttributeFilter | undefined;
  if (ATTRIBUTE_LEVEL.some((name) => present(params[name]))) {
    const picked = Object.fromEntries(ATTRIBUTE_LEVEL.filter((n) => present(params[n])).map((n) => [n, params[n]]));
    attributeFilter = (await parseAttributeSearch(context, picked)).filter;
    const matching = await context.store.attributes.eventIdsMatching(attributeFilter, viewer);
    filter.ids = filter.ids ? filter.ids.filter((id) => matching.includes(id)) : matching;
  }
  const droppedTagIds = new Set(filter.withoutTagIds ?? []);

  const metadata = present(params.metadata) && parseWith(mispBool, params.metadata, "metadata");
  // deleted: 1, [0, 1] or "only" show soft-deleted attributes and objects inside the events too.
  const deleted = params.deleted;
  const includeDeleted = deleted === "only" || (Array.isArray(deleted) ? deleted.some((d) => parseWith(mispBool, d, "deleted")) : present(deleted) && parseWith(mispBool, deleted, "deleted"));
  const sightings = present(params.includeSightings) && parseWith(mispBool, params.includeSightings, "includeSightings");
  const limit = present(params.limit) ? Number(params.limit) : undefined;
  const page = present(params.page) ? Number(params.page) : 1;
  if (limit !== undefined && (!Number.isInteger(limit) || limit < 1)) throw invalidInput("limit", "must be a whole number of at least 1");
  if (!Number.isInteger(page) || page < 1) throw invalidInput("page", "must be a whole number of at least 1");

  const total = await context.store.events.count(filter, viewer);
  const batch = 50;
  async function* pages(): AsyncIterable<EventTree[]> {
    const start = limit === undefined ? 0 : (page - 1) * limit;
    const end = limit === undefined ? total : Math.min(total, start + limit);
    for (let offset = start; offset < end; offset += batch) {
      // MISP answers events/restSearch in ascending id order.
      const events = await context.store.events.list(filter, viewer, { limit: Math.min(batch, end - offset), offset, order: { by: "id", direction: "asc" } });
      if (events.length === 0) return;
      const trees = await loadEventTrees(context, principal, events, { sightings: sightings && !metadata, eventTagsOnAttributes: false, includeDeleted });
      // metadata: the events without their attributes and objects.
      if (metadata) yield trees.map((tree) => ({ ...tree, attributes: [], objects: [] }));
      else yield narrowTrees(trees, await matchingIds(events), droppedTagIds);
    }
  }
  /** With attribute-level filters, the ids of the attributes of these events that match them. */
  async function matchingIds(events: readonly EventRecord[]): Promise<Set<number> | null> {
    if (!attributeFilter) return null;
    const rows = await context.store.attributes.search({ ...attributeFilter, eventIds: events.map((e) => e.id) }, viewer, { limit: 1_000_000_000 });
    return new Set(rows.map((a) => a.id));
  }
  return { total, metadata, pages: pages() };
}

/**
 * MISP returns, inside each matching event, only the attributes that match the attribute-level
 * filters, and drops those carrying a NOT tag; objects left without attributes go too.
 */
function narrowTrees(trees: EventTree[], matching: Set<number> | null, droppedTagIds: ReadonlySet<number>): EventTree[] {
  if (matching === null && droppedTagIds.size === 0) return trees;
  const keep = (view: AttributeView) => (matching === null || matching.has(view.attribute.id)) && !view.tags.some((link) => droppedTagIds.has(link.tag.id));
  return trees.map((tree) => ({
    ...tree,
    attributes: tree.attributes.filter(keep),
    objects: tree.objects
      .map((o) => ({ ...o, attributes: o.attributes.filter(keep) }))
      .filter((o, i) => o.attributes.length > 0 || (matching === null && tree.objects[i]!.attributes.length === 0)),
  }));
}

/**
 * events/restSearch with returnFormat csv: MISP exports every attribute of the matching events,
 * so attribute-level filters choose the events here rather than the rows. Text keeps them on the
 * rows (it lists IDS values). Returns the attribute search to run.
 */
export async function eventExportSearch(context: AppContext, principal: Principal, params: Record<string, unknown>): Promise<ParsedAttributeSearch> {
  const { event_id, ...rest } = params;
  const base = event_id === undefined || rest.eventid !== undefined ? rest : { ...rest, eventid: event_id };
  if (base.returnFormat !== "csv" || !ATTRIBUTE_LEVEL.some((name) => present(base[name]))) return parseAttributeSearch(context, base);
  const picked = Object.fromEntries(ATTRIBUTE_LEVEL.filter((n) => present(base[n])).map((n) => [n, base[n]]));
  const eventLevel = Object.fromEntries(Object.entries(base).filter(([name]) => !ATTRIBUTE_LEVEL.includes(name)));
  const [selector, search] = await Promise.all([parseAttributeSearch(context, picked), parseAttributeSearch(context, eventLevel)]);
  const matching = await context.store.attributes.eventIdsMatching(selector.filter, viewerOf(context, principal));
  const eventIds = search.filter.eventIds ? search.filter.eventIds.filter((id) => matching.includes(id)) : matching;
  return { ...search, filter: { ...search.filter, eventIds: eventIds.length ? eventIds : [-1] } };
}
