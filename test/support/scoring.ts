// Small builders for scoring fixtures: tags, attributes and models in MISP's shape.
import type { AttributeInput, ModelInput, TagLink } from "../../src/core/types.js";
import { DEFAULT_MODELS } from "../../src/core/data/default-models.js";

export const DAY = 86_400;
export const HOUR = 3_600;
/** A fixed "now" for tests: 2026-01-01T00:00:00Z. */
export const NOW = 1_767_225_600;

export function tag(name: string, numerical_value: number | string | null = null): TagLink {
  return { Tag: { name, numerical_value } };
}

export function attribute(overrides: Partial<AttributeInput> = {}): AttributeInput {
  return { timestamp: NOW, last_seen: null, EventTag: [], AttributeTag: [], Sighting: [], ...overrides };
}

export function polynomialModel(parameters: Record<string, unknown> = {}, formula = "Polynomial"): ModelInput {
  return { formula, parameters: { lifetime: 30, decay_speed: 1, threshold: 30, default_base_score: 80, base_score_config: {}, ...parameters } };
}

export function defaultModel(name: "NIDS Simple Decaying Model" | "Phishing model" | "Vishing model"): ModelInput {
  const model = DEFAULT_MODELS.find((m) => m.name === name)!;
  return { formula: model.formula, parameters: structuredClone(model.parameters) };
}
