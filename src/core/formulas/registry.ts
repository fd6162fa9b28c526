/**
 * The formulas Halflife knows, registered from an explicit list: the three built-ins, plus the
 * plug-ins that src/plugins loads at start-up. Lookups follow MISP: an empty name means
 * Polynomial, and the first letter's case does not matter ("polynomial" is "Polynomial").
 */
import { HalflifeError } from "../errors.js";
import type { Formula } from "./formula.js";
import { polynomial } from "./polynomial.js";
import { polynomialExtended } from "./polynomial-extended.js";
import { sightingsFormula } from "./sightings.js";

const FORMULA_NAME = /^[A-Za-z][A-Za-z0-9_]*$/;

export class FormulaRegistry {
  readonly #byName = new Map<string, Formula>();

  constructor(formulas: readonly Formula[]) {
    for (const formula of formulas) {
      assertFormula(formula);
      const key = canonicalKey(formula.name);
      if (this.#byName.has(key)) {
        throw new HalflifeError("INVALID_PLUGIN", `two formulas are named ${formula.name}`);
      }
      this.#byName.set(key, formula);
    }
  }

  /**
   * The formula for a model's `formula` field.
   *
   * @example formulas.get("polynomial").name === "Polynomial"
   * @throws HalflifeError UNKNOWN_FORMULA, naming the field `formula`.
   */
  get(name: string | undefined | null): Formula {
    const formula = this.find(name);
    if (!formula) {
      throw new HalflifeError("UNKNOWN_FORMULA", `formula ${JSON.stringify(name)} is not one of ${this.names().join(", ")}`, {
        field: "formula",
      });
    }
    return formula;
  }

  /**
   * The formula for a model, or a stand-in when none of that name is loaded (its plug-in was
   * removed): the stand-in fails on every call, so that scoring gives that model an error entry
   * (see scoreWithModel) instead of failing the whole answer.
   *
   * @example formulas.resolve("Gone").computeScore(...) // throws: formula "Gone" is not loaded
   */
  resolve(name: string | undefined | null): Formula {
    return this.find(name) ?? missingFormula(String(name));
  }

  find(name: string | undefined | null): Formula | undefined {
    return this.#byName.get(canonicalKey(name === undefined || name === null || name === "" ? "Polynomial" : name));
  }

  has(name: string | undefined | null): boolean {
    return this.find(name) !== undefined;
  }

  names(): string[] {
    return [...this.#byName.values()].map((formula) => formula.name);
  }

  list(): Formula[] {
    return [...this.#byName.values()];
  }

  /** A new registry with these formulas added (for plug-ins). */
  with(formulas: readonly Formula[]): FormulaRegistry {
    return new FormulaRegistry([...this.list(), ...formulas]);
  }
}

function missingFormula(name: string): Formula {
  const fail = (): never => {
    throw new HalflifeError("UNKNOWN_FORMULA", `formula ${JSON.stringify(name)} is not loaded`, { field: "formula" });
  };
  return { name, description: "", family: name, requiresSightings: false, validate: fail, computeScore: fail, isDecayed: fail };
}

function canonicalKey(name: string): string {
  return name.charAt(0).toUpperCase() + name.slice(1);
}

/** The built-in formulas. */
export const formulas = new FormulaRegistry([polynomial, polynomialExtended, sightingsFormula]);

/**
 * Checks that a value honours the Formula contract, for plug-ins loaded at start-up: the right
 * members, and sane answers on a sample model (a finite, non-negative score; a boolean verdict).
 *
 * @throws HalflifeError INVALID_PLUGIN saying what is wrong.
 */
export function assertFormula(candidate: unknown, source = "formula"): asserts candidate is Formula {
  const fail = (reason: string): never => {
    throw new HalflifeError("INVALID_PLUGIN", `${source}: ${reason}`);
  };
  if (candidate === null || typeof candidate !== "object") fail("does not export a formula object");
  const f = candidate as Record<string, unknown>;
  if (typeof f.name !== "string" || !FORMULA_NAME.test(f.name)) fail("`name` must be an identifier such as \"MyFormula\"");
  if (typeof f.description !== "string") fail("`description` must be a string");
  if (typeof f.family !== "string") fail("`family` must be a string");
  if (typeof f.requiresSightings !== "boolean") fail("`requiresSightings` must be a boolean");
  for (const method of ["validate", "computeScore", "isDecayed"]) {
    if (typeof f[method] !== "function") fail(`\`${method}\` must be a function`);
  }
  if (f.decaysAt !== undefined && typeof f.decaysAt !== "function") fail("`decaysAt` must be a function when present");

  const formula = candidate as Formula;
  const sample = { formula: formula.name, parameters: { lifetime: 30, decay_speed: 1, threshold: 30, default_base_score: 80, settings: {} } };
  try {
    formula.validate(sample.parameters);
  } catch {
    return; // The formula needs parameters of its own; its contract is checked when models use it.
  }
  const attribute = { timestamp: 1_700_000_000, last_seen: null, Sighting: [] };
  for (const elapsed of [0, 86_400, 40 * 86_400]) {
    let score: unknown;
    try {
      score = formula.computeScore(sample, attribute, 80, elapsed, { now: 1_700_000_000 + elapsed });
    } catch (error) {
      fail(`computeScore threw on a sample model: ${(error as Error).message}`);
    }
    if (typeof score !== "number" || !Number.isFinite(score) || score < 0) {
      fail(`computeScore must return a finite number ≥ 0, returned ${String(score)}`);
    }
    if (typeof formula.isDecayed(sample, attribute, score as number) !== "boolean") fail("isDecayed must return a boolean");
  }
}
