/**
 * attributes/restSearch parameters: MISP's names (SPEC Appendix A), which of them Halflife
 * implements, and the "did you mean" check. MISP silently drops a misspelt parameter
 * (`excludedecayed`), which silently changes an export; Halflife refuses it with a hint.
 */
import { invalidInput } from "../core/errors.js";
import { isObject } from "./parse.js";

/** Every parameter name MISP accepts for attributes (plus the two PyMISP always sends). */
export const KNOWN_PARAMETERS = [
  "returnFormat", "value", "value1", "value2", "type", "category", "org", "tags", "from", "to", "last", "eventid",
  "withAttachments", "uuid", "publish_timestamp", "published", "timestamp", "enforceWarninglist", "to_ids", "deleted",
  "includeEventUuid", "event_timestamp", "threat_level_id", "includeEventTags", "includeProposals", "limit", "page",
  "requested_attributes", "includeContext", "headerless", "includeWarninglistHits", "attackGalaxy", "object_relation",
  "includeSightings", "includeCorrelations", "includeDecayScore", "decayingModel", "excludeDecayed", "modelOverrides",
  "includeFullModel", "score", "attribute_timestamp", "first_seen", "last_seen", "eventinfo", "sharinggroup",
  "allow_proposal_blocking", "flatten", "list", "event_ids", "includeAllTags", "includeAttributeUuid", "includeGalaxy",
  "order", "policy", "walled_garden", "ns", "email", "serial", "refresh", "retry", "expiry", "minimum_ttl", "ttl",
  "metadata", "sgReferenceOnly",
] as const;

/** The parameters Halflife acts on; the rest are accepted and reported as ignored. */
export const IMPLEMENTED_PARAMETERS = new Set<string>([
  "returnFormat", "value", "value1", "value2", "type", "category", "org", "tags", "from", "to", "last", "eventid", "uuid",
  "publish_timestamp", "published", "timestamp", "to_ids", "deleted", "includeEventUuid", "event_timestamp",
  "threat_level_id", "includeEventTags", "limit", "page", "requested_attributes", "headerless", "object_relation",
  "includeSightings", "includeDecayScore", "decayingModel", "excludeDecayed", "modelOverrides", "includeFullModel",
  "score", "attribute_timestamp", "first_seen", "last_seen", "eventinfo", "includeAllTags", "includeAttributeUuid",
  "includeScoresOnEvent", "includeCorrelations",
]);

/**
 * Parameters that mean nothing at a falsy value, so "ignored" is only worth reporting when set.
 * PyMISP sends several of them as 0 on every search; set to 1 they ask for something Halflife
 * does not do, and the caller is told.
 */
const NOOP_WHEN_FALSY = new Set(["withAttachments", "metadata", "enforceWarninglist", "sgReferenceOnly", "includeContext", "includeCorrelations", "includeProposals", "includeWarninglistHits", "includeGalaxy", "flatten"]);

const KNOWN = new Set<string>([...KNOWN_PARAMETERS, "includeScoresOnEvent"]);

function editDistance(a: string, b: string): number {
  const row = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    let previous = row[0]!;
    row[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const current = row[j]!;
      row[j] = Math.min(row[j]! + 1, row[j - 1]! + 1, previous + (a[i - 1] === b[j - 1] ? 0 : 1));
      previous = current;
    }
  }
  return row[b.length]!;
}

/** The known parameter name closest to `name` ("excludedecayed" → "excludeDecayed"). */
export function closestParameter(name: string, known: Iterable<string> = KNOWN): string | undefined {
  let best: string | undefined;
  let bestDistance = Infinity;
  for (const candidate of known) {
    const distance = candidate.toLowerCase() === name.toLowerCase() ? 0 : editDistance(name.toLowerCase(), candidate.toLowerCase()) + 1;
    if (distance < bestDistance) [best, bestDistance] = [candidate, distance];
  }
  return bestDistance <= Math.max(3, Math.floor(name.length / 3)) ? best : undefined;
}

const truthy = (value: unknown) => !(value === undefined || value === null || value === 0 || value === "0" || value === false || value === "" || (Array.isArray(value) && value.length === 0));

/**
 * Splits a restSearch body into the parameters Halflife acts on and the names it ignores.
 *
 * @throws HalflifeError INVALID_INPUT for an unknown name, with a hint at the closest known one.
 */
export function checkParameters(body: unknown, extraKnown: readonly string[] = []): { params: Record<string, unknown>; ignored: string[] } {
  let params: unknown = body ?? {};
  if (isObject(params) && isObject(params.request) && Object.keys(params).length === 1) params = params.request;
  if (!isObject(params)) throw invalidInput("body", "must be a JSON object of restSearch parameters");
  const known = new Set([...KNOWN, ...extraKnown]);
  const ignored: string[] = [];
  for (const [name, value] of Object.entries(params)) {
    if (!known.has(name)) {
      const hint = closestParameter(name, known);
      throw invalidInput(name, `is not a restSearch parameter${hint ? `; did you mean ${hint}?` : ""}`);
    }
    if (!IMPLEMENTED_PARAMETERS.has(name) && !extraKnown.includes(name) && !(NOOP_WHEN_FALSY.has(name) && !truthy(value))) ignored.push(name);
  }
  return { params, ignored };
}

/**
 * The most items one filter list may hold. Each becomes a bound parameter (two for values and
 * uuids), and a statement holds at most 32,766 of them on SQLite and 65,535 on PostgreSQL; past
 * this a search is refused with a 400 naming the filter, rather than failing in the database.
 */
export const MAX_LIST_ITEMS = 2_000;

/** The most tags that must all be present (`tags: {AND: [...]}`). */
export const MAX_AND_TAGS = 100;

/** A list filter with MISP's "!" negation: `["a", "!b"]` → include a, exclude b. */
export interface ListFilter {
  include: string[];
  exclude: string[];
}

/**
 * Reads a filter that may be a string, a number, a list, or `{ OR, AND, NOT }`. AND is read like
 * OR for single-valued fields (an attribute has one type); tags treat it separately.
 */
export function listFilter(value: unknown, field: string): ListFilter {
  const include: string[] = [];
  const exclude: string[] = [];
  const add = (item: unknown, negate: boolean) => {
    if (typeof item === "number" && Number.isFinite(item)) item = String(item);
    if (typeof item !== "string") throw invalidInput(field, "must be text, a list of text, or {OR, NOT}");
    if (item.startsWith("!")) (negate ? include : exclude).push(item.slice(1));
    else (negate ? exclude : include).push(item);
  };
  if (isObject(value)) {
    for (const [key, items] of Object.entries(value)) {
      const list = Array.isArray(items) ? items : [items];
      if (key === "OR" || key === "AND") list.forEach((item) => add(item, false));
      else if (key === "NOT") list.forEach((item) => add(item, true));
      else throw invalidInput(`${field}.${key}`, "must be OR, AND or NOT");
    }
  } else if (Array.isArray(value)) value.forEach((item) => add(item, false));
  else if (value !== undefined && value !== null && value !== "") add(value, false);
  if (include.length + exclude.length > MAX_LIST_ITEMS) throw invalidInput(field, `lists at most ${MAX_LIST_ITEMS} items; split the search`);
  return { include, exclude };
}

/** Tags keep AND apart from OR: every AND tag must be present, any OR tag will do. */
export function tagFilter(value: unknown): { any: string[]; all: string[]; none: string[] } {
  if (isObject(value)) {
    const pick = (key: string) => {
      const items = value[key];
      return items === undefined ? [] : listFilter(items, `tags.${key}`).include;
    };
    for (const key of Object.keys(value)) if (!["OR", "AND", "NOT"].includes(key)) throw invalidInput(`tags.${key}`, "must be OR, AND or NOT");
    const or = listFilter(value.OR ?? [], "tags.OR");
    const all = pick("AND");
    // Each AND tag is a condition of its own, and SQLite's expressions stop at a depth of 1,000.
    if (all.length > MAX_AND_TAGS) throw invalidInput("tags.AND", `holds more than ${MAX_AND_TAGS} tags`);
    return { any: [...or.include], all, none: [...pick("NOT"), ...or.exclude] };
  }
  const { include, exclude } = listFilter(value, "tags");
  return { any: include, all: [], none: exclude };
}
