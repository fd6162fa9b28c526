/**
 * Settling a closed-form crossing time to the exact whole second. Closed forms are computed in
 * floating point and can be a few seconds (or, near denormal thresholds, far more) off from what
 * computeScore says; the decay index must agree with computeScore to the second.
 */

/**
 * The smallest whole t ≥ 0 with `decayed(t)`, given that decayed is monotone (false, then true)
 * and a guess near the answer. Gallops away from the guess, then bisects: O(log distance) calls.
 *
 * @example firstDecayedSecond((t) => t >= 42, 40) === 42
 */
export function firstDecayedSecond(decayed: (t: number) => boolean, guess: number): number {
  const t = Number.isFinite(guess) && guess > 0 ? Math.floor(guess) : 0;
  let lo: number; // known not decayed (or -1)
  let hi: number; // known decayed
  if (decayed(t)) {
    hi = t;
    let step = 1;
    lo = t - step;
    while (lo >= 0 && decayed(lo)) {
      hi = lo;
      step *= 2;
      lo = hi - step;
    }
    lo = Math.max(lo, -1);
  } else {
    lo = t;
    let step = 1;
    hi = t + step;
    while (!decayed(hi)) {
      lo = hi;
      step *= 2;
      hi = lo + step;
      if (!Number.isFinite(hi)) return Infinity;
    }
  }
  while (hi - lo > 1) {
    const mid = lo + Math.floor((hi - lo) / 2);
    if (decayed(mid)) hi = mid;
    else lo = mid;
  }
  return hi;
}
