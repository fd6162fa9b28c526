/**
 * Base-score weights. The configurator shows each weight on a 0–100 slider; a model stores them as
 * normalised ratios, rounded to 4 decimals as MISP stores every parameter. Examples are computed
 * from exactly what will be stored, so that they agree with the server to the last digit.
 */
import { computeBaseScore, type BaseScoreResult } from "../../../src/core/base-score.js";
import { roundTo4 } from "../../../src/core/numeric.js";

/** Ratios w / Σw for the weights above 0, rounded to 4 decimals. */
export function normaliseWeights(weights: Record<string, number>): Record<string, number> {
  const positive = Object.entries(weights).filter(([, w]) => Number.isFinite(w) && w > 0);
  const total = positive.reduce((sum, [, w]) => sum + w, 0);
  return Object.fromEntries(positive.map(([key, w]) => [key, roundTo4(w / total)]));
}

/** Slider weights (0–100) from a model's stored ratios. */
export function weightsFromConfig(config: Record<string, number>): Record<string, number> {
  return Object.fromEntries(Object.entries(config).map(([key, ratio]) => [key, Math.round(ratio * 100 * 100) / 100]));
}

/** Each weight's share of the total, for the weights above 0. */
export function shares(weights: Record<string, number>): Record<string, number> {
  const total = Object.values(weights).reduce((sum, w) => sum + (w > 0 ? w : 0), 0);
  return Object.fromEntries(Object.entries(weights).map(([key, w]) => [key, total > 0 && w > 0 ? w / total : 0]));
}

export interface ExampleTag {
  name: string;
  numerical_value: number;
}

/** The base score of a set of tags, as the server computes it, with its steps. */
export function exampleBaseScore(weights: Record<string, number>, defaultBaseScore: number, tags: readonly ExampleTag[]): BaseScoreResult {
  const model = { formula: "Polynomial", parameters: { base_score_config: normaliseWeights(weights), default_base_score: defaultBaseScore } };
  return computeBaseScore(model, { AttributeTag: tags.map((tag) => ({ Tag: { name: tag.name, numerical_value: tag.numerical_value } })) });
}
