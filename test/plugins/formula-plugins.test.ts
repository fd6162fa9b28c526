import { writeFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { isHalflifeError } from "../../src/core/errors.js";
import { loadFormulaRegistry } from "../../src/plugins/load-formulas.js";
import { formulaContract } from "../support/formula-contract.js";
import { projectRoot } from "../support/data.js";
import { runCli } from "../support/cli.js";
import { temporaryFolder } from "../support/temp.js";

const exampleDir = path.join(projectRoot, "examples/formulas");
const registry = await loadFormulaRegistry(exampleDir);

formulaContract(registry.get("Exponential"));

function pluginDir(files: Record<string, string>): string {
  const dir = temporaryFolder("plugins");
  for (const [name, text] of Object.entries(files)) writeFileSync(path.join(dir, name), text);
  return dir;
}

async function loadError(dir: string): Promise<string> {
  try {
    await loadFormulaRegistry(dir);
  } catch (error) {
    expect(isHalflifeError(error, "INVALID_PLUGIN")).toBe(true);
    return (error as Error).message;
  }
  throw new Error("expected the plug-in to be refused");
}

describe("formula plug-ins from HALFLIFE_FORMULA_DIR", () => {
  it("adds the example Exponential formula next to the built-ins", () => {
    expect(registry.names()).toEqual(["Polynomial", "PolynomialExtended", "Sightings", "Exponential"]);
  });

  it("halves the score every half-life", () => {
    const formula = registry.get("exponential");
    const model = { formula: "Exponential", parameters: { threshold: 10, settings: { half_life: 2 } } };
    expect(formula.computeScore(model, { timestamp: 0 }, 80, 4 * 86_400, { now: 0 })).toBe(20);
  });

  it.each([
    ["a module that does not load", { "broken.mjs": "export default {" }, /broken\.mjs failed to load/],
    ["a module without a formula", { "empty.mjs": "export const x = 1;" }, /empty\.mjs: does not export a formula/],
    ["a formula without computeScore", { "half.mjs": "export default { name: 'Half', description: '', family: 'Half', requiresSightings: false, validate() {}, isDecayed() { return false; } };" }, /`computeScore` must be a function/],
    ["a formula returning NaN", { "nan.mjs": "export default { name: 'NaNny', description: '', family: 'NaNny', requiresSightings: false, validate() {}, computeScore() { return NaN; }, isDecayed() { return false; } };" }, /finite number/],
    ["a formula that takes a built-in's name", { "dup.mjs": "export default { name: 'Polynomial', description: '', family: 'P', requiresSightings: false, validate() {}, computeScore() { return 1; }, isDecayed() { return false; } };" }, /two formulas are named Polynomial/],
  ])("refuses %s with a message naming the file", async (_label, files, message) => {
    expect(await loadError(pluginDir(files))).toMatch(message);
  });

  it("refuses a directory that does not exist", async () => {
    expect(await loadError("/nonexistent/formulas")).toMatch(/cannot be read/);
  });

  it("lets the score command use a plug-in formula, and stops with exit 2 on a bad plug-in", async () => {
    const dir = pluginDir({ "model.json": JSON.stringify({ name: "Halving", formula: "Exponential", parameters: { threshold: 10, settings: { half_life: 1 } } }) });
    const input = JSON.stringify({ Event: { info: "x", Attribute: [{ type: "url", timestamp: "1767139200" }] } });
    const ok = await runCli(["score", "--model", path.join(dir, "model.json"), "--now", "2026-01-01T00:00:00Z"], {
      input,
      env: { HALFLIFE_FORMULA_DIR: exampleDir },
    });
    expect(ok.code, ok.stderr).toBe(0);
    expect(JSON.parse(ok.stdout).Event.Attribute[0].decay_score[0].base_score).toBe(0);

    const bad = await runCli(["score", "--model", "nids"], { input, env: { HALFLIFE_FORMULA_DIR: pluginDir({ "x.mjs": "export default 3;" }) } });
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/^halflife: formula plug-in x\.mjs: does not export a formula object\n$/);
  });
});
