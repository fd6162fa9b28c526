import { describe, expect, it } from "vitest";
import { isHalflifeError } from "../../src/core/errors.js";
import { formulas } from "../../src/core/formulas/registry.js";
import { normaliseParameters, validateModel, validateParameters } from "../../src/core/models.js";
import { DEFAULT_MODELS } from "../../src/core/data/default-models.js";
import { hasSharedData, readSharedJson } from "../support/data.js";
import { roundTo4 } from "../../src/core/numeric.js";

function refusal(run: () => unknown): { code: string; field: string | undefined } {
  try {
    run();
  } catch (error) {
    if (isHalflifeError(error)) return { code: error.code, field: error.field };
    throw error;
  }
  throw new Error("expected a refusal");
}

const valid = { lifetime: 30, decay_speed: 1, threshold: 30, default_base_score: 80, base_score_config: { "phishing:state": 1 } };

describe("model validation", () => {
  it("accepts the three default models", () => {
    for (const model of DEFAULT_MODELS) {
      expect(validateModel({ ...model }, formulas).parameters.threshold).toBe(30);
    }
  });

  it.skipIf(!hasSharedData)("accepts MISP's exported default models as they are", () => {
    for (const file of ["nids-simple-model.json", "phishing-model.json", "vishing-model.json"]) {
      const model = validateModel(readSharedJson("misp-decaying-models", file), formulas);
      expect(model.formula).toBe("Polynomial");
      expect(model.attribute_types.length).toBeGreaterThan(0);
    }
  });

  it.each([
    [{ ...valid, lifetime: 0 }, "parameters.lifetime"],
    [{ ...valid, lifetime: -3 }, "parameters.lifetime"],
    [{ ...valid, lifetime: "" }, "parameters.lifetime"],
    [{ ...valid, decay_speed: 0 }, "parameters.decay_speed"],
    [{ ...valid, decay_speed: -1 }, "parameters.decay_speed"],
    [{ ...valid, threshold: "high" }, "parameters.threshold"],
    [{ ...valid, threshold: undefined }, "parameters.threshold"],
    [{ ...valid, threshold: null }, "parameters.threshold"],
    [{ ...valid, base_score_config: { a: 0, b: 0 } }, "parameters.base_score_config"],
    [{ ...valid, base_score_config: { a: -1, b: 2 } }, "parameters.base_score_config.a"],
    [{ ...valid, base_score_config: { a: "x" } }, "parameters.base_score_config.a"],
    [{ ...valid, base_score_config: "not json" }, "parameters.base_score_config"],
    [{ ...valid, default_base_score: -5 }, "parameters.default_base_score"],
    [{ ...valid, lifetime: undefined }, "parameters.lifetime"],
  ])("refuses %j, naming %s", (parameters, field) => {
    expect(refusal(() => validateParameters("Polynomial", parameters, formulas))).toEqual({ code: "INVALID_MODEL", field });
  });

  it("refuses a threshold of Infinity (JSON cannot say it, but a caller can)", () => {
    expect(refusal(() => validateParameters("Polynomial", { ...valid, threshold: Infinity }, formulas)).field).toBe("parameters.threshold");
  });

  it("refuses an unknown formula with UNKNOWN_FORMULA", () => {
    expect(refusal(() => validateModel({ name: "x", formula: "Linear", parameters: valid }, formulas))).toEqual({
      code: "UNKNOWN_FORMULA",
      field: "formula",
    });
  });

  it("refuses a model without a name or without parameters", () => {
    expect(refusal(() => validateModel({ parameters: valid }, formulas)).field).toBe("name");
    expect(refusal(() => validateModel({ name: "  ", parameters: valid }, formulas)).field).toBe("name");
    expect(refusal(() => validateModel({ name: "x" }, formulas)).field).toBe("parameters");
  });

  it("refuses Sightings settings that would divide by zero", () => {
    const parameters = { threshold: 30, settings: { minimum_sightings: 0 } };
    expect(refusal(() => validateParameters("Sightings", parameters, formulas)).field).toBe("parameters.settings.minimum_sightings");
    expect(validateParameters("Sightings", { threshold: 30, settings: { minimum_sightings: 0, true_positive_offset: 1 } }, formulas).threshold).toBe(30);
  });

  it("does not require lifetime or decay speed for the Sightings formula", () => {
    expect(validateParameters("Sightings", { threshold: 30 }, formulas).settings).toEqual({});
  });

  it("drops zero weights but keeps the rest", () => {
    expect(validateParameters("Polynomial", { ...valid, base_score_config: { a: 0, b: 0.5 } }, formulas).base_score_config).toEqual({ b: 0.5 });
  });

  it("reads an empty weight list [] as {}", () => {
    expect(validateParameters("Polynomial", { ...valid, base_score_config: [] }, formulas).base_score_config).toEqual({});
  });

  it("decodes parameters, weights and settings given as JSON strings", () => {
    const result = validateParameters("Polynomial", JSON.stringify({ ...valid, base_score_config: JSON.stringify({ a: 1 }) }), formulas);
    expect(result.base_score_config).toEqual({ a: 1 });
  });
});

describe("parameter normalisation (MISP's save-time rounding)", () => {
  it("rounds numbers, and numeric strings, to 4 decimals, recursively", () => {
    expect(normaliseParameters({ lifetime: "3.333333", decay_speed: 2.33335, base_score_config: { a: 0.166666 } })).toEqual({
      lifetime: 3.3333,
      decay_speed: 2.3334,
      base_score_config: { a: 0.1667 },
    });
  });

  it("turns empty values into 0 and keeps other strings", () => {
    expect(normaliseParameters({ a: "", c: false, d: "0", e: "text" })).toEqual({ a: 0, c: 0, d: 0, e: "text" });
  });

  it("drops null values, so that a null threshold is refused as missing", () => {
    expect(normaliseParameters({ threshold: null, lifetime: 3 })).toEqual({ lifetime: 3 });
  });

  it("rounds halves away from zero, as PHP does", () => {
    expect(roundTo4(1.00005)).toBe(1.0001);
    expect(roundTo4(-1.00005)).toBe(-1.0001);
    expect(roundTo4(0.00004)).toBe(0);
  });
});
