/**
 * Loads formula plug-ins: every .js/.mjs file in HALFLIFE_FORMULA_DIR is imported, and its exported
 * formula (the default export, or an export named `formula`) is checked against the Formula
 * contract. A plug-in that fails to load or to pass stops start-up with a message naming the file.
 */
import { readdirSync } from "node:fs";
import path from "node:path";
import { pathToFileURL } from "node:url";
import { HalflifeError } from "../core/errors.js";
import type { Formula } from "../core/formulas/formula.js";
import { assertFormula, formulas as builtins, type FormulaRegistry } from "../core/formulas/registry.js";

export async function loadFormulaRegistry(directory: string | undefined): Promise<FormulaRegistry> {
  if (!directory) return builtins;
  let files: string[];
  try {
    files = readdirSync(directory)
      .filter((name) => /\.(m?js)$/.test(name))
      .sort();
  } catch (error) {
    throw new HalflifeError("INVALID_PLUGIN", `HALFLIFE_FORMULA_DIR ${directory} cannot be read: ${(error as NodeJS.ErrnoException).code}`);
  }
  const loaded: Formula[] = [];
  for (const file of files) {
    const full = path.resolve(directory, file);
    let module: Record<string, unknown>;
    try {
      module = (await import(pathToFileURL(full).href)) as Record<string, unknown>;
    } catch (error) {
      throw new HalflifeError("INVALID_PLUGIN", `formula plug-in ${file} failed to load: ${(error as Error).message}`);
    }
    const candidate = module.default ?? module.formula;
    assertFormula(candidate, `formula plug-in ${file}`);
    loaded.push(candidate);
  }
  try {
    return builtins.with(loaded);
  } catch (error) {
    throw new HalflifeError("INVALID_PLUGIN", `formula plug-ins in ${directory}: ${(error as Error).message}`);
  }
}
