/** Events: add, view, edit, delete, publish, alert, unpublish, index, restSearch and tags. */
import type { Context } from "hono";
import { addEvent, deleteEvent, editEvent, findEvent, publishEvent, unpublishEvent } from "../../app/events.js";
import { listEventIndex } from "../../app/event-index.js";
import { parseEventIndexQuery } from "./misp-events-index.schema.js";
import { loadEventTree } from "../../app/event-view.js";
import { eventExportSearch, searchEvents } from "../../app/search-events.js";
import { scoreEventTrees } from "../../app/search-scored.js";
import { changeTag } from "../../app/attributes.js";
import type { Principal } from "../../core/domain.js";
import { eventEdit, eventInput, mispFlag, parseWith, isObject } from "../../misp/parse.js";
import { presentEvent, presentEventIndexRow, presentRelatedEvents, presentSaved } from "../../misp/present.js";
import { relatedEvents } from "../../app/correlations.js";
import { checkParameters } from "../../misp/rest-search.js";
import { HttpError, requestPath } from "../errors.js";
import { jsonBody, urlParameters } from "../request.js";
import type { RouteTable } from "../route-table.js";
import type { HttpDeps } from "../server.js";
import { commaJoined, streamResponse } from "../stream.js";
import { attributeSearchAnswer } from "./attribute-search-answer.js";
import { allParameters, flag, modelBody, pathParam } from "./helpers.js";

async function viewAnswer(c: Context, deps: HttpDeps, principal: Principal, reference: string | number, params: Record<string, unknown> = {}) {
  const event = await findEvent(deps.context, principal, reference);
  const tree = await loadEventTree(deps.context, principal, event, {
    sightings: !flag(params.noSightings),
    // deleted: 1, true or [0, 1] (PyMISP's get_event(deleted=...)) show soft-deleted attributes and objects too.
    includeDeleted: Array.isArray(params.deleted) ? params.deleted.some((d) => parseWith(mispFlag, d, "deleted")) : params.deleted !== undefined && parseWith(mispFlag, params.deleted, "deleted"),
    eventTagsOnAttributes: false,
  });
  await scoreEventTrees(deps.context, principal, [tree], params);
  // metadata:1 (events/add, events/edit, events/view): the event without its attributes and objects.
  const shown = params.metadata !== undefined && parseWith(mispFlag, params.metadata, "metadata") ? { ...tree, attributes: [], objects: [] } : tree;
  return c.json(presentEvent(shown, { includeScoresOnEvent: flag(params.includeScoresOnEvent) }));
}

export function eventRoutes(table: RouteTable, deps: HttpDeps): void {
  const { context } = deps;
  table
    .add({
      methods: ["POST"],
      path: "/events/add",
      group: "events",
      summary: "Create an event, with its attributes, objects and tags.",
      body: eventInput,
      handler: async (c, principal) => {
        const input = parseWith(eventInput, await modelBody(c, "Event"));
        const event = await addEvent(context, principal, input);
        return viewAnswer(c, deps, principal, event.id, { metadata: urlParameters(c).metadata });
      },
    })
    .add({
      methods: ["GET", "POST"],
      path: "/events/view/:id",
      group: "events",
      summary: "An event with its attributes, objects, tags and sightings (named parameters noSightings, includeDecayScore).",
      handler: async (c, principal) => {
        const params = c.req.method === "POST" ? { ...urlParameters(c), ...(await allParameters(c)) } : urlParameters(c);
        return viewAnswer(c, deps, principal, pathParam(c, "id"), params);
      },
    })
    .add({
      methods: ["POST", "PUT"],
      path: "/events/edit/:id",
      group: "events",
      summary: "Change the fields of an event that the request names; attributes in the request are added or updated by uuid.",
      body: eventEdit,
      handler: async (c, principal) => {
        const edit = parseWith(eventEdit, await modelBody(c, "Event"));
        const event = await editEvent(context, principal, pathParam(c, "id"), edit);
        return viewAnswer(c, deps, principal, event.id, { metadata: urlParameters(c).metadata });
      },
    })
    .add({
      methods: ["POST", "DELETE"],
      path: "/events/delete/:id",
      group: "events",
      summary: "Delete an event with everything in it.",
      handler: async (c, principal) => {
        const event = await deleteEvent(context, principal, pathParam(c, "id"));
        return c.json(presentSaved("Event deleted.", requestPath(c), event.id));
      },
    })
    .add({
      methods: ["POST"],
      path: "/events/publish/:id",
      group: "events",
      summary: "Publish an event without e-mail alerts.",
      handler: async (c, principal) => {
        const event = await publishEvent(context, principal, pathParam(c, "id"));
        return c.json(presentSaved("Event published without alerts", requestPath(c), event.id));
      },
    })
    .add({
      methods: ["POST"],
      path: "/events/alert/:id",
      group: "events",
      summary: "Publish an event. Halflife does not e-mail event alerts; the event is published all the same.",
      handler: async (c, principal) => {
        const event = await publishEvent(context, principal, pathParam(c, "id"));
        return c.json(presentSaved("Event published; this server sends no e-mail alerts", requestPath(c), event.id));
      },
    })
    .add({
      methods: ["POST"],
      path: "/events/unpublish/:id",
      group: "events",
      summary: "Unpublish an event.",
      handler: async (c, principal) => {
        const event = await unpublishEvent(context, principal, pathParam(c, "id"));
        return c.json(presentSaved("Event unpublished.", requestPath(c), event.id));
      },
    })
    .add({
      methods: ["GET", "POST"],
      path: "/events/index",
      group: "events",
      summary: "Visible events, newest first unless sorted (sort, direction), with every filter of PyMISP's search_index; page, limit.",
      handler: async (c, principal) => {
        const query = parseEventIndexQuery(await allParameters(c), context.now());
        const result = await listEventIndex(context, principal, query);
        c.header("X-Result-Count", String(result.total));
        return c.json(result.events.map((e) => presentEventIndexRow(e.event, e.tags, e.attributeCount, result.orgs)));
      },
    })
    .add({
      methods: ["GET", "POST"],
      path: "/events/restSearch",
      group: "events",
      summary: "Search events: event filters, and attribute filters that narrow the attributes returned; returnFormat json, or csv and text (attribute lists).",
      handler: async (c, principal) => {
        const raw = c.req.method === "GET" ? urlParameters(c) : await jsonBody(c);
        const { params, ignored } = checkParameters(isObject(raw) ? raw : {}, ["includeScoresOnEvent", "searchall", "metadata", "event_id", "quickfilter"]);
        // csv and text list attributes, as MISP's events/restSearch exports do: the attribute search answers them.
        if (params.returnFormat === "csv" || params.returnFormat === "text") {
          return attributeSearchAnswer(c, context, principal, params, ignored, await eventExportSearch(context, principal, params));
        }
        if (params.returnFormat !== undefined && params.returnFormat !== "json") {
          throw new HttpError(400, "events/restSearch answers returnFormat json, csv and text");
        }
        const result = await searchEvents(context, principal, params);
        const withScores = flag(params.includeScoresOnEvent);
        const allTags = params.includeAllTags !== undefined && parseWith(mispFlag, params.includeAllTags, "includeAllTags");
        const withCorrelations = params.includeCorrelations !== undefined && parseWith(mispFlag, params.includeCorrelations, "includeCorrelations");
        async function* chunks(): AsyncIterable<string[]> {
          for await (const trees of result.pages) {
            await scoreEventTrees(context, principal, trees, params);
            const related = withCorrelations ? await relatedEvents(context, principal, trees) : null;
            yield trees.map((tree) => {
              const presented = presentEvent(tree, { includeScoresOnEvent: withScores, allTags }) as { Event: Record<string, unknown> };
              if (related) presented.Event.RelatedEvent = presentRelatedEvents(related.get(tree.event.id) ?? []);
              return JSON.stringify(presented);
            });
          }
        }
        const headers: Record<string, string> = { "X-Result-Count": String(result.total) };
        if (ignored.length) headers["X-Halflife-Ignored-Parameters"] = ignored.join(",");
        return streamResponse(c, { head: '{"response":[', chunks: commaJoined(chunks()), tail: "]}", contentType: "application/json", headers });
      },
    });

  for (const remove of [false, true]) {
    const action = remove ? "removeTag" : "addTag";
    table.add({
      methods: ["POST"],
      path: `/events/${action}/:id?/:tag?`,
      group: "events",
      summary: remove ? "Remove a tag from an event." : "Tag an event (by tag id or name; local tags with local: 1).",
      handler: async (c, principal) => {
        const body = await allParameters(c);
        const reference = c.req.param("id") ?? body.event ?? body.id;
        const tag = c.req.param("tag") ?? body.tag;
        if (reference === undefined || tag === undefined) throw new HttpError(400, "Name the event and the tag.");
        const change = await changeTag(context, principal, {
          target: "event",
          reference: String(reference),
          tag: typeof tag === "number" ? tag : String(tag),
          local: flag(body.local),
          remove,
        });
        const name = remove ? "Tag removed." : change.changed ? "Tag added." : "Tag is already attached to this event.";
        return c.json({ saved: true, success: name, check_publish: true, name, message: name, url: requestPath(c) });
      },
    });
  }
}
