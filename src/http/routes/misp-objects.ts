/** Objects: add to an event, view (HEAD answers whether it exists), edit, delete, restSearch. */
import type { Context } from "hono";
import { addObject, deleteObject, editObject, searchObjects, viewObject, type ObjectView } from "../../app/objects.js";
import { mispBool, objectInput, parseWith } from "../../misp/parse.js";
import { presentObject, presentSaved } from "../../misp/present.js";
import { requestPath } from "../errors.js";
import { urlParameters } from "../request.js";
import type { RouteTable } from "../route-table.js";
import type { HttpDeps } from "../server.js";
import { allParameters, modelBody, pathParam } from "./helpers.js";
import { objectEdit, parseObjectSearch } from "./misp-objects.schema.js";

const answer = (c: Context, view: ObjectView) => c.json({ Object: presentObject(view.object, view.attributes, view.orgs) });

export function objectRoutes(table: RouteTable, deps: HttpDeps): void {
  const { context } = deps;
  table
    .add({
      methods: ["POST"],
      path: "/objects/add/:eventId",
      group: "objects",
      summary: "Add an object, with its attributes, to an event.",
      body: objectInput,
      handler: async (c, principal) => {
        const input = parseWith(objectInput, await modelBody(c, "Object"));
        return answer(c, await addObject(context, principal, pathParam(c, "eventId"), input));
      },
    })
    .add({
      methods: ["GET"],
      path: "/objects/view/:id",
      group: "objects",
      summary: "One object with its attributes, by id or uuid (HEAD: 200 when it exists, 404 when not).",
      handler: async (c, principal) => answer(c, await viewObject(context, principal, pathParam(c, "id"))),
    })
    .add({
      methods: ["POST", "PUT"],
      path: "/objects/edit/:id",
      group: "objects",
      summary: "Change the object's fields the request names; its attributes are updated by uuid or added.",
      body: objectEdit,
      handler: async (c, principal) => {
        const input = parseWith(objectEdit, await modelBody(c, "Object"));
        return answer(c, await editObject(context, principal, pathParam(c, "id"), input));
      },
    })
    .add({
      methods: ["POST", "DELETE"],
      path: "/objects/delete/:id/:hard?",
      group: "objects",
      summary: "Delete an object: soft (it and its attributes flagged deleted), or for good with a truthy hard parameter.",
      handler: async (c, principal) => {
        const body = c.req.method === "POST" ? await allParameters(c) : urlParameters(c);
        const hard = parseWith(mispBool, c.req.param("hard") ?? body.hard ?? false, "hard");
        const object = await deleteObject(context, principal, pathParam(c, "id"), hard);
        return c.json(presentSaved("Object deleted", requestPath(c), object.id));
      },
    })
    .add({
      methods: ["POST"],
      path: "/objects/restSearch",
      group: "objects",
      summary: "Objects by object_name, eventid, uuid (and deleted), with their attributes.",
      handler: async (c, principal) => {
        const search = parseObjectSearch(await allParameters(c));
        const views = await searchObjects(context, principal, search);
        return c.json({ response: views.map((view) => ({ Object: presentObject(view.object, view.attributes, view.orgs) })) });
      },
    });
}
