// An example formula plug-in: exponential decay with a half-life.
//
//   score(t) = B · 2^(−t / half_life)      (half_life in days, in parameters.settings)
//
// Put this file in the directory named by HALFLIFE_FORMULA_DIR and models may use
// "formula": "Exponential". A plug-in is a plain object; the server checks it at start-up.

const DAY = 24 * 60 * 60;

function invalid(field, reason) {
  // A plug-in reports bad parameters with an error naming the field, as built-in formulas do.
  return Object.assign(new Error(`${field} ${reason}`), { name: "HalflifeError", code: "INVALID_MODEL", field });
}

function halfLifeSeconds(parameters) {
  const days = Number(parameters.settings?.half_life ?? parameters.lifetime);
  if (!Number.isFinite(days) || days <= 0) throw invalid("parameters.settings.half_life", "must be a number of days greater than 0");
  return days * DAY;
}

export default {
  name: "Exponential",
  description: "Exponential decay: the score halves every half-life (settings.half_life, in days).",
  family: "Exponential",
  requiresSightings: false,

  validate(parameters) {
    halfLifeSeconds(parameters);
  },

  computeScore(model, _attribute, baseScore, elapsedSeconds) {
    if (elapsedSeconds < 0) return 0;
    return baseScore * Math.pow(2, -elapsedSeconds / halfLifeSeconds(model.parameters));
  },

  isDecayed(model, _attribute, score) {
    return Number(model.parameters.threshold) > score;
  },

  // The closed form t = h·log2(B/θ), settled to the whole second against computeScore.
  // A plug-in must agree with its own computeScore to the second: the decay index relies on it.
  decaysAt(model, attribute, baseScore, { referenceTime }) {
    const threshold = Number(model.parameters.threshold);
    if (threshold <= 0) return Infinity;
    const decayed = (t) => this.isDecayed(model, attribute, this.computeScore(model, attribute, baseScore, t));
    if (decayed(0)) return referenceTime;
    const estimate = halfLifeSeconds(model.parameters) * Math.log2(baseScore / threshold);
    const guess = Number.isFinite(estimate) ? Math.floor(estimate) + 1 : 0;
    // Gallop from the guess to a bracket, then bisect: floating point can put the guess far off.
    let lo = -1;
    let hi = guess;
    for (let step = 1; !decayed(hi); step *= 2) [lo, hi] = [hi, hi + step];
    for (let step = 1; hi - step > lo && decayed(hi - step); step *= 2) hi -= step;
    lo = Math.max(lo, -1);
    while (hi - lo > 1) {
      const mid = lo + Math.floor((hi - lo) / 2);
      if (decayed(mid)) hi = mid;
      else lo = mid;
    }
    const t = hi;
    return referenceTime + t;
  },
};
