/** Decaying models and their type mappings, with MISP's routes and shapes; and the formula list. */
import type { Context } from "hono";
import {
  addModel,
  deleteModel,
  editModel,
  exportModel,
  linkTypes,
  importModels,
  listModels,
  setModelEnabled,
  updateDefaultModels,
  viewModel,
  type ModelListFilter,
} from "../../app/decaying-models.js";
import { parseDecayRequest } from "../../app/decay-scores.js";
import { simulate } from "../../app/simulate.js";
import { parseBoundedJson } from "../../core/bounded-json.js";
import { invalidInput } from "../../core/errors.js";
import { isObject, unwrapBody } from "../../misp/parse.js";
import { parsePaging } from "../../misp/paging.js";
import { modelFields, presentModel, presentSimulation } from "../../misp/present-models.js";
import { presentSaved } from "../../misp/present.js";
import { HttpError, requestPath } from "../errors.js";
import { jsonBody, urlParameters } from "../request.js";
import type { RouteTable } from "../route-table.js";
import type { HttpDeps } from "../server.js";
import { flag, pathParam } from "./helpers.js";

function listFilter(params: Record<string, unknown>): ModelListFilter {
  // MISP applies only the last filter given; they are exclusive in practice.
  if (flag(params.default_models)) return "default";
  if (flag(params.my_models)) return "mine";
  if (flag(params.all_orgs)) return "shared";
  return "all";
}

async function modelDraft(c: Context): Promise<Record<string, unknown>> {
  const body = unwrapBody(await jsonBody(c), "DecayingModel");
  if (!isObject(body)) throw invalidInput("DecayingModel", "must be a JSON object");
  return body;
}

/** import accepts a JSON body, or a form with the JSON as text or as an uploaded file. */
async function importedDrafts(c: Context): Promise<Record<string, unknown>[]> {
  const type = c.req.header("content-type") ?? "";
  let document: unknown;
  if (type.startsWith("multipart/form-data") || type.startsWith("application/x-www-form-urlencoded")) {
    let form: Awaited<ReturnType<typeof c.req.parseBody>>;
    try {
      form = await c.req.parseBody();
    } catch {
      // A body that does not parse as the form its content type announces (no boundary, cut short).
      throw new HttpError(400, "The request body is not a valid form: send the model JSON as a form field or file, or as a JSON body.");
    }
    const field = form["DecayingModel[submittedjson]"] ?? form["DecayingModel[json]"] ?? form.file ?? form.json ?? Object.values(form)[0];
    const text = typeof field === "string" ? field : field instanceof File ? await field.text() : undefined;
    if (text === undefined) throw invalidInput("DecayingModel[json]", "give the model JSON as text or as a file");
    document = parseBoundedJson(text, "DecayingModel[json]");
  } else {
    document = await jsonBody(c);
  }
  const list = Array.isArray(document) ? document : [document];
  if (list.length === 0) throw invalidInput("DecayingModel", "holds no model");
  return list.map((item, i) => {
    const draft = unwrapBody(item, "DecayingModel");
    if (!isObject(draft)) throw invalidInput(list.length > 1 ? `DecayingModel[${i}]` : "DecayingModel", "must be a JSON object");
    // Import never brings ids, uuids (only default models have one) or a default flag.
    const { id: _id, uuid: _uuid, default: _default, org_id: _org, isEditable: _editable, ...rest } = draft;
    return rest;
  });
}

export function decayingModelRoutes(table: RouteTable, deps: HttpDeps): void {
  const { context } = deps;
  table
    .add({
      methods: ["GET"],
      path: "/decayingModel/index",
      group: "decaying models",
      summary: "Visible models, newest first. Named parameters my_models:1, default_models:1, all_orgs:1; limit and page when given.",
      handler: async (c, principal) => {
        const params = urlParameters(c);
        let views = await listModels(context, principal, listFilter(params));
        const { limit, offset } = parsePaging(params);
        if (limit !== undefined) views = views.slice(offset, offset + limit);
        return c.json(views.map(presentModel));
      },
    })
    .add({
      methods: ["GET"],
      path: "/decayingModel/view/:id",
      group: "decaying models",
      summary: "A model, with the attribute types it applies to.",
      handler: async (c, principal) => c.json(presentModel(await viewModel(context, principal, pathParam(c, "id")))),
    })
    .add({
      methods: ["GET"],
      path: "/decayingModel/getAllDecayingModels",
      group: "decaying models",
      summary: "Visible models with their attribute types (query my_models=1 or default_models=1).",
      handler: async (c, principal) => {
        const views = await listModels(context, principal, listFilter(urlParameters(c)));
        return c.json(views.map((view) => ({ DecayingModel: modelFields(view) })));
      },
    })
    .add({
      methods: ["POST"],
      path: "/decayingModel/add",
      group: "decaying models",
      summary: "Create a model of your organisation: name, description, formula, parameters, attribute_types, enabled, all_orgs.",
      handler: async (c, principal) => {
        const view = await addModel(context, principal, await modelDraft(c));
        return c.json({ data: presentModel(view), action: "add" });
      },
    })
    .add({
      methods: ["POST", "PUT"],
      path: "/decayingModel/edit/:id",
      group: "decaying models",
      summary: "Change the fields the request names (parameters merge key by key). Default models: enabled and all_orgs only.",
      handler: async (c, principal) => {
        const view = await editModel(context, principal, pathParam(c, "id"), await modelDraft(c));
        return c.json({ data: presentModel(view), action: "edit" });
      },
    })
    .add({
      methods: ["POST", "DELETE"],
      path: "/decayingModel/delete/:id",
      group: "decaying models",
      summary: "Delete a model you may edit (never a default model).",
      handler: async (c, principal) => {
        await deleteModel(context, principal, pathParam(c, "id"));
        return c.json({ action: "delete", saved: true, success: true, name: "Decaying model deleted", message: "Decaying model deleted", url: requestPath(c) });
      },
    });

  for (const enabled of [true, false]) {
    table.add({
      methods: ["POST"],
      path: `/decayingModel/${enabled ? "enable" : "disable"}/:id`,
      group: "decaying models",
      summary: `${enabled ? "Enable" : "Disable"} a model (its decay index is rebuilt).`,
      handler: async (c, principal) => {
        const view = await setModelEnabled(context, principal, pathParam(c, "id"), enabled);
        const name = `Decaying model ${enabled ? "enabled" : "disabled"}`;
        return c.json(presentSaved(name, requestPath(c), view.model.id, { data: presentModel(view) }));
      },
    });
  }

  table
    .add({
      methods: ["GET"],
      path: "/decayingModel/export/:id",
      group: "decaying models",
      summary: "A model in MISP's export format (without id, uuid or organisation).",
      handler: async (c, principal) => {
        const view = await viewModel(context, principal, pathParam(c, "id"));
        const fileName = `${view.model.name.replace(/[^A-Za-z0-9._-]+/g, "_")}.json`;
        return c.json(exportModel(view), 200, { "Content-Disposition": `attachment; filename="${fileName}"` });
      },
    })
    .add({
      methods: ["POST"],
      path: "/decayingModel/import",
      group: "decaying models",
      summary: "Import models in MISP's format: a JSON body (one model or a list), or a form with DecayingModel[json] text or a file.",
      handler: async (c, principal) => {
        const views = await importModels(context, principal, await importedDrafts(c));
        return c.json({ action: "import", saved: true, success: true, name: `Imported ${views.length} model(s)`, message: `Imported ${views.length} model(s)`, data: views.map(presentModel) });
      },
    })
    .add({
      methods: ["POST", "PUT"],
      path: "/decayingModel/update/:force?",
      group: "decaying models",
      summary: "Install the built-in default models, or re-apply them when newer (any truthy force segment re-applies them all). Site admins.",
      handler: async (c, principal) => {
        const force = c.req.param("force");
        const result = await updateDefaultModels(context, principal, { force: force !== undefined && force !== "" && force !== "0" });
        return c.json(presentSaved("Default decaying models updated", requestPath(c), undefined, { ...result }));
      },
    })
    .add({
      methods: ["GET"],
      path: "/decayingModel/decayingToolComputeSimulation/:model/:attribute",
      group: "decaying models",
      summary: "One attribute's score over time under a model (named parameters modelOverride:{json} and score:n): hourly points, sightings, base-score steps, current score.",
      handler: async (c, principal) => {
        const params = urlParameters(c);
        const decay = parseDecayRequest({ includeDecayScore: 1, modelOverrides: params.modelOverride ?? params.modelOverrides, score: params.score });
        const result = await simulate(context, principal, pathParam(c, "model"), pathParam(c, "attribute"), decay!.overrides);
        const model = { ...modelFields(result.model), parameters: result.parameters };
        return c.json(presentSimulation(result.simulation, model, Number(result.parameters.threshold)));
      },
    })
    .add({
      methods: ["GET"],
      path: "/decayingModelMapping/viewAssociatedTypes/:id",
      group: "decaying models",
      summary: "The attribute types a model applies to.",
      handler: async (c, principal) => c.json((await viewModel(context, principal, pathParam(c, "id"))).types),
    })
    .add({
      methods: ["POST"],
      path: "/decayingModelMapping/linkAttributeTypeToModel/:id",
      group: "decaying models",
      summary: 'Replace a model\'s attribute types: {"DecayingModelMapping": {"attributetypes": "[\\"ip-src\\"]"}} (a JSON string, as MISP sends it, or a list).',
      handler: async (c, principal) => {
        const body = unwrapBody(await jsonBody(c), "DecayingModelMapping");
        let types: unknown = isObject(body) ? (body.attributetypes ?? body.attribute_types) : body;
        if (typeof types === "string") {
          try {
            types = JSON.parse(types);
          } catch {
            throw invalidInput("attributetypes", "Invalid JSON: attribute type");
          }
        }
        if (!Array.isArray(types)) throw invalidInput("attributetypes", "must be a list of attribute types");
        return c.json(await linkTypes(context, principal, pathParam(c, "id"), types as string[]));
      },
    })
    .add({
      methods: ["GET"],
      path: "/halflife/formulas",
      group: "decaying models",
      summary: "The formulas models may use, built-in and plug-in: name, description, family, whether they need sightings, whether the decay index can answer for them.",
      handler: (c) =>
        c.json(
          context.formulas.list().map((f) => ({ name: f.name, description: f.description, family: f.family, requiresSightings: f.requiresSightings, closedForm: f.decaysAt !== undefined })),
        ),
    });
}
