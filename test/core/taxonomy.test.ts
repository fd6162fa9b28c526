import { readdirSync, existsSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { BUILTIN_TAXONOMIES } from "../../src/core/data/taxonomies.js";
import { isHalflifeError } from "../../src/core/errors.js";
import { hasNumericalValues, parseMachinetag, taxonomyTags, type Taxonomy } from "../../src/core/taxonomy.js";
import { hasSharedData, readSharedJson, sharedPath } from "../support/data.js";

function sharedTaxonomies(): Taxonomy[] {
  return readdirSync(sharedPath("misp-taxonomies"))
    .filter((name) => existsSync(sharedPath("misp-taxonomies", name, "machinetag.json")))
    .map((name) => parseMachinetag(readSharedJson("misp-taxonomies", name, "machinetag.json")));
}

const valueOf = (taxonomy: Taxonomy, name: string) => taxonomyTags(taxonomy).find((t) => t.name === name)?.numerical_value;

describe.skipIf(!hasSharedData)("importing the real misp-taxonomies repository", () => {
  const all = hasSharedData ? sharedTaxonomies() : [];
  const byNamespace = new Map(all.map((t) => [t.namespace, t]));

  it("reads every machinetag.json", () => {
    expect(all.length).toBeGreaterThan(180);
  });

  it("finds the 28 taxonomies that carry numerical values", () => {
    expect(all.filter(hasNumericalValues)).toHaveLength(28);
  });

  it.each([
    ["admiralty-scale", 'admiralty-scale:source-reliability="a"', 100],
    ["admiralty-scale", 'admiralty-scale:information-credibility="6"', 50],
    ["priority-level", "priority-level:high", 85],
    ["retention", "retention:10y", 3650],
    ["false-positive", 'false-positive:risk="cannot-be-judged"', 25],
    ["estimative-language", 'estimative-language:likelihood-probability="almost-certain"', 95],
    ["misp", 'misp:automation-level="manual"', 100],
    ["copine-scale", "copine-scale:level-3", 30],
  ])("gives %s tag %s the value %i", (namespace, name, value) => {
    expect(valueOf(byNamespace.get(namespace)!, name)).toBe(value);
  });

  it("makes two-part tags of predicates that carry the values themselves", () => {
    const names = taxonomyTags(byNamespace.get("priority-level")!).map((t) => t.name);
    expect(names).toContain("priority-level:emergency");
    expect(names.every((n) => !n.includes("="))).toBe(true);
  });

  it("keeps a value with a space in it", () => {
    const tags = taxonomyTags(byNamespace.get("targeted-threat-index")!);
    expect(tags.find((t) => t.entry === "the-sample-contains-no code-protection")?.numerical_value).toBe(1);
  });

  it("agrees with Halflife's built-in scoring taxonomies, tag for tag and value for value", () => {
    for (const builtin of BUILTIN_TAXONOMIES) {
      const real = byNamespace.get(builtin.namespace)!;
      const realValues = new Map(taxonomyTags(real).map((t) => [t.name, t.numerical_value]));
      for (const tag of taxonomyTags(builtin)) {
        expect(realValues.has(tag.name), tag.name).toBe(true);
        expect(realValues.get(tag.name), tag.name).toBe(tag.numerical_value);
      }
    }
  });
});

describe("the machinetag.json reader", () => {
  it.each([
    [null, "taxonomy"],
    [{ predicates: [] }, "taxonomy.namespace"],
    [{ namespace: "x" }, "taxonomy.predicates"],
    [{ namespace: "x", predicates: [{}] }, "predicates[0].value"],
    [{ namespace: "x", predicates: [{ value: "a", numerical_value: "high" }] }, "predicates[0].numerical_value"],
    [{ namespace: "x", predicates: [], values: [{ predicate: "a", entry: [{ value: 3 }] }] }, "values[0].entry[0].value"],
    [{ namespace: "x", version: "one", predicates: [] }, "taxonomy.version"],
  ])("refuses %j naming %s", (document, field) => {
    try {
      parseMachinetag(document);
      expect.unreachable();
    } catch (error) {
      expect(isHalflifeError(error, "INVALID_INPUT")).toBe(true);
      expect((error as { field: string }).field).toBe(field);
    }
  });

  it("keeps entries of a predicate that the predicates list forgot", () => {
    const taxonomy = parseMachinetag({ namespace: "x", predicates: [], values: [{ predicate: "p", entry: [{ value: "v", numerical_value: 5 }] }] });
    expect(taxonomyTags(taxonomy)).toMatchObject([{ name: 'x:p="v"', numerical_value: 5 }]);
  });
});
