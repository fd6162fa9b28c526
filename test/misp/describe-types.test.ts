import { describe, expect, it } from "vitest";
import {
  KNOWN_CATEGORIES,
  KNOWN_TYPES,
  defaultCategory,
  defaultToIds,
  describeTypes,
  isKnownCategory,
  isKnownType,
  isValidCategoryForType,
} from "../../src/misp/describe-types.js";
import type { DescribeTypesDocument } from "../../src/misp/describe-types.js";
import { hasSharedData, readSharedJson } from "../support/data.js";

describe("the attribute type table", () => {
  it("lists MISP's types and categories in MISP's order", () => {
    expect(KNOWN_TYPES.slice(0, 4)).toEqual(["md5", "sha1", "sha256", "filename"]);
    expect(KNOWN_CATEGORIES[0]).toBe("Internal reference");
    expect(KNOWN_CATEGORIES.at(-1)).toBe("Other");
    expect(new Set(KNOWN_TYPES).size).toBe(KNOWN_TYPES.length);
    expect(new Set(KNOWN_CATEGORIES).size).toBe(KNOWN_CATEGORIES.length);
  });

  it("knows types case-sensitively, as MISP does", () => {
    expect(isKnownType("ip-dst")).toBe(true);
    expect(isKnownType("AS")).toBe(true);
    expect(isKnownType("named pipe")).toBe(true);
    expect(isKnownType("IP-DST")).toBe(false);
    expect(isKnownType("ip-dest")).toBe(false);
    expect(isKnownType("")).toBe(false);
  });

  it("gives each type its default category and IDS flag, and nothing for an unknown type", () => {
    expect(defaultCategory("md5")).toBe("Payload delivery");
    expect(defaultToIds("md5")).toBe(true);
    expect(defaultCategory("pdb")).toBe("Artifacts dropped");
    expect(defaultToIds("pdb")).toBe(false);
    expect(defaultCategory("ip-dst")).toBe("Network activity");
    expect(defaultCategory("no-such-type")).toBeUndefined();
    expect(defaultToIds("no-such-type")).toBeUndefined();
  });

  it("says which categories admit a type", () => {
    expect(isValidCategoryForType("Network activity", "ip-dst")).toBe(true);
    expect(isValidCategoryForType("Payload delivery", "ip-dst")).toBe(true);
    expect(isValidCategoryForType("Payload type", "ip-dst")).toBe(false);
    expect(isValidCategoryForType("network activity", "ip-dst")).toBe(false);
    expect(isValidCategoryForType("Network activity", "no-such-type")).toBe(false);
    expect(isKnownCategory("Financial fraud")).toBe(true);
    expect(isKnownCategory("Fraud")).toBe(false);
  });

  it("admits every type in its own default category and in at least one listed category", () => {
    for (const type of KNOWN_TYPES) {
      expect(isValidCategoryForType(defaultCategory(type) as string, type), type).toBe(true);
    }
    const listed = new Set(Object.values(describeTypes().result.category_type_mappings).flat());
    expect([...listed].sort()).toEqual([...KNOWN_TYPES].sort());
  });

  it("builds a fresh document on each call, so a caller's changes do not leak", () => {
    const first = describeTypes();
    first.result.types.push("mine");
    first.result.category_type_mappings["Other"]?.push("mine");
    const second = describeTypes();
    expect(second.result.types).not.toContain("mine");
    expect(second.result.category_type_mappings["Other"]).not.toContain("mine");
  });
});

// The shared file is MISP's own document; it is read in place and never copied into the project.
describe.skipIf(!hasSharedData)("describeTypes compared with MISP's describeTypes.json", () => {
  const misp = hasSharedData ? readSharedJson<DescribeTypesDocument>("describeTypes.json") : null;

  it("is the same document, key order and list order included", () => {
    const ours = describeTypes();
    expect(ours).toStrictEqual(misp);
    // toStrictEqual ignores the order of object keys; the serialised form does not.
    expect(JSON.stringify(ours, null, 1)).toBe(JSON.stringify(misp, null, 1));
  });

  it("answers every lookup as MISP's table does", () => {
    const { sane_defaults, category_type_mappings } = (misp as DescribeTypesDocument).result;
    for (const [type, { default_category, to_ids }] of Object.entries(sane_defaults)) {
      expect([isKnownType(type), defaultCategory(type), defaultToIds(type)], type).toEqual([true, default_category, to_ids === 1]);
    }
    for (const [category, types] of Object.entries(category_type_mappings)) {
      for (const type of KNOWN_TYPES) {
        expect(isValidCategoryForType(category, type), `${category} / ${type}`).toBe(types.includes(type));
      }
    }
  });
});
