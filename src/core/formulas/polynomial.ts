/**
 * Polynomial decay (the paper "An indicator scoring method for MISP platforms"):
 *
 *   score(t) = max(0, B · (1 − (t / τ)^(1/δ)))   for t ≥ 0,   and 0 for t < 0,
 *
 * with τ the lifetime (days, converted to seconds as MISP does: τ·24·60·60) and δ the decay speed.
 */
import { invalidInput } from "../errors.js";
import { firstDecayedSecond } from "./crossing.js";
import type { AttributeInput, ModelInput } from "../types.js";
import type { DecaysAtContext, Formula } from "./formula.js";
import { numericParameter, positive, thresholdOf } from "./parameters.js";

/** Lifetime in seconds and decay speed, validated: both must be finite and > 0. */
export function polynomialParameters(model: ModelInput): { lifetimeSeconds: number; decaySpeed: number } {
  const p = model.parameters;
  const lifetime = typeof p.lifetime === "number" && p.lifetime > 0 && p.lifetime < Infinity
    ? p.lifetime
    : numericParameter(p, "lifetime", positive);
  const decaySpeed = typeof p.decay_speed === "number" && p.decay_speed > 0 && p.decay_speed < Infinity
    ? p.decay_speed
    : numericParameter(p, "decay_speed", positive);
  // Multiplied in MISP's order; floating-point products are not associative.
  return { lifetimeSeconds: lifetime * 24 * 60 * 60, decaySpeed };
}

/**
 * The polynomial score.
 *
 * @example polynomialScore(80, 30 * 86400, 120 * 86400, 2) === 40
 */
export function polynomialScore(baseScore: number, elapsedSeconds: number, lifetimeSeconds: number, decaySpeed: number): number {
  if (elapsedSeconds < 0) return 0;
  const score = baseScore * (1 - Math.pow(elapsedSeconds / lifetimeSeconds, 1 / decaySpeed));
  return score < 0 ? 0 : score;
}

/**
 * The smallest whole elapsed second at which a polynomial score is decayed, found from the closed
 * form t = τ·(1 − θ/B)^δ and then settled against polynomialScore itself, so that the index and a
 * direct computation can never disagree by a rounding error.
 */
export function polynomialDecayedAfter(baseScore: number, threshold: number, lifetimeSeconds: number, decaySpeed: number): number {
  if (threshold <= 0) return Infinity; // scores are never below 0
  if (baseScore < 0) throw invalidInput("base_score", "must not be negative to compute when a score decays");
  const decayed = (t: number) => threshold > polynomialScore(baseScore, t, lifetimeSeconds, decaySpeed);
  if (decayed(0)) return 0;
  const crossing = lifetimeSeconds * Math.pow(1 - threshold / baseScore, decaySpeed);
  return firstDecayedSecond(decayed, Math.min(Math.floor(crossing) + 1, Math.ceil(lifetimeSeconds)));
}

export const polynomial: Formula = {
  name: "Polynomial",
  description: "Polynomial decay from the base score to 0 over the lifetime, at the given decay speed.",
  family: "Polynomial",
  requiresSightings: false,

  validate(parameters) {
    polynomialParameters({ parameters });
  },

  computeScore(model, _attribute, baseScore, elapsedSeconds) {
    if (elapsedSeconds < 0) return 0;
    const { lifetimeSeconds, decaySpeed } = polynomialParameters(model);
    return polynomialScore(baseScore, elapsedSeconds, lifetimeSeconds, decaySpeed);
  },

  isDecayed(model, _attribute, score) {
    return thresholdOf(model) > score;
  },

  decaysAt(model: ModelInput, _attribute: AttributeInput, baseScore: number, { referenceTime }: DecaysAtContext) {
    const { lifetimeSeconds, decaySpeed } = polynomialParameters(model);
    return referenceTime + polynomialDecayedAfter(baseScore, thresholdOf(model), lifetimeSeconds, decaySpeed);
  },
};
