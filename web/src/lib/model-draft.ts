/**
 * The model tool's working copy of a model: what the user edits, read from a saved model and
 * turned back into the body that add and edit take. Weights are kept as slider values (0–100) and
 * stored as normalised ratios.
 */
import type { DecayingModel, ModelDraft } from "../api/models.js";
import { normaliseWeights, weightsFromConfig } from "./weights.js";

export interface Draft {
  name: string;
  description: string;
  formula: string;
  lifetime: number;
  decaySpeed: number;
  threshold: number;
  defaultBaseScore: number;
  /** Slider weights, 0–100; stored as normalised ratios. */
  weights: Record<string, number>;
  settings: Record<string, unknown>;
  types: string[];
  allOrgs: boolean;
  enabled: boolean;
}

// MISP's tool starts here: a month, a fast early decay, a threshold of 30.
export const NEW_MODEL: Draft = {
  name: "",
  description: "",
  formula: "Polynomial",
  lifetime: 30,
  decaySpeed: 0.3,
  threshold: 30,
  defaultBaseScore: 80,
  weights: {},
  settings: {},
  types: [],
  allOrgs: false,
  enabled: false,
};

export function draftOf(model: DecayingModel): Draft {
  const p = model.parameters;
  return {
    name: model.name,
    description: model.description,
    formula: model.formula,
    lifetime: p.lifetime ?? NEW_MODEL.lifetime,
    decaySpeed: p.decay_speed ?? NEW_MODEL.decaySpeed,
    threshold: p.threshold,
    defaultBaseScore: p.default_base_score,
    weights: weightsFromConfig(p.base_score_config),
    settings: p.settings ?? {},
    types: model.attribute_types,
    allOrgs: model.all_orgs,
    enabled: model.enabled,
  };
}

export function toModelDraft(draft: Draft, family: string): ModelDraft {
  const parameters: ModelDraft["parameters"] = {
    lifetime: draft.lifetime,
    decay_speed: draft.decaySpeed,
    threshold: draft.threshold,
    default_base_score: draft.defaultBaseScore,
    base_score_config: normaliseWeights(draft.weights),
  };
  // Sightings' settings are saved whole, as the form shows them, not only the ones touched.
  if (family === "Sightings") parameters.settings = { minimum_sightings: 1, true_positive_offset: 0, false_positive_offset: 0, ...draft.settings };
  else if (family !== "Polynomial") parameters.settings = draft.settings;
  return {
    name: draft.name.trim(),
    description: draft.description,
    formula: draft.formula,
    parameters,
    attribute_types: draft.types,
    all_orgs: draft.allOrgs,
    enabled: draft.enabled,
  };
}
