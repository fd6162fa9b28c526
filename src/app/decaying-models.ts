/**
 * Decaying models: who may see and change them, and the MISP operations on them (index, view,
 * add, edit, delete, enable, disable, import, export, update of the defaults, type mappings).
 *
 * MISP's rules, with its bugs fixed: `add` keeps its attribute types; `edit` checks ownership and
 * changes only what it names (a missing all_orgs no longer shares the model); models that would
 * divide by zero are refused with the field named; linking types checks ownership too.
 */
import { DEFAULT_MODELS, type DefaultModelDefinition } from "../core/data/default-models.js";
import { HalflifeError, invalidInput } from "../core/errors.js";
import type { DecayingModelRecord, Principal } from "../core/domain.js";
import { validateModel, validateParameters } from "../core/models.js";
import type { StoreSession } from "../store/store.js";
import type { AppContext } from "./context.js";
import { oneModelChangeAtATime } from "./rebuild-guard.js";
import { forbidden, requireSiteAdmin } from "./permissions.js";

export interface ModelView {
  model: DecayingModelRecord;
  /** The types the model applies to: its column for default models, plus its mapping rows. */
  types: string[];
  mappings: Array<{ id: number; attribute_type: string }>;
  editable: boolean;
}

export function canSeeModel(principal: Principal, model: DecayingModelRecord): boolean {
  return principal.role.perm_site_admin || model.all_orgs || model.org_id === principal.org.id;
}

/** MISP's isEditable: site admins always; otherwise perm_decaying in the owning organisation, never a default model. */
export function canEditModel(principal: Principal, model: DecayingModelRecord): boolean {
  if (principal.role.perm_site_admin) return true;
  return principal.role.perm_decaying && !model.default && model.org_id === principal.org.id;
}

function requireDecayingPermission(principal: Principal): void {
  if (!principal.role.perm_site_admin && !principal.role.perm_admin && !principal.role.perm_decaying) {
    throw forbidden("You do not have permission to manage decaying models.");
  }
}

const NOT_FOUND = "No Decaying Model with the provided ID exists";

export async function viewsOfModels(tx: StoreSession, principal: Principal, models: readonly DecayingModelRecord[]): Promise<ModelView[]> {
  const mappings = await tx.models.mappings(models.map((m) => m.id));
  return models.map((model) => {
    const rows = mappings.get(model.id) ?? [];
    const types = [...new Set([...(model.default ? model.attribute_types : []), ...rows.map((r) => r.attribute_type)])];
    return { model, types, mappings: rows, editable: canEditModel(principal, model) };
  });
}

export async function findModelIn(tx: StoreSession, principal: Principal, reference: string | number): Promise<DecayingModelRecord> {
  const text = String(reference).trim();
  const model = /^\d+$/.test(text) ? await tx.models.byId(Number(text)) : null;
  if (!model || !canSeeModel(principal, model)) throw new HalflifeError("NOT_FOUND", NOT_FOUND);
  return model;
}

export async function viewModel(context: AppContext, principal: Principal, reference: string | number): Promise<ModelView> {
  const model = await findModelIn(context.store, principal, reference);
  return (await viewsOfModels(context.store, principal, [model]))[0]!;
}

export type ModelListFilter = "all" | "mine" | "shared" | "default";

/** The models a principal may see, newest first (MISP's index order), optionally filtered. */
export async function listModels(context: AppContext, principal: Principal, filter: ModelListFilter = "all"): Promise<ModelView[]> {
  const visible = (await context.store.models.list()).filter((m) => canSeeModel(principal, m));
  const picked = visible.filter((m) => {
    if (filter === "mine") return m.org_id === principal.org.id;
    if (filter === "shared") return m.all_orgs;
    if (filter === "default") return m.default;
    return true;
  });
  return viewsOfModels(context.store, principal, picked.reverse());
}

function flag(value: unknown, field: string): boolean | undefined {
  if (value === undefined || value === null) return undefined;
  if (value === true || value === 1 || value === "1" || value === "true") return true;
  if (value === false || value === 0 || value === "0" || value === "false") return false;
  throw invalidInput(field, "must be true or false");
}

/** add (and import): a new model of the principal's organisation; its attribute types become its mappings. */
export async function addModel(context: AppContext, principal: Principal, draft: Record<string, unknown>): Promise<ModelView> {
  requireDecayingPermission(principal);
  const valid = validateModel(draft, context.formulas);
  const enabled = flag(draft.enabled, "enabled") ?? false;
  const allOrgs = flag(draft.all_orgs, "all_orgs") ?? true;
  return oneModelChangeAtATime(context, principal, () => context.store.transaction(async (tx) => {
    const model = await tx.models.create({
      uuid: null,
      name: valid.name,
      description: valid.description,
      formula: valid.formula,
      parameters: valid.parameters,
      attribute_types: valid.attribute_types,
      org_id: principal.org.id,
      enabled,
      all_orgs: allOrgs,
      ref: valid.ref,
      version: "",
      default: false,
    });
    if (valid.attribute_types.length) await tx.models.setMappings(model.id, valid.attribute_types);
    return (await viewsOfModels(tx, principal, [model]))[0]!;
  }));
}

/**
 * edit: changes only the fields the request names. Parameters are merged key by key (a request with
 * `{ parameters: { threshold: 40 } }` changes the threshold only). Default models: enabled and
 * all_orgs only, by site admins.
 */
export async function editModel(context: AppContext, principal: Principal, reference: string, draft: Record<string, unknown>): Promise<ModelView> {
  requireDecayingPermission(principal);
  return oneModelChangeAtATime(context, principal, () => context.store.transaction(async (tx) => {
    const model = await findModelIn(tx, principal, reference);
    if (!canEditModel(principal, model)) throw forbidden("You are not authorised to edit this model.");
    const enabled = flag(draft.enabled, "enabled");
    const allOrgs = flag(draft.all_orgs, "all_orgs");
    const fields: Partial<DecayingModelRecord> = {};
    if (enabled !== undefined) fields.enabled = enabled;
    if (allOrgs !== undefined) fields.all_orgs = allOrgs;
    if (!model.default) {
      const merged = {
        name: draft.name ?? model.name,
        description: draft.description ?? model.description,
        formula: draft.formula ?? model.formula,
        parameters: mergeParameters(model, draft.parameters),
        attribute_types: draft.attribute_types ?? model.attribute_types,
        ref: draft.ref === undefined ? model.ref : draft.ref,
      };
      const valid = validateModel(merged, context.formulas);
      Object.assign(fields, { name: valid.name, description: valid.description, formula: valid.formula, parameters: valid.parameters, ref: valid.ref });
      if (draft.attribute_types !== undefined) {
        fields.attribute_types = valid.attribute_types;
        await tx.models.setMappings(model.id, valid.attribute_types);
      }
    }
    await tx.models.update(model.id, fields);
    return (await viewsOfModels(tx, principal, [(await tx.models.byId(model.id))!]))[0]!;
  }));
}

function mergeParameters(model: DecayingModelRecord, given: unknown): unknown {
  if (given === undefined || given === null) return model.parameters;
  let parsed = given;
  if (typeof given === "string") {
    try {
      parsed = JSON.parse(given);
    } catch {
      throw invalidInput("parameters", "is not valid JSON");
    }
  }
  if (typeof parsed !== "object" || parsed === null || Array.isArray(parsed)) throw invalidInput("parameters", "must be an object");
  return { ...model.parameters, ...(parsed as Record<string, unknown>) };
}

export async function setModelEnabled(context: AppContext, principal: Principal, reference: string, enabled: boolean): Promise<ModelView> {
  requireDecayingPermission(principal);
  return oneModelChangeAtATime(context, principal, () => context.store.transaction(async (tx) => {
    const model = await findModelIn(tx, principal, reference);
    if (!canEditModel(principal, model)) throw forbidden("You are not authorised to change this model.");
    await tx.models.update(model.id, { enabled });
    return (await viewsOfModels(tx, principal, [{ ...model, enabled }]))[0]!;
  }));
}

export async function deleteModel(context: AppContext, principal: Principal, reference: string): Promise<DecayingModelRecord> {
  requireDecayingPermission(principal);
  return oneModelChangeAtATime(context, principal, () => context.store.transaction(async (tx) => {
    const model = await findModelIn(tx, principal, reference);
    if (model.default || !canEditModel(principal, model)) throw forbidden("You are not authorised to delete this model.");
    await tx.models.delete(model.id);
    return model;
  }));
}

/** linkAttributeTypeToModel: replaces the model's type mappings (owners only; MISP checks nothing). */
export async function linkTypes(context: AppContext, principal: Principal, reference: string, types: string[]): Promise<string[]> {
  requireDecayingPermission(principal);
  if (types.length === 0) throw invalidInput("attributetypes", "The model must link to at least one attribute type");
  for (const [i, type] of types.entries()) {
    if (typeof type !== "string" || type.trim() === "" || type.length > 255) throw invalidInput(`attributetypes[${i}]`, "must be an attribute type");
  }
  return oneModelChangeAtATime(context, principal, () => context.store.transaction(async (tx) => {
    const model = await findModelIn(tx, principal, reference);
    if (!canEditModel(principal, model)) throw forbidden("You are not authorised to change this model.");
    await tx.models.setMappings(model.id, types);
    if (!model.default) await tx.models.update(model.id, { attribute_types: [...new Set(types)] });
    return [...new Set(types)];
  }));
}

/** export: MISP's shape without id, uuid and org; the resolved attribute types. */
export function exportModel(view: ModelView): Record<string, unknown> {
  const { model } = view;
  return {
    DecayingModel: {
      name: model.name,
      description: model.description,
      formula: model.formula,
      parameters: model.parameters,
      attribute_types: view.types,
      ref: model.ref,
      version: model.version,
      enabled: model.enabled,
      all_orgs: model.all_orgs,
      default: model.default,
      isEditable: view.editable,
    },
  };
}

export interface DefaultsUpdate {
  created: string[];
  updated: string[];
  unchanged: string[];
}

async function applyDefault(tx: StoreSession, definition: DefaultModelDefinition, hostOrgId: number, options: { force: boolean; enable: boolean }, result: DefaultsUpdate, formulas: AppContext["formulas"]): Promise<void> {
  const parameters = validateParameters(definition.formula, definition.parameters, formulas);
  const existing = await tx.models.byUuid(definition.uuid);
  const fields = {
    name: definition.name,
    description: definition.description,
    formula: definition.formula,
    parameters,
    attribute_types: definition.attribute_types,
    ref: definition.ref,
    version: String(definition.version),
    org_id: hostOrgId,
  };
  if (!existing) {
    await tx.models.create({ uuid: definition.uuid, ...fields, enabled: options.enable, all_orgs: true, default: true });
    result.created.push(definition.name);
  } else if (options.force || Number(existing.version) < definition.version || Number.isNaN(Number(existing.version))) {
    // enabled and all_orgs stay as the administrators set them.
    await tx.models.update(existing.id, { ...fields, default: true });
    result.updated.push(definition.name);
  } else {
    result.unchanged.push(definition.name);
  }
}

/** update: installs the built-in default models, or re-applies them when their version is newer (or forced). */
export async function updateDefaultModels(
  context: AppContext,
  principal: Principal | null,
  options: { force?: boolean; enable?: boolean; hostOrgId?: number } = {},
): Promise<DefaultsUpdate> {
  if (principal) requireSiteAdmin(principal);
  const result: DefaultsUpdate = { created: [], updated: [], unchanged: [] };
  const hostOrgId = options.hostOrgId ?? context.hostOrgId();
  await context.store.transaction(async (tx) => {
    for (const definition of DEFAULT_MODELS) {
      await applyDefault(tx, definition, hostOrgId, { force: options.force ?? false, enable: options.enable ?? false }, result, context.formulas);
    }
  });
  return result;
}

/** Enables every default model (demo mode), rebuilding their decay index rows. */
export async function enableDefaultModels(context: AppContext): Promise<void> {
  await context.store.transaction(async (tx) => {
    for (const model of await tx.models.list()) if (model.default && !model.enabled) await tx.models.update(model.id, { enabled: true });
  });
}
