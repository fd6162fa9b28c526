/**
 * events/index (PyMISP's `search_index`): event metadata filtered by every criterion the index
 * page offers, sorted on a column. The edge hands over names and references as typed; tag names
 * and organisations are resolved here, against the store.
 */
import type { EventRecord, EventTree, OrgRecord, Principal } from "../core/domain.js";
import type { EventListFilter, EventOrder, StoreSession } from "../store/store.js";
import { viewerOf, type AppContext } from "./context.js";

/** A filter list with MISP's `!` negation already split. */
export interface Included<T> {
  include: readonly T[];
  exclude: readonly T[];
}

export interface EventIndexQuery {
  /** Text in the info, attribute values and comments, and tag names. */
  all?: string;
  attribute?: string;
  email?: string;
  info?: string;
  published?: boolean;
  /** Halflife has no proposals: true matches nothing, false everything. */
  hasProposal?: boolean;
  eventIds?: Included<number>;
  tags?: Included<string>;
  orgs?: Included<string>;
  threatLevels?: Included<number>;
  distributions?: Included<number>;
  analyses?: Included<number>;
  /** Halflife has no sharing groups: any sharing group matches nothing. */
  sharingGroups?: readonly string[];
  dateFrom?: string;
  dateTo?: string;
  timestampFrom?: number;
  timestampTo?: number;
  publishTimestampFrom?: number;
  publishTimestampTo?: number;
  order?: EventOrder;
  limit: number;
  page: number;
}

export interface EventIndexRow {
  event: EventRecord;
  tags: EventTree["tags"];
  attributeCount: number;
}

/**
 * Organisation ids for references given as ids, uuids or names; an unknown one becomes -1, which
 * matches nothing (as an unknown organisation does in MISP).
 */
export async function resolveOrgIds(tx: StoreSession, references: readonly string[]): Promise<number[]> {
  const ids: number[] = [];
  for (const reference of references) {
    const text = reference.trim();
    const org: OrgRecord | null = /^\d+$/.test(text)
      ? await tx.orgs.byId(Number(text))
      : ((await tx.orgs.byUuid(text.toLowerCase())) ?? (await tx.orgs.byName(text)));
    ids.push(org?.id ?? -1);
  }
  return ids;
}

/** Tag ids for names (with `%` wildcards); an unknown name matches nothing. */
export async function resolveTagIds(tx: StoreSession, names: readonly string[]): Promise<number[]> {
  const ids: number[] = [];
  for (const name of names) {
    if (name.includes("%")) ids.push(...(await tx.tags.idsMatching(name)));
    else ids.push((await tx.tags.byName(name))?.id ?? -1);
  }
  return ids;
}

async function toFilter(context: AppContext, query: EventIndexQuery): Promise<EventListFilter | null> {
  if (query.hasProposal === true || (query.sharingGroups?.length ?? 0) > 0) return null;
  const filter: EventListFilter = {};
  if (query.all !== undefined) filter.anyText = query.all;
  if (query.attribute !== undefined) filter.attributeValue = query.attribute;
  if (query.email !== undefined) filter.creatorEmail = query.email;
  if (query.info !== undefined) filter.info = query.info;
  if (query.published !== undefined) filter.published = query.published;
  if (query.eventIds?.include.length) filter.ids = [...query.eventIds.include];
  if (query.eventIds?.exclude.length) filter.notIds = [...query.eventIds.exclude];
  if (query.threatLevels?.include.length) filter.threatLevelIds = [...query.threatLevels.include];
  if (query.threatLevels?.exclude.length) filter.notThreatLevelIds = [...query.threatLevels.exclude];
  if (query.distributions?.include.length) filter.distributions = [...query.distributions.include];
  if (query.distributions?.exclude.length) filter.notDistributions = [...query.distributions.exclude];
  if (query.analyses?.include.length) filter.analyses = [...query.analyses.include];
  if (query.analyses?.exclude.length) filter.notAnalyses = [...query.analyses.exclude];
  if (query.tags?.include.length) filter.withTagIds = [await resolveTagIds(context.store, query.tags.include)];
  if (query.tags?.exclude.length) filter.withoutTagIds = await resolveTagIds(context.store, query.tags.exclude);
  if (query.orgs?.include.length) filter.orgcIds = await resolveOrgIds(context.store, query.orgs.include);
  if (query.orgs?.exclude.length) filter.notOrgcIds = (await resolveOrgIds(context.store, query.orgs.exclude)).filter((id) => id !== -1);
  for (const key of ["dateFrom", "dateTo", "timestampFrom", "timestampTo", "publishTimestampFrom", "publishTimestampTo"] as const) {
    if (query[key] !== undefined) (filter as Record<string, unknown>)[key] = query[key];
  }
  return filter;
}

/** One page of the index, with the total count before paging. */
export async function listEventIndex(
  context: AppContext,
  principal: Principal,
  query: EventIndexQuery,
): Promise<{ events: EventIndexRow[]; orgs: Map<number, OrgRecord>; total: number }> {
  const viewer = viewerOf(context, principal);
  const filter = await toFilter(context, query);
  if (filter === null) return { events: [], orgs: new Map(), total: 0 };
  const [events, total] = await Promise.all([
    context.store.events.list(filter, viewer, { limit: query.limit, offset: (query.page - 1) * query.limit, ...(query.order ? { order: query.order } : {}) }),
    context.store.events.count(filter, viewer),
  ]);
  const ids = events.map((e) => e.id);
  const [tags, counts, orgs] = await Promise.all([
    context.store.events.tags(ids),
    context.store.events.attributeCounts(ids),
    context.store.orgs.byIds(events.flatMap((e) => [e.org_id, e.orgc_id])),
  ]);
  return {
    events: events.map((event) => ({ event, tags: tags.get(event.id) ?? [], attributeCount: counts.get(event.id) ?? 0 })),
    orgs,
    total,
  };
}
