/**
 * Reading model parameters for scoring. Scoring sits on hot paths (millions of scores per
 * second), so numbers are taken as they are and only strings go through parsing.
 */
import { invalidModel } from "../errors.js";
import { toNumber } from "../numeric.js";
import type { ModelInput, ModelParameters } from "../types.js";

/** A parameter that must be a finite number; `check` adds a range rule. */
export function numericParameter(
  parameters: ModelParameters,
  key: string,
  check?: { rule: (value: number) => boolean; reason: string },
): number {
  const raw = parameters[key];
  const value = typeof raw === "number" ? raw : toNumber(raw);
  if (value === undefined) {
    throw invalidModel(`parameters.${key}`, raw === undefined || raw === null ? "is required" : "must be a number");
  }
  if (!Number.isFinite(value)) throw invalidModel(`parameters.${key}`, "must be a finite number");
  if (check && !check.rule(value)) throw invalidModel(`parameters.${key}`, check.reason);
  return value;
}

export const positive = { rule: (v: number) => v > 0, reason: "must be greater than 0" };
export const nonNegative = { rule: (v: number) => v >= 0, reason: "must not be negative" };

/** The threshold θ: decayed ⇔ θ > score. Any finite number is allowed. */
export function thresholdOf(model: ModelInput): number {
  const raw = model.parameters.threshold;
  return typeof raw === "number" && Number.isFinite(raw) ? raw : numericParameter(model.parameters, "threshold");
}

/** `settings` as an object: a JSON string is parsed; anything else counts as no settings. */
export function settingsOf(parameters: ModelParameters): Record<string, unknown> {
  let settings: unknown = parameters.settings;
  if (typeof settings === "string") {
    try {
      settings = JSON.parse(settings);
    } catch {
      return {};
    }
  }
  return settings !== null && typeof settings === "object" && !Array.isArray(settings)
    ? (settings as Record<string, unknown>)
    : {};
}
