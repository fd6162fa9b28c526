/**
 * Decaying models over MISP's routes (`/decayingModel/*`, `/decayingModelMapping/*`), and the
 * formula list. MISP writes ids as strings or numbers and wraps models as `{DecayingModel: {...}}`
 * in some answers and not in others; these functions hand the pages one plain shape.
 */
import { ApiError, get, post, request } from "./client.js";

export interface ModelParameters {
  lifetime?: number;
  decay_speed?: number;
  threshold: number;
  default_base_score: number;
  base_score_config: Record<string, number>;
  settings?: Record<string, unknown>;
  [key: string]: unknown;
}

export interface DecayingModel {
  id: string;
  uuid: string | null;
  name: string;
  description: string;
  formula: string;
  parameters: ModelParameters;
  attribute_types: string[];
  org_id: string;
  enabled: boolean;
  all_orgs: boolean;
  ref: string[] | null;
  version: string;
  default: boolean;
  isEditable: boolean;
}

/** What the model tool saves: the fields a user can set. */
export interface ModelDraft {
  name: string;
  description: string;
  formula: string;
  parameters: ModelParameters;
  attribute_types: string[];
  all_orgs: boolean;
  enabled: boolean;
}

export interface FormulaInfo {
  name: string;
  description: string;
  /** "Polynomial" for the polynomial family, whose curve the tool can draw. */
  family: string;
}

export type ModelFilter = "all" | "mine" | "shared" | "default";

const flag = (value: unknown) => value === true || value === 1 || value === "1";
const num = (value: unknown, fallback = 0) => {
  const n = typeof value === "number" ? value : typeof value === "string" && value.trim() !== "" ? Number(value) : NaN;
  return Number.isFinite(n) ? n : fallback;
};

function weights(raw: unknown): Record<string, number> {
  if (raw === null || typeof raw !== "object" || Array.isArray(raw)) return {};
  return Object.fromEntries(Object.entries(raw as Record<string, unknown>).map(([key, value]) => [key, num(value)]));
}

function parameters(raw: unknown): ModelParameters {
  const p = raw !== null && typeof raw === "object" && !Array.isArray(raw) ? (raw as Record<string, unknown>) : {};
  const out: ModelParameters = {
    ...p,
    threshold: num(p.threshold),
    default_base_score: num(p.default_base_score),
    base_score_config: weights(p.base_score_config),
  };
  if (p.lifetime !== undefined) out.lifetime = num(p.lifetime);
  if (p.decay_speed !== undefined) out.decay_speed = num(p.decay_speed);
  if (p.settings !== null && typeof p.settings === "object" && !Array.isArray(p.settings)) out.settings = p.settings as Record<string, unknown>;
  else delete out.settings;
  return out;
}

/** One model from any of MISP's answer shapes. */
export function toModel(raw: unknown): DecayingModel {
  let record = raw as Record<string, unknown>;
  if (record && typeof record === "object" && "data" in record && record.data && typeof record.data === "object") record = record.data as Record<string, unknown>;
  if (record && typeof record === "object" && record.DecayingModel && typeof record.DecayingModel === "object") {
    const mappings = Array.isArray(record.DecayingModelMapping) ? (record.DecayingModelMapping as Array<Record<string, unknown>>) : [];
    const inner = record.DecayingModel as Record<string, unknown>;
    const types = Array.isArray(inner.attribute_types) && inner.attribute_types.length ? inner.attribute_types : mappings.map((m) => m.attribute_type);
    record = { ...inner, attribute_types: types };
  }
  const types = Array.isArray(record.attribute_types) ? record.attribute_types : record.attribute_types && typeof record.attribute_types === "object" ? Object.values(record.attribute_types) : [];
  return {
    id: String(record.id ?? ""),
    uuid: typeof record.uuid === "string" && record.uuid !== "" ? record.uuid : null,
    name: String(record.name ?? ""),
    description: typeof record.description === "string" ? record.description : "",
    formula: typeof record.formula === "string" && record.formula !== "" ? record.formula : "Polynomial",
    parameters: parameters(record.parameters),
    attribute_types: [...new Set(types.map(String))],
    org_id: String(record.org_id ?? ""),
    enabled: flag(record.enabled),
    all_orgs: flag(record.all_orgs),
    ref: Array.isArray(record.ref) ? record.ref.map(String) : null,
    version: String(record.version ?? ""),
    default: flag(record.default),
    isEditable: flag(record.isEditable),
  };
}

const FILTER_PARAMETER: Record<ModelFilter, string> = { all: "", mine: "/my_models:1", shared: "/all_orgs:1", default: "/default_models:1" };

export async function listModels(filter: ModelFilter): Promise<DecayingModel[]> {
  const answer = await get<unknown[]>(`/decayingModel/index${FILTER_PARAMETER[filter]}`);
  return (Array.isArray(answer) ? answer : []).map(toModel);
}

export async function allModels(): Promise<DecayingModel[]> {
  const answer = await get<unknown[]>("/decayingModel/getAllDecayingModels");
  return (Array.isArray(answer) ? answer : []).map(toModel);
}

export const viewModel = async (id: string) => toModel(await get(`/decayingModel/view/${encodeURIComponent(id)}`));

/** Saves a new model with its attribute types (Halflife keeps the types add is given; MISP would not). */
export const addModel = async (draft: ModelDraft): Promise<DecayingModel> => toModel(await post("/decayingModel/add", { DecayingModel: draft }));

/** Saves over a model the user may edit: every field the tool edits, its types included. */
export const editModel = async (id: string, draft: ModelDraft): Promise<DecayingModel> =>
  toModel(await post(`/decayingModel/edit/${encodeURIComponent(id)}`, { DecayingModel: draft }));

/** Default models: only these two flags can change (MISP's rule). */
export async function editFlags(id: string, flags: { enabled?: boolean; all_orgs?: boolean }): Promise<void> {
  await post(`/decayingModel/edit/${encodeURIComponent(id)}`, { DecayingModel: flags });
}

export const deleteModel = (id: string) => post<unknown>(`/decayingModel/delete/${encodeURIComponent(id)}`);
export const setEnabled = (id: string, enabled: boolean) => post<unknown>(`/decayingModel/${enabled ? "enable" : "disable"}/${encodeURIComponent(id)}`);

/** MISP's export document for a model, to save as a file. */
export const exportModel = (id: string) => get<Record<string, unknown>>(`/decayingModel/export/${encodeURIComponent(id)}`);

/** Imports models from MISP's export JSON (one or a list, pasted or read from a file); answers with the first. */
export async function importModel(json: unknown): Promise<DecayingModel | null> {
  const answer = await request<{ data?: unknown }>("POST", "/decayingModel/import", json);
  const data = answer?.data;
  const first = Array.isArray(data) ? data[0] : data;
  return first ? toModel(first) : null;
}

const BUILTIN_FORMULAS: FormulaInfo[] = [
  { name: "Polynomial", description: "Polynomial decay from the base score to 0 over the lifetime.", family: "Polynomial" },
  { name: "PolynomialExtended", description: "Polynomial decay, with retention tags that end the score early.", family: "Polynomial" },
  { name: "Sightings", description: "A score from the share of true positives among the sightings.", family: "Sightings" },
];

/** The formulas the server knows, plug-ins included. */
export async function listFormulas(): Promise<FormulaInfo[]> {
  let answer: unknown;
  try {
    answer = await get<unknown>("/halflife/formulas");
  } catch (error) {
    // A server without the formula list (a MISP, an older Halflife) has the built-in three.
    if (error instanceof ApiError && error.status === 404) return BUILTIN_FORMULAS;
    throw error;
  }
  const list = Array.isArray(answer) ? answer : answer && typeof answer === "object" && Array.isArray((answer as { formulas?: unknown }).formulas) ? (answer as { formulas: unknown[] }).formulas : null;
  if (!list) return BUILTIN_FORMULAS;
  return list.map((item) => {
    const f = item as Record<string, unknown>;
    return { name: String(f.name), description: String(f.description ?? ""), family: String(f.family ?? f.parent_class ?? f.name) };
  });
}
