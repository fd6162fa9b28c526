/**
 * Halflife's public API: the scoring core, with MISP's semantics, for other tools to use.
 *
 *   import { computeBaseScore, formulas } from "halflife";
 *   const { baseScore } = computeBaseScore(model, attribute);
 *   const polynomial = formulas.get("Polynomial");
 *   const score = polynomial.computeScore(model, attribute, baseScore, elapsedSeconds, { now });
 *   polynomial.isDecayed(model, attribute, score);
 */
export { computeBaseScore, prioritiseTags, effectiveRatios, defaultBaseScore } from "./core/base-score.js";
export type { BaseScoreResult, OverriddenTag, PrioritisedTags } from "./core/base-score.js";
export { formulas, FormulaRegistry, assertFormula } from "./core/formulas/registry.js";
export type { Formula, ScoreContext, DecaysAtContext } from "./core/formulas/formula.js";
export { polynomialScore } from "./core/formulas/polynomial.js";
export { computeReferenceTime, lastTruePositive, parseTimestamp } from "./core/reference-time.js";
export { scoreAttribute, scoreEvent, freshWindow } from "./core/score.js";
export type { AttributeScore, DetailedScore, ScoreOptions } from "./core/score.js";
export { scoreOverTime } from "./core/simulation.js";
export type { Simulation, SimulationPoint } from "./core/simulation.js";
export { validateModel, validateParameters, normaliseParameters } from "./core/models.js";
export type { ValidModel, ValidParameters } from "./core/models.js";
export { parseTagName, tagBaseKey } from "./core/tags.js";
export type { ParsedTagName } from "./core/tags.js";
export { parseMachinetag, taxonomyTags } from "./core/taxonomy.js";
export type { Taxonomy, TaxonomyTag } from "./core/taxonomy.js";
export { BUILTIN_TAXONOMIES } from "./core/data/taxonomies.js";
export { DEFAULT_MODELS } from "./core/data/default-models.js";
export { HalflifeError, isHalflifeError } from "./core/errors.js";
export type { ErrorCode } from "./core/errors.js";
export { isNumeric } from "./core/numeric.js";
export type { AttributeInput, ModelInput, ModelParameters, TagLink, TagInput, SightingEntry } from "./core/types.js";
