/**
 * Loads formula plug-ins: every .js/.mjs file in HALFLIFE_FORMULA_DIR is imported, and its exported
 * formula (the default export, or an export named `formula`) is checked against the Formula
 * contract. A plug-in that fails to load or to pass stops start-up with a message naming the file.
 *
 * A plug-in is code that runs inside the server with its rights: a directory or file that every
 * user of the machine may write to would let any of them run code as Halflife, so such a
 * directory or file is refused before anything in it is loaded.
 */
import { readdirSync, statSync } from "node:fs";
import path from "node:path";
import { pathToFileURL } from "node:url";
import { HalflifeError } from "../core/errors.js";
import type { Formula } from "../core/formulas/formula.js";
import { assertFormula, formulas as builtins, type FormulaRegistry } from "../core/formulas/registry.js";

/** Refuses a path that every user may write to (the "other" write bit), naming it. POSIX only. */
function refuseWorldWritable(target: string, what: string): void {
  if (process.platform === "win32") return;
  let mode: number;
  try {
    mode = statSync(target).mode;
  } catch (error) {
    throw new HalflifeError("INVALID_PLUGIN", `${what} ${target} cannot be read: ${(error as NodeJS.ErrnoException).code}`);
  }
  if (mode & 0o002) {
    throw new HalflifeError(
      "INVALID_PLUGIN",
      `${what} ${target} is writable by every user of this machine, so anyone could make Halflife run their code; remove that permission (chmod o-w ${target})`,
    );
  }
}

export async function loadFormulaRegistry(directory: string | undefined): Promise<FormulaRegistry> {
  if (!directory) return builtins;
  refuseWorldWritable(path.resolve(directory), "HALFLIFE_FORMULA_DIR");
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
    refuseWorldWritable(full, "formula plug-in");
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
