/** objects/edit bodies and objects/restSearch parameters, each read by one schema. */
import { z } from "zod";
import type { ObjectSearch } from "../../app/objects.js";
import { mispBool, mispFlag, objectInput, parseWith, uuidString } from "../../misp/parse.js";
import { listFilter } from "../../misp/rest-search.js";

/** objects/edit: every field optional; only those named change. */
export const objectEdit = objectInput.partial().extend({ deleted: mispBool.optional(), id: z.unknown().optional(), event_id: z.unknown().optional() });

const objectSearch = z.looseObject({
  object_name: z.unknown().optional(),
  name: z.unknown().optional(),
  eventid: z.unknown().optional(),
  event_id: z.unknown().optional(),
  uuid: z.unknown().optional(),
  deleted: z.unknown().optional(),
});

/** objects/restSearch: names, event ids and uuids as lists (MISP's OR/NOT forms); `deleted` as for attributes. */
export function parseObjectSearch(params: Record<string, unknown>): ObjectSearch {
  const raw = parseWith(objectSearch, params);
  const search: ObjectSearch = { deleted: false };
  const names = listFilter(raw.object_name ?? raw.name, "object_name").include;
  if (names.length) search.names = names;
  const events = listFilter(raw.eventid ?? raw.event_id, "eventid").include;
  if (events.length) search.eventIds = events.map((id) => parseWith(z.coerce.number().int().min(1), id, "eventid"));
  const uuids = listFilter(raw.uuid, "uuid").include;
  if (uuids.length) search.uuids = uuids.map((u) => parseWith(uuidString, u, "uuid"));
  if (raw.deleted === "only") search.deleted = true;
  else if (Array.isArray(raw.deleted)) search.deleted = raw.deleted.length > 1 ? "both" : parseWith(mispFlag, raw.deleted[0], "deleted");
  else if (raw.deleted !== undefined) search.deleted = parseWith(mispFlag, raw.deleted, "deleted") ? "both" : false;
  return search;
}
