/**
 * Decaying models: what a model must contain, and the reasons one is refused. MISP accepts models
 * that later crash its scoring (a lifetime of 0, weights that sum to 0); Halflife refuses them when
 * they are saved, with an error naming the field.
 */
import { checkJsonValue } from "./bounded-json.js";
import { HalflifeError, invalidModel } from "./errors.js";
import type { FormulaRegistry } from "./formulas/registry.js";
import { floatval, roundTo4, toNumber } from "./numeric.js";
import type { ModelParameters } from "./types.js";

/** Parameters as stored after validation: numbers are numbers, weights and settings are objects. */
export interface ValidParameters extends ModelParameters {
  threshold: number;
  default_base_score: number;
  base_score_config: Record<string, number>;
  settings: Record<string, unknown>;
  lifetime?: number;
  decay_speed?: number;
}

/** The scoring-relevant part of a model, validated. */
export interface ValidModel {
  name: string;
  description: string;
  formula: string;
  parameters: ValidParameters;
  attribute_types: string[];
  ref: string[] | null;
}

const isEmpty = (v: unknown) => v === 0 || v === "" || v === null || v === false || v === "0" || v === undefined;

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === "object" && !Array.isArray(value);
}

/**
 * MISP's save-time normalisation of one value: numbers rounded to 4 decimals, empties to 0.
 * Keys whose value is null are dropped instead: MISP's controller refuses a null lifetime,
 * decay speed or threshold before it normalises, and a null weight never counts.
 */
function normaliseValue(value: unknown): unknown {
  if (isPlainObject(value)) {
    return Object.fromEntries(
      Object.entries(value)
        .filter(([, v]) => v !== null && v !== undefined)
        .map(([k, v]) => [k, normaliseValue(v)]),
    );
  }
  if (Array.isArray(value)) return value.map(normaliseValue);
  if (isEmpty(value)) return 0;
  const number = toNumber(value);
  return number === undefined ? value : roundTo4(number);
}

/** Parses a field that may arrive as a JSON string (MISP's forms send some that way). */
function decodeJsonField(value: unknown, field: string): unknown {
  if (typeof value !== "string") return value;
  if (value.trim() === "") return {};
  let decoded: unknown;
  try {
    decoded = JSON.parse(value);
  } catch {
    throw invalidModel(field, "is not valid JSON");
  }
  // Parameters are walked recursively below and stored as JSON: hold them to the usual bounds.
  checkJsonValue(decoded, field);
  return decoded;
}

/**
 * Parameters as MISP normalises them on save: JSON strings decoded, `[]` read as `{}`, every
 * number rounded to 4 decimals, and empty values (0, "", null, false, "0") turned into 0.
 *
 * @example normaliseParameters({ lifetime: "3", decay_speed: 2.33333, threshold: "" })
 * // → { lifetime: 3, decay_speed: 2.3333, threshold: 0 }
 */
export function normaliseParameters(raw: unknown): ModelParameters {
  const decoded = decodeJsonField(raw, "parameters");
  if (!isPlainObject(decoded)) throw invalidModel("parameters", "must be an object");
  const parameters = { ...decoded };
  for (const key of ["base_score_config", "settings"]) {
    if (!(key in parameters)) continue;
    const value = decodeJsonField(parameters[key], `parameters.${key}`);
    parameters[key] = Array.isArray(value) && value.length === 0 ? {} : value;
  }
  return normaliseValue(parameters) as ModelParameters;
}

function requiredNumber(parameters: ModelParameters, key: string): number {
  const raw = parameters[key];
  if (raw === undefined || raw === null) throw invalidModel(`parameters.${key}`, "is required");
  const value = toNumber(raw);
  if (value === undefined || !Number.isFinite(value)) throw invalidModel(`parameters.${key}`, "must be a finite number");
  return value;
}

/**
 * Validates parameters for a formula and returns them in canonical form. Refuses: a threshold that
 * is not a finite number; a negative default base score; weights that are not numbers, are
 * negative, or sum to 0; and whatever the formula refuses (Polynomial: lifetime or decay speed ≤ 0).
 * Zero weights are dropped: they can never add to a score, only divide by zero when alone.
 *
 * @throws HalflifeError INVALID_MODEL naming the field, e.g. "parameters.lifetime must be greater than 0".
 */
export function validateParameters(formulaName: string, raw: unknown, registry: FormulaRegistry): ValidParameters {
  const formula = registry.get(formulaName);
  const parameters = normaliseParameters(raw);

  const threshold = requiredNumber(parameters, "threshold");
  const defaultBaseScore = parameters.default_base_score === undefined ? 0 : requiredNumber(parameters, "default_base_score");
  if (defaultBaseScore < 0) throw invalidModel("parameters.default_base_score", "must not be negative");

  const config = parameters.base_score_config ?? {};
  if (!isPlainObject(config)) throw invalidModel("parameters.base_score_config", "must be an object of weights");
  const weights: Record<string, number> = {};
  let sum = 0;
  for (const [key, raw] of Object.entries(config)) {
    const weight = toNumber(raw);
    const field = `parameters.base_score_config.${key}`;
    if (key === "") throw invalidModel("parameters.base_score_config", "has an empty key");
    if (weight === undefined || !Number.isFinite(weight)) throw invalidModel(field, "must be a number");
    if (weight < 0) throw invalidModel(field, "must not be negative");
    sum += weight;
    if (weight > 0) weights[key] = weight;
  }
  if (Object.keys(config).length > 0 && sum === 0) throw invalidModel("parameters.base_score_config", "weights sum to 0");

  const settings = parameters.settings ?? {};
  if (!isPlainObject(settings)) throw invalidModel("parameters.settings", "must be an object");

  const { lifetime: _lifetime, decay_speed: _decaySpeed, ...rest } = parameters;
  const valid: ValidParameters = {
    ...rest,
    threshold,
    default_base_score: defaultBaseScore,
    base_score_config: weights,
    settings,
  };
  for (const key of ["lifetime", "decay_speed"] as const) {
    if (parameters[key] !== undefined) valid[key] = floatval(parameters[key]);
  }
  try {
    formula.validate(valid);
  } catch (error) {
    // A plug-in that throws something untyped still only refuses this model.
    if (error instanceof HalflifeError) throw error;
    throw invalidModel("parameters", `are refused by formula ${formula.name}: ${error instanceof Error ? error.message.slice(0, 200) : String(error).slice(0, 200)}`);
  }
  // The polynomial family needs numbers here; others may omit them.
  if (formula.family === "Polynomial") {
    valid.lifetime = requiredNumber(valid, "lifetime");
    valid.decay_speed = requiredNumber(valid, "decay_speed");
  }
  return valid;
}

function stringList(value: unknown, field: string): string[] {
  const decoded = decodeJsonField(value, field);
  if (decoded === undefined || decoded === null) return [];
  if (!Array.isArray(decoded)) throw invalidModel(field, "must be a list of strings");
  return decoded.map((item, i) => {
    if (typeof item !== "string" || item.trim() === "") throw invalidModel(`${field}[${i}]`, "must be a non-empty string");
    if (item.length > 255) throw invalidModel(`${field}[${i}]`, "is longer than 255 characters");
    return item;
  });
}

/**
 * Validates a whole model as given to add or import: name, description, formula, parameters,
 * attribute types and references.
 *
 * @example validateModel({ name: "Fast", parameters: { lifetime: 3, decay_speed: 1, threshold: 20 } }, formulas)
 *   .formula === "Polynomial"
 */
export function validateModel(draft: Record<string, unknown>, registry: FormulaRegistry): ValidModel {
  const name = draft.name;
  if (typeof name !== "string" || name.trim() === "") throw invalidModel("name", "is required");
  if (name.length > 255) throw invalidModel("name", "is longer than 255 characters");
  const description = draft.description ?? "";
  if (typeof description !== "string") throw invalidModel("description", "must be a string");
  if (draft.formula !== undefined && draft.formula !== null && typeof draft.formula !== "string") {
    throw invalidModel("formula", "must be a string");
  }
  const formula = registry.get(draft.formula as string | undefined).name;
  if (draft.parameters === undefined || draft.parameters === null) throw invalidModel("parameters", "is required");
  const parameters = validateParameters(formula, draft.parameters, registry);
  const ref = draft.ref === undefined || draft.ref === null ? null : stringList(draft.ref, "ref");
  return { name, description, formula, parameters, attribute_types: stringList(draft.attribute_types, "attribute_types"), ref };
}
