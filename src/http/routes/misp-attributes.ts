/** Attributes: add, view, edit, delete, restSearch (json, csv, text; streamed) and tags. */
import type { Context } from "hono";
import { addAttributes, changeTag, deleteAttribute, editAttribute, findAttributeIn, SIMILAR_ATTRIBUTE } from "../../app/attributes.js";
import { viewsOf } from "../../app/search-attributes.js";
import type { AppContext } from "../../app/context.js";
import type { AttributeRecord, Principal } from "../../core/domain.js";
import { attributeEdit, attributeInput, isObject, mispFlag, parseWith } from "../../misp/parse.js";
import { presentAttribute, presentSaved } from "../../misp/present.js";
import { checkParameters } from "../../misp/rest-search.js";
import { HttpError, requestPath } from "../errors.js";
import { jsonBody, urlParameters } from "../request.js";
import type { RouteTable } from "../route-table.js";
import type { HttpDeps } from "../server.js";
import { attributeSearchAnswer } from "./attribute-search-answer.js";
import { allParameters, flag, modelBody, pathParam } from "./helpers.js";
import { invalidInput } from "../../core/errors.js";

async function attributeAnswer(c: Context, context: AppContext, principal: Principal, attributes: AttributeRecord[], extra: Record<string, unknown> = {}) {
  const views = await viewsOf(context, principal, attributes, { sightings: false, eventTags: false, exportableOnly: false });
  const orgs = new Map();
  const presented = views.map((view) => presentAttribute(view, { orgs, withEvent: false }));
  return c.json({ Attribute: presented.length === 1 ? presented[0] : presented, ...extra });
}

export function attributeRoutes(table: RouteTable, deps: HttpDeps): void {
  const { context } = deps;
  table
    .add({
      methods: ["POST"],
      path: "/attributes/add/:eventId",
      group: "attributes",
      summary: "Add one attribute, or a list, to an event.",
      body: attributeInput,
      handler: async (c, principal) => {
        const body = await modelBody(c, "Attribute");
        const list = Array.isArray(body) ? body : [body];
        if (list.length === 0) throw invalidInput("Attribute", "must hold at least one attribute");
        const inputs = list.map((item, i) => parseWith(attributeInput, item, list.length > 1 ? `Attribute.${i}` : ""));
        const breakOnDuplicate = urlParameters(c).breakOnDuplicate;
        const added = await addAttributes(context, principal, pathParam(c, "eventId"), inputs, {
          breakOnDuplicate: breakOnDuplicate === undefined ? true : parseWith(mispFlag, breakOnDuplicate, "breakOnDuplicate"),
        });
        // MISP's answer to a list: what was added, and per skipped position why.
        const errors = Object.fromEntries(added.duplicates.map((i) => [`attribute_${i}`, { value: [SIMILAR_ATTRIBUTE] }]));
        return attributeAnswer(c, context, principal, added.attributes, added.duplicates.length ? { errors } : {});
      },
    })
    .add({
      methods: ["GET"],
      path: "/attributes/view/:id",
      group: "attributes",
      summary: "One attribute, by id or uuid.",
      handler: async (c, principal) => {
        const { attribute } = await findAttributeIn(context.store, context, principal, pathParam(c, "id"));
        return attributeAnswer(c, context, principal, [attribute]);
      },
    })
    .add({
      methods: ["POST", "PUT"],
      path: "/attributes/edit/:id",
      group: "attributes",
      summary: "Change the fields the request names; stamps the attribute and unpublishes its event.",
      body: attributeEdit,
      handler: async (c, principal) => {
        const edit = parseWith(attributeEdit, await modelBody(c, "Attribute"));
        const attribute = await editAttribute(context, principal, pathParam(c, "id"), edit);
        return attributeAnswer(c, context, principal, [attribute]);
      },
    })
    .add({
      methods: ["POST", "DELETE"],
      path: "/attributes/delete/:id/:hard?",
      group: "attributes",
      summary: "Delete an attribute: soft (flagged deleted), or for good with a truthy hard parameter.",
      handler: async (c, principal) => {
        const body = c.req.method === "POST" ? await allParameters(c) : urlParameters(c);
        const hard = flag(c.req.param("hard")) || flag(body.hard);
        await deleteAttribute(context, principal, pathParam(c, "id"), hard);
        return c.json({ message: "Attribute deleted." });
      },
    })
    .add({
      methods: ["GET", "POST"],
      path: "/attributes/restSearch",
      group: "attributes",
      summary:
        "Search attributes. Filters: value, type, category, tags (! and %), eventid, uuid, to_ids, published, deleted, timestamp, from/to/last, org; " +
        "includeSightings, includeEventTags, includeDecayScore, excludeDecayed, decayingModel, modelOverrides, score, includeFullModel; page, limit; returnFormat json, csv or text.",
      handler: async (c, principal) => {
        const raw = c.req.method === "GET" ? urlParameters(c) : await jsonBody(c);
        const { params, ignored } = checkParameters(isObject(raw) ? raw : raw === null || raw === undefined ? {} : raw);
        return attributeSearchAnswer(c, context, principal, params, ignored);
      },
    });

  for (const remove of [false, true]) {
    const action = remove ? "removeTag" : "addTag";
    table.add({
      methods: ["POST"],
      path: `/attributes/${action}/:id?/:tag?`,
      group: "attributes",
      summary: remove ? "Remove a tag from an attribute." : "Tag an attribute (by tag id or name; local tags with local: 1).",
      handler: async (c, principal) => {
        const body = await allParameters(c);
        const reference = c.req.param("id") ?? body.attribute ?? body.id ?? body.uuid;
        const tag = c.req.param("tag") ?? body.tag;
        if (reference === undefined || tag === undefined) throw new HttpError(400, "Name the attribute and the tag.");
        const change = await changeTag(context, principal, {
          target: "attribute",
          reference: String(reference),
          tag: typeof tag === "number" ? tag : String(tag),
          local: flag(body.local),
          remove,
        });
        const name = remove ? "Tag removed." : change.changed ? "Tag added." : "Tag is already attached to this attribute.";
        return c.json(presentSaved(name, requestPath(c), change.targetId, { check_publish: true }));
      },
    });
  }
}
