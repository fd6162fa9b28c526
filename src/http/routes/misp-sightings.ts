import { z } from "zod";
/** Sightings: add (by id, uuid or value), restSearch, listSightings, delete. */
import { addSightings, deleteSighting, listSightings, searchSightings, type SightingListing } from "../../app/sightings.js";
import { invalidInput } from "../../core/errors.js";
import { isObject, mispInt, parseWith } from "../../misp/parse.js";
import { attributeFields, presentOrgBrief, presentSaved, presentSighting } from "../../misp/present.js";
import { listFilter, MAX_LIST_ITEMS } from "../../misp/rest-search.js";
import { timePoint } from "../../misp/time-filters.js";
import { requestPath } from "../errors.js";
import { commaJoined, streamResponse } from "../stream.js";
import { jsonBody } from "../request.js";
import type { RouteTable } from "../route-table.js";
import type { HttpDeps } from "../server.js";
import { flag, pathParam } from "./helpers.js";

function sightingTimestamp(body: Record<string, unknown>): number | undefined {
  if (body.timestamp !== undefined && body.timestamp !== null && body.timestamp !== "") return parseWith(mispInt, body.timestamp, "timestamp");
  if (typeof body.date === "string" && body.date !== "") {
    const time = typeof body.time === "string" && body.time !== "" ? body.time : "00:00:00";
    if (!/^\d{4}-\d{2}-\d{2}$/.test(body.date) || !/^\d{2}:\d{2}(:\d{2})?$/.test(time)) throw invalidInput("date", "must be Y-m-d with a time H:i:s");
    const seconds = Date.parse(`${body.date}T${time.length === 5 ? `${time}:00` : time}Z`) / 1000;
    if (!Number.isFinite(seconds)) throw invalidInput("date", "is not a valid date");
    return seconds;
  }
  return undefined;
}

function presentListing(listing: SightingListing, options: { attribute?: boolean; event?: boolean; uuids?: boolean }) {
  return listing.sightings.map((sighting) => {
    const attribute = listing.attributes.get(sighting.attribute_id);
    const event = listing.events.get(sighting.event_id);
    const extra: Record<string, unknown> = { value: attribute?.value ?? "" };
    if (options.uuids) {
      extra.attribute_uuid = attribute?.uuid ?? "";
      extra.event_uuid = event?.uuid ?? "";
    }
    const body = presentSighting(sighting, listing.orgs, extra);
    if (options.attribute && attribute) {
      const fields = attributeFields(attribute);
      body.Attribute = { id: fields.id, value: fields.value, uuid: fields.uuid, type: fields.type, category: fields.category, to_ids: fields.to_ids };
    }
    if (options.event && event) {
      body.Event = {
        id: String(event.id),
        uuid: event.uuid,
        orgc_id: String(event.orgc_id),
        org_id: String(event.org_id),
        info: event.info,
        Orgc: { name: listing.orgs.get(event.orgc_id)?.name ?? "" },
      };
    }
    return { Sighting: body };
  });
}

const orgReference = z.union([z.string().min(1).max(255), z.number().int().transform(String)]);

export function sightingRoutes(table: RouteTable, deps: HttpDeps): void {
  const { context } = deps;
  table
    .add({
      methods: ["POST"],
      path: "/sightings/add/:id?",
      group: "sightings",
      summary: "Report a sighting (type 0), false positive (1) or expiration (2), by attribute id or uuid, or by value(s).",
      handler: async (c, principal) => {
        let body = await jsonBody(c);
        // A list body with an attribute in the path (PyMISP passing sightings it listed) records one sighting of that attribute.
        if (Array.isArray(body) && c.req.param("id") !== undefined) body = {};
        if (isObject(body) && isObject(body.request)) body = body.request;
        if (isObject(body) && isObject(body.Sighting)) body = body.Sighting;
        if (!isObject(body)) throw invalidInput("body", "must be a JSON object");
        const values = body.values ?? (body.value === undefined ? undefined : [body.value]);
        if (values !== undefined && (!Array.isArray(values) || values.some((v) => typeof v !== "string" && typeof v !== "number"))) {
          throw invalidInput("values", "must be a list of values");
        }
        if (values !== undefined && values.length > MAX_LIST_ITEMS) throw invalidInput("values", `lists at most ${MAX_LIST_ITEMS} values; send them in several requests`);
        const outcome = await addSightings(context, principal, {
          reference: c.req.param("id"),
          uuid: typeof body.uuid === "string" ? body.uuid : undefined,
          id: typeof body.id === "string" || typeof body.id === "number" ? body.id : undefined,
          values: values?.map(String),
          type: body.type,
          timestamp: sightingTimestamp(body),
          source: typeof body.source === "string" ? body.source : undefined,
        });
        if ("message" in outcome) return c.json({ message: outcome.message });
        const orgs = await context.store.orgs.byIds([outcome.sighting.org_id]);
        const { Organisation: _org, ...sighting } = presentSighting(outcome.sighting, orgs);
        return c.json({ Sighting: sighting });
      },
    })
    .add({
      methods: ["POST"],
      path: "/sightings/restSearch/:context?",
      group: "sightings",
      summary: "Search sightings (context attribute or event with id/uuid; type, from/to or last, org_id, source). The last 30 days by default.",
      handler: async (c, principal) => {
        let body = await jsonBody(c);
        if (isObject(body) && isObject(body.request)) body = body.request;
        if (!isObject(body)) throw invalidInput("body", "must be a JSON object");
        const scope = c.req.param("context") ?? (typeof body.context === "string" ? body.context : undefined);
        if (scope !== undefined && scope !== "attribute" && scope !== "event") throw invalidInput("context", "Invalid context");
        const now = context.now();
        if (Array.isArray(body.id) && body.id.length > MAX_LIST_ITEMS) throw invalidInput("id", `lists at most ${MAX_LIST_ITEMS} ids; split the search`);
        const ids = body.id === undefined ? undefined : (Array.isArray(body.id) ? body.id : [body.id]).map((id) => parseWith(mispInt, id, "id"));
        const uuids = body.uuid === undefined ? undefined : listFilter(body.uuid, "uuid").include;
        const types = body.type === undefined ? undefined : listFilter(body.type, "type").include.map((t) => parseWith(mispInt, t, "type"));
        const orgs = listFilter(body.org_id, "org_id");
        let from: number | undefined;
        let to: number | undefined;
        if (body.last !== undefined && body.last !== "") from = timePoint(body.last, now, "last");
        if (body.from !== undefined && body.from !== "") from = timePoint(body.from, now, "from");
        if (body.to !== undefined && body.to !== "") to = timePoint(body.to, now, "to");
        const result = await searchSightings(context, principal, {
          ...(scope ? { context: scope } : {}),
          ...(ids ? { ids } : {}),
          ...(uuids ? { uuids } : {}),
          ...(types ? { types } : {}),
          ...(from !== undefined ? { from } : {}),
          ...(to !== undefined ? { to } : {}),
          ...(orgs.include.length ? { orgs: orgs.include } : {}),
          ...(orgs.exclude.length ? { notOrgs: orgs.exclude } : {}),
          ...(typeof body.source === "string" ? { source: body.source } : {}),
        }, {
          ...(body.limit !== undefined && body.limit !== "" ? { limit: parseWith(mispInt, body.limit, "limit") } : {}),
          ...(body.page !== undefined && body.page !== "" ? { page: parseWith(mispInt, body.page, "page") } : {}),
        });
        const options = { attribute: flag(body.includeAttribute), event: flag(body.includeEvent), uuids: flag(body.includeUuid) };
        async function* json() {
          for await (const listing of result.pages) yield presentListing(listing, options).map((entry) => JSON.stringify(entry));
        }
        // Streamed as it is read, as attributes/restSearch is: memory stays flat whatever the size.
        return streamResponse(c, { head: '{"response":[', chunks: commaJoined(json()), tail: "]}", contentType: "application/json" });
      },
    })
    .add({
      methods: ["POST", "GET"],
      path: "/sightings/listSightings/:id?/:context?",
      group: "sightings",
      summary: "Every visible sighting of one attribute or event, newest first.",
      handler: async (c, principal) => {
        const body = c.req.method === "POST" ? await jsonBody(c) : {};
        if (!isObject(body)) throw invalidInput("body", "must be a JSON object");
        const reference = c.req.param("id") ?? body.id;
        const scope = c.req.param("context") ?? body.context ?? "attribute";
        if (reference === undefined || reference === "") throw invalidInput("id", "is required");
        if (scope !== "attribute" && scope !== "event") throw invalidInput("context", "must be attribute or event");
        const listing = await listSightings(context, principal, {
          context: scope,
          reference: String(reference),
          // PyMISP sends the organisation's uuid; an id or a name will do too.
          ...(body.org_id !== undefined && body.org_id !== null && body.org_id !== "" ? { org: parseWith(orgReference, body.org_id, "org_id") } : {}),
        });
        return c.json(
          listing.sightings.map((s) => {
            const { Organisation: _org, ...sighting } = presentSighting(s, listing.orgs);
            return { Sighting: sighting, Organisation: { name: presentOrgBrief(listing.orgs.get(s.org_id)).name } };
          }),
        );
      },
    })
    .add({
      methods: ["POST", "DELETE"],
      path: "/sightings/delete/:id",
      group: "sightings",
      summary: "Delete a sighting your organisation reported (site admins: any).",
      handler: async (c, principal) => {
        const sighting = await deleteSighting(context, principal, pathParam(c, "id"));
        return c.json(presentSaved("Sighting successfully deleted.", requestPath(c), sighting.id));
      },
    });
}
