/**
 * Decay scores on attributes, MISP's way: implicit models (enabled, visible, mapped to the type)
 * or exactly the models asked for; overrides of threshold, lifetime and decay speed; `decay_score`
 * entries `{score, base_score, decayed, DecayingModel}`, absent when no model applies.
 *
 * Scores are computed per page from what the page already loaded (tags, event tags) plus one
 * query for the visible true-positive sightings (or all sightings, for formulas that need them).
 */
import { HalflifeError, invalidInput } from "../core/errors.js";
import type { AttributeView, DecayScoreItem, DecayingModelRecord, Principal, SightingRecord, TagLinkRecord } from "../core/domain.js";
import type { Formula } from "../core/formulas/formula.js";
import { scoreWithModel } from "../core/score.js";
import type { AttributeInput, ModelInput } from "../core/types.js";
import type { Viewer } from "../store/store.js";
import type { AppContext } from "./context.js";
import { modelFields } from "../misp/present-models.js";
import { canSeeModel, viewsOfModels, type ModelView } from "./decaying-models.js";

export interface DecayRequest {
  /** includeDecayScore (excludeDecayed implies it). */
  include: boolean;
  /** excludeDecayed: drop attributes that every applicable model says are decayed. */
  exclude: boolean;
  /** decayingModel: exactly these models, whatever their type mapping or enabled flag. */
  explicitIds?: number[];
  overrides: { threshold?: number; lifetime?: number; decay_speed?: number };
  fullModel: boolean;
}

const OVERRIDES = ["threshold", "lifetime", "decay_speed"] as const;
const truthy = (v: unknown) => v === true || v === 1 || v === "1" || v === "true";

function number(value: unknown, field: string): number {
  const n = typeof value === "number" ? value : typeof value === "string" && value.trim() !== "" ? Number(value) : NaN;
  if (!Number.isFinite(n)) throw invalidInput(field, "must be a number");
  return n;
}

/** Reads the decay parameters of a restSearch request; null when it asks for no scores. */
export function parseDecayRequest(params: Record<string, unknown>): DecayRequest | null {
  const exclude = truthy(params.excludeDecayed);
  const include = exclude || truthy(params.includeDecayScore);
  if (!include) return null;
  const request: DecayRequest = { include, exclude, overrides: {}, fullModel: truthy(params.includeFullModel) };

  const models = params.decayingModel;
  if (models !== undefined && models !== null && models !== "" && models !== 0 && models !== "0") {
    const list = Array.isArray(models) ? models : typeof models === "string" ? models.split(",") : [models];
    request.explicitIds = list.map((id, i) => {
      const text = String(id).trim();
      if (!/^\d+$/.test(text)) throw invalidInput(`decayingModel[${i}]`, "must be a model id");
      return Number(text);
    });
    if (request.explicitIds.length === 0) delete request.explicitIds;
  }

  let overrides = params.modelOverrides;
  if (typeof overrides === "string" && overrides.trim() !== "") {
    try {
      overrides = JSON.parse(overrides);
    } catch {
      throw invalidInput("modelOverrides", "is not valid JSON");
    }
  }
  if (overrides !== undefined && overrides !== null && overrides !== "" && !(Array.isArray(overrides) && overrides.length === 0)) {
    if (typeof overrides !== "object" || Array.isArray(overrides)) throw invalidInput("modelOverrides", "must be an object");
    for (const [key, value] of Object.entries(overrides)) {
      if (!(OVERRIDES as readonly string[]).includes(key)) throw invalidInput(`modelOverrides.${key}`, `cannot be overridden; only ${OVERRIDES.join(", ")} can`);
      request.overrides[key as (typeof OVERRIDES)[number]] = number(value, `modelOverrides.${key}`);
    }
  }
  if (params.score !== undefined && params.score !== null && params.score !== "") request.overrides.threshold = number(params.score, "score");
  for (const key of ["lifetime", "decay_speed"] as const) {
    if (request.overrides[key] !== undefined && request.overrides[key]! <= 0) throw invalidInput(`modelOverrides.${key}`, "must be greater than 0");
  }
  return request;
}

export interface ScoringModel {
  view: ModelView;
  input: ModelInput;
  formula: Formula;
  types: ReadonlySet<string>;
  /** What `DecayingModel` says in each entry. */
  stub: Record<string, unknown>;
}

export interface ScoringPlan {
  request: DecayRequest;
  models: ScoringModel[];
  explicit: boolean;
}

function presentModelStub(view: ModelView, parameters: ModelInput["parameters"], full: boolean): Record<string, unknown> {
  if (!full) return { id: String(view.model.id), name: view.model.name };
  // The whole model, with the parameters it was scored with (any overrides applied).
  return { ...modelFields(view, { types: "column" }), parameters };
}

/** The models a request scores with, overrides applied. Unknown or invisible explicit ids are a 404. */
export async function planScoring(context: AppContext, principal: Principal, request: DecayRequest): Promise<ScoringPlan> {
  const all = await context.store.models.list();
  let chosen: DecayingModelRecord[];
  if (request.explicitIds) {
    chosen = [];
    for (const id of [...new Set(request.explicitIds)]) {
      const model = all.find((m) => m.id === id);
      if (!model || !canSeeModel(principal, model)) throw new HalflifeError("NOT_FOUND", `No Decaying Model with the provided ID exists: ${id}`, { field: "decayingModel" });
      chosen.push(model);
    }
  } else {
    chosen = all.filter((m) => m.enabled && canSeeModel(principal, m));
  }
  const views = await viewsOfModels(context.store, principal, chosen);
  const models = views.map((view) => {
    const parameters = { ...view.model.parameters, ...request.overrides };
    return {
      view,
      input: { formula: view.model.formula, parameters },
      formula: context.formulas.resolve(view.model.formula),
      types: new Set(view.types),
      stub: presentModelStub(view, parameters, request.fullModel),
    };
  });
  return { request, models, explicit: request.explicitIds !== undefined };
}

/** The models that score one attribute type under a plan. */
export function modelsFor(plan: ScoringPlan, type: string): ScoringModel[] {
  return plan.explicit ? plan.models : plan.models.filter((m) => m.types.has(type));
}

const toTagLinks = (links: readonly TagLinkRecord[]) => links.map((l) => ({ Tag: { name: l.tag.name, numerical_value: l.tag.numerical_value } }));

/**
 * Sets `decayScore` on every view the plan has a model for. `eventTags` gives an attribute's event
 * tags when the views do not carry them.
 */
export async function scoreViews(
  context: AppContext,
  viewer: Viewer,
  plan: ScoringPlan,
  views: readonly AttributeView[],
  options: { now: number; eventTags?: (view: AttributeView) => readonly TagLinkRecord[]; fromIndex?: boolean },
): Promise<void> {
  const eventTags = options.eventTags ?? ((view: AttributeView) => view.eventTags ?? []);
  const scored = views.filter((v) => modelsFor(plan, v.attribute.type).length > 0);
  if (scored.length === 0) return;
  const ids = scored.map((v) => v.attribute.id);
  const now = options.now;

  // From the index: its stored base score and reference time, one query for the page. Formulas
  // that need the sightings themselves, and attributes without a row, are computed below.
  const stored = new Map<string, { base_score: number; ref_time: number }>();
  const indexable = options.fromIndex ? plan.models.filter((m) => !m.formula.requiresSightings) : [];
  if (indexable.length > 0) {
    for (const row of await context.store.decayIndex.rows(ids, indexable.map((m) => m.view.model.id))) stored.set(`${row.attribute_id}/${row.model_id}`, row);
  }
  const missing = scored.filter((v) => modelsFor(plan, v.attribute.type).some((m) => !stored.has(`${v.attribute.id}/${m.view.model.id}`)));
  const missingIds = missing.map((v) => v.attribute.id);
  const needsAll = plan.models.some((m) => m.formula.requiresSightings);
  const [lastTp, sightings] = await Promise.all([
    missingIds.length ? context.store.sightings.lastTruePositives(missingIds, viewer) : Promise.resolve(new Map<number, number>()),
    needsAll && missingIds.length ? context.store.sightings.forAttributes(missingIds, viewer) : Promise.resolve(new Map<number, SightingRecord[]>()),
  ]);

  for (const view of scored) {
    const a = view.attribute;
    const input: AttributeInput = {
      timestamp: a.timestamp,
      last_seen: a.last_seen === null ? null : Math.floor(a.last_seen / 1_000_000),
      EventTag: toTagLinks(eventTags(view)),
      AttributeTag: toTagLinks(view.tags),
      Sighting: (sightings.get(a.id) ?? []).map((s) => ({ type: s.type, date_sighting: s.date_sighting })),
    };
    const entries: DecayScoreItem[] = [];
    for (const model of modelsFor(plan, a.type)) {
      const row = stored.get(`${a.id}/${model.view.model.id}`);
      // Contained per model: a formula that fails gives this model an error entry, and the rest stands.
      const from = row ? { baseScore: row.base_score, referenceTime: row.ref_time } : { lastSighting: lastTp.get(a.id) ?? null };
      entries.push({ ...scoreWithModel(model.input, model.formula, input, { now, ...from }), DecayingModel: model.stub });
    }
    view.decayScore = entries;
  }
}

/** MISP's exclusion rule: drop an attribute only when it has scores and every one says decayed. */
export function isExcluded(view: AttributeView): boolean {
  return view.decayScore !== undefined && view.decayScore.length > 0 && view.decayScore.every((s) => s.decayed);
}

/**
 * Can the decay index answer this request's excludeDecayed? It holds every sighting's view, so the
 * viewer must see every sighting; and when the viewer's models are exactly the enabled indexed
 * ones, the per-attribute summary answers in one probe.
 */
export async function indexAnswers(context: AppContext, viewer: Viewer, plan: ScoringPlan): Promise<{ allEnabled: boolean } | null> {
  if (plan.explicit || Object.keys(plan.request.overrides).length > 0) return null;
  if (!viewer.siteAdmin && viewer.sightingsPolicy !== 2) return null;
  const indexed = await context.store.decayIndex.indexedModelIds();
  if (!plan.models.every((m) => indexed.includes(m.view.model.id))) return null;
  return { allEnabled: plan.models.length === indexed.length };
}
