import { describe, expect, it } from "vitest";
import { checkJsonValue, MAX_JSON_DEPTH, parseBoundedJson } from "../../src/core/bounded-json.js";
import { isHalflifeError } from "../../src/core/errors.js";

const nested = (depth: number) => JSON.parse("[".repeat(depth) + "]".repeat(depth)) as unknown;

function failure(run: () => unknown): { field: string | undefined; message: string } {
  try {
    run();
  } catch (error) {
    if (isHalflifeError(error, "INVALID_INPUT")) return { field: error.field, message: error.message };
    throw error;
  }
  throw new Error("expected a refusal");
}

describe("the bounded JSON reader", () => {
  it("accepts values nested up to the bound and refuses one level more, naming the outermost key", () => {
    expect(() => checkJsonValue({ a: nested(MAX_JSON_DEPTH - 1) }, "body")).not.toThrow();
    expect(failure(() => checkJsonValue({ a: nested(MAX_JSON_DEPTH) }, "body"))).toEqual({ field: "a", message: `a nests deeper than ${MAX_JSON_DEPTH} levels of arrays and objects` });
    expect(failure(() => checkJsonValue(nested(MAX_JSON_DEPTH + 1), "body")).field).toBe("0");
  });

  it("walks a million levels without overflowing the stack", () => {
    expect(failure(() => parseBoundedJson("[".repeat(1_000_000) + "]".repeat(1_000_000), "parameters")).field).toBe("parameters");
  });

  it("refuses NUL characters in strings and keys, naming the path", () => {
    expect(failure(() => checkJsonValue({ Attribute: [{ value: "a\u0000b" }] }, "body")).field).toBe("Attribute.0.value");
    expect(failure(() => checkJsonValue({ "a\u0000": 1 }, "body")).message).toMatch(/NUL characters in its keys/);
    expect(() => checkJsonValue({ value: "a\u0000b" }, "body", { refuseNul: false })).not.toThrow();
  });

  it("names the field when the text is not JSON", () => {
    expect(failure(() => parseBoundedJson("{", "modelOverrides"))).toEqual({ field: "modelOverrides", message: "modelOverrides is not valid JSON" });
  });
});
