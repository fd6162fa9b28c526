/**
 * The formula plug-in contract. A formula turns (model parameters, attribute facts, base score,
 * elapsed time) into a score, and says whether a score counts as decayed. Built-in formulas and
 * plug-ins loaded from HALFLIFE_FORMULA_DIR implement exactly this interface.
 */
import type { AttributeInput, ModelInput, ModelParameters } from "../types.js";

export interface ScoreContext {
  /** Unix seconds. The core never reads the clock: "now" is always given. */
  now: number;
}

export interface DecaysAtContext {
  /** Unix seconds: the reference time the elapsed time is counted from (see reference-time.ts). */
  referenceTime: number;
}

export interface Formula {
  /** The class name MISP knows it by ("Polynomial"); also what `model.formula` holds. */
  readonly name: string;
  /** One sentence for tooltips and `formulas list`. */
  readonly description: string;
  /** "Polynomial" for the polynomial family, whose models have lifetime and decay speed; otherwise the name. */
  readonly family: string;
  /** When true, `attribute.Sighting` must hold every sighting the viewer may see, of every type. */
  readonly requiresSightings: boolean;

  /**
   * Throws HalflifeError INVALID_MODEL, naming the field, when the parameters cannot be scored.
   * Checks only what this formula reads beyond the common parameters (threshold, weights).
   */
  validate(parameters: ModelParameters): void;

  /** The score after `elapsedSeconds` since the reference time. Never NaN for a valid model. */
  computeScore(model: ModelInput, attribute: AttributeInput, baseScore: number, elapsedSeconds: number, context: ScoreContext): number;

  /** Decayed means "strictly below the threshold" for every MISP formula. */
  isDecayed(model: ModelInput, attribute: AttributeInput, score: number): boolean;

  /**
   * Optional closed form: the first whole Unix second, at or after the reference time, from which
   * the attribute is decayed and stays decayed as time passes (until its inputs change).
   * Returns `referenceTime` when it is decayed from the start, and Infinity when it never decays.
   * The decay index relies on it: for now ≥ referenceTime, decayed ⇔ now ≥ decaysAt(...).
   */
  decaysAt?(model: ModelInput, attribute: AttributeInput, baseScore: number, context: DecaysAtContext): number;
}
