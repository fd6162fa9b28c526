/**
 * The Sightings formula: the share of true positives among all the sightings the viewer may see,
 * times the base score. Time plays no part. Expiration sightings count like false positives.
 *
 *   score = B · (TP + tp_offset) / (N + tp_offset + fp_offset),   or B while N < minimum_sightings
 */
import { invalidModel } from "../errors.js";
import { floatval, isNumeric, toNumber } from "../numeric.js";
import { unwrapSighting, type AttributeInput, type ModelInput, type ModelParameters } from "../types.js";
import type { Formula } from "./formula.js";
import { settingsOf, thresholdOf } from "./parameters.js";

interface SightingsSettings {
  minimumSightings: number;
  truePositiveOffset: number;
  falsePositiveOffset: number;
}

const SETTING_DEFAULTS: Record<string, number> = {
  minimum_sightings: 1,
  true_positive_offset: 0,
  false_positive_offset: 0,
};

function settingValue(settings: Record<string, unknown>, key: string): number {
  const raw = settings[key];
  return raw === undefined || raw === null ? SETTING_DEFAULTS[key]! : floatval(raw);
}

function sightingsSettings(parameters: ModelParameters): SightingsSettings {
  const settings = settingsOf(parameters);
  return {
    minimumSightings: settingValue(settings, "minimum_sightings"),
    truePositiveOffset: settingValue(settings, "true_positive_offset"),
    falsePositiveOffset: settingValue(settings, "false_positive_offset"),
  };
}

/**
 * MISP counts a sighting as a true positive when its type is loosely equal (PHP `==`) to "0":
 * 0, 0.0, "0", " 0", "0.0" and false all count.
 */
export function isTruePositiveType(type: unknown): boolean {
  if (typeof type === "boolean") return type === false;
  if (typeof type === "number") return type === 0;
  if (typeof type === "string") return isNumeric(type) && toNumber(type) === 0;
  return false;
}

export const sightingsFormula: Formula = {
  name: "Sightings",
  description: "The share of true positives among the reported sightings, times the base score; time plays no part.",
  family: "Sightings",
  requiresSightings: true,

  validate(parameters) {
    const settings = settingsOf(parameters);
    for (const key of Object.keys(SETTING_DEFAULTS)) {
      const raw = settings[key];
      if (raw === undefined || raw === null) continue;
      const value = toNumber(raw);
      if (value === undefined || !Number.isFinite(value)) throw invalidModel(`parameters.settings.${key}`, "must be a number");
      if (value < 0) throw invalidModel(`parameters.settings.${key}`, "must not be negative");
    }
    const { minimumSightings, truePositiveOffset, falsePositiveOffset } = sightingsSettings(parameters);
    if (minimumSightings <= 0 && truePositiveOffset + falsePositiveOffset <= 0) {
      throw invalidModel(
        "parameters.settings.minimum_sightings",
        "must be at least 1 when both offsets are 0 (an attribute without sightings could not be scored)",
      );
    }
  },

  computeScore(model, attribute, baseScore) {
    const { minimumSightings, truePositiveOffset, falsePositiveOffset } = sightingsSettings(model.parameters);
    const sightings = attribute.Sighting ?? [];
    let truePositives = 0;
    for (const entry of sightings) if (isTruePositiveType(unwrapSighting(entry).type)) truePositives++;
    // The minimum is checked before the offsets are added, so offsets never count as sightings.
    if (sightings.length < minimumSightings) return baseScore;
    const total = sightings.length + truePositiveOffset + falsePositiveOffset;
    if (total === 0) {
      throw invalidModel("parameters.settings.minimum_sightings", "lets an attribute without sightings divide by zero");
    }
    return ((truePositives + truePositiveOffset) / total) * baseScore;
  },

  isDecayed(model: ModelInput, _attribute: AttributeInput, score: number) {
    return thresholdOf(model) > score;
  },

  // The score does not change with time: decayed from the start, or never.
  decaysAt(model, attribute, baseScore, { referenceTime }) {
    const score = this.computeScore(model, attribute, baseScore, 0, { now: referenceTime });
    return this.isDecayed(model, attribute, score) ? referenceTime : Infinity;
  },
};
