/**
 * events/index parameters (PyMISP's `search_index`, and the index page's own `search…` names),
 * read by one schema into the typed query the use-case takes.
 */
import { z } from "zod";
import type { EventIndexQuery, Included } from "../../app/event-index.js";
import { EVENT_SORT_FIELDS } from "../../app/events.js";
import { invalidInput } from "../../core/errors.js";
import { describeReceived, mispFlag, mispInt, parseWith } from "../../misp/parse.js";
import { listFilter } from "../../misp/rest-search.js";
import { datePoint, timeRange } from "../../misp/time-filters.js";

const given = (value: unknown) => value !== undefined && value !== null && value !== "";

/** A list with `!` negation (`["1", "!2"]`, `{OR, NOT}`, "1|!2"), of text or of whole numbers. */
function included<T>(field: string, item: (text: string) => T) {
  return z.unknown().transform((value): Included<T> => {
    const split = typeof value === "string" && value.includes("|") ? value.split("|") : value;
    const { include, exclude } = listFilter(split, field);
    return { include: include.map(item), exclude: exclude.map(item) };
  });
}
const wholeNumber = (field: string) => (text: string) => parseWith(mispInt, text, field);
const text = (field: string) =>
  z.unknown().transform((value, ctx) => {
    if (typeof value === "string") return value;
    if (typeof value === "number") return String(value);
    ctx.addIssue({ code: "custom", message: `must be text; got ${describeReceived(value)}`, path: [field] });
    return z.NEVER;
  });

const sortable = new Set<string>(EVENT_SORT_FIELDS);
const SORT_ALIASES: Record<string, (typeof EVENT_SORT_FIELDS)[number]> = { threatlevel: "threat_level_id", Orgc: "org", orgc: "org", publish: "published" };

/** Reads the index's parameters; `now` anchors relative times such as "7d". */
export function parseEventIndexQuery(params: Record<string, unknown>, now: number): EventIndexQuery {
  const pick = (...names: string[]) => names.map((n) => params[n]).find(given);
  const query: EventIndexQuery = { limit: 50_000, page: 1 };
  const read = <T>(schema: z.ZodType<T>, value: unknown, field: string): T => parseWith(schema, value, field);

  const all = pick("all", "searchall");
  if (all !== undefined) query.all = read(text("all"), all, "all");
  const attribute = pick("attribute", "searchattribute");
  if (attribute !== undefined) query.attribute = read(text("attribute"), attribute, "attribute");
  const email = pick("email", "searchemail");
  if (email !== undefined) query.email = read(text("email"), email, "email");
  const info = pick("eventinfo", "searchinfo");
  if (info !== undefined) query.info = read(text("eventinfo"), info, "eventinfo");
  const published = pick("published", "searchpublished");
  // 2 means "either", as on the index page.
  if (published !== undefined && published !== 2 && published !== "2") query.published = read(mispFlag, published, "published");
  const proposal = pick("hasproposal", "searchhasproposal");
  if (proposal !== undefined && proposal !== 2 && proposal !== "2") query.hasProposal = read(mispFlag, proposal, "hasproposal");

  const ids = pick("eventid", "searcheventid");
  if (ids !== undefined) query.eventIds = read(included("eventid", wholeNumber("eventid")), ids, "eventid");
  const tags = pick("tags", "tag", "searchtag");
  if (tags !== undefined) query.tags = read(included("tags", (t) => t), tags, "tags");
  const orgs = pick("org", "searchorg");
  if (orgs !== undefined) query.orgs = read(included("org", (t) => t), orgs, "org");
  const threat = pick("threatlevel", "threat_level_id", "searchthreatlevel");
  if (threat !== undefined) query.threatLevels = read(included("threatlevel", wholeNumber("threatlevel")), threat, "threatlevel");
  const distribution = pick("distribution", "searchdistribution");
  if (distribution !== undefined) query.distributions = read(included("distribution", wholeNumber("distribution")), distribution, "distribution");
  const analysis = pick("analysis", "searchanalysis");
  if (analysis !== undefined) query.analyses = read(included("analysis", wholeNumber("analysis")), analysis, "analysis");
  const sharingGroups = pick("sharinggroup", "searchsharinggroup");
  if (sharingGroups !== undefined) query.sharingGroups = read(included("sharinggroup", (t) => t), sharingGroups, "sharinggroup").include;

  const from = pick("datefrom", "date_from", "searchDatefrom");
  if (from !== undefined) query.dateFrom = datePoint(from, now, "datefrom");
  const to = pick("dateuntil", "date_to", "searchDateuntil");
  if (to !== undefined) query.dateTo = datePoint(to, now, "dateuntil");
  for (const [name, fromKey, toKey] of [
    ["timestamp", "timestampFrom", "timestampTo"],
    ["publish_timestamp", "publishTimestampFrom", "publishTimestampTo"],
  ] as const) {
    const value = pick(name);
    if (value === undefined) continue;
    const range = timeRange(value, now, name);
    if (range.from !== undefined) query[fromKey] = range.from;
    if (range.to !== undefined) query[toKey] = range.to;
  }

  const sort = pick("sort");
  if (sort !== undefined) {
    const name = read(text("sort"), sort, "sort");
    const by = SORT_ALIASES[name] ?? name;
    if (!sortable.has(by)) throw invalidInput("sort", `must be one of ${EVENT_SORT_FIELDS.join(", ")}; got ${describeReceived(name)}`);
    const direction = pick("direction");
    const descending = direction !== undefined ? String(direction).toLowerCase() === "desc" : given(params.desc) && read(mispFlag, params.desc, "desc");
    if (direction !== undefined && !["asc", "desc"].includes(String(direction).toLowerCase())) {
      throw invalidInput("direction", `must be asc or desc; got ${describeReceived(direction)}`);
    }
    query.order = { by: by as (typeof EVENT_SORT_FIELDS)[number], direction: descending ? "desc" : "asc" };
  }
  const limit = pick("limit");
  if (limit !== undefined) query.limit = read(mispInt.pipe(z.number().int().min(1, "must be at least 1")), limit, "limit");
  const page = pick("page");
  if (page !== undefined) query.page = read(mispInt.pipe(z.number().int().min(1, "must be at least 1")), page, "page");
  return query;
}
