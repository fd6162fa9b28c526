/**
 * Polynomial decay, cut to 0 once a `retention` tag's period has run out. The retention period is
 * counted (in days) from the attribute's last modification, not from its reference time, and the
 * comparison is strict: a 1-day retention still scores at exactly 86400 s and scores 0 after it.
 */
import { prioritiseTags } from "../base-score.js";
import { RETENTION_DAYS } from "../data/taxonomies.js";
import { parseTimestamp } from "../reference-time.js";
import type { AttributeInput } from "../types.js";
import type { Formula } from "./formula.js";
import { polynomial, polynomialParameters, polynomialScore } from "./polynomial.js";
import { thresholdOf } from "./parameters.js";

/** Retention periods (days) of the retention tags among the attribute's prioritised tags. */
function retentionDaysOf(attribute: AttributeInput): number[] {
  if (!attribute.EventTag?.length && !attribute.AttributeTag?.length) return [];
  const days: number[] = [];
  for (const link of prioritiseTags(attribute).tags) {
    const period = RETENTION_DAYS.get(link.Tag.name);
    if (period !== undefined) days.push(period);
  }
  return days;
}

export const polynomialExtended: Formula = {
  name: "PolynomialExtended",
  description: "Polynomial decay, with the score cut to 0 once a retention tag's period has expired.",
  family: "Polynomial",
  requiresSightings: false,

  validate: polynomial.validate,

  computeScore(model, attribute, baseScore, elapsedSeconds, { now }) {
    const { lifetimeSeconds, decaySpeed } = polynomialParameters(model);
    const score = polynomialScore(baseScore, elapsedSeconds, lifetimeSeconds, decaySpeed);
    const days = retentionDaysOf(attribute);
    if (days.length > 0) {
      const modified = Math.trunc(parseTimestamp(attribute.timestamp));
      for (const period of days) {
        if (now - modified > period * 24 * 60 * 60) return 0;
      }
    }
    return score;
  },

  isDecayed: polynomial.isDecayed,

  decaysAt(model, attribute, baseScore, context) {
    const byDecay = polynomial.decaysAt!(model, attribute, baseScore, context);
    // A score of 0 is decayed only when the threshold is above 0.
    if (thresholdOf(model) <= 0) return byDecay;
    const modified = Math.trunc(parseTimestamp(attribute.timestamp));
    let decaysAt = byDecay;
    for (const period of retentionDaysOf(attribute)) {
      // The first whole second at which now − modified > period·86400.
      decaysAt = Math.min(decaysAt, modified + period * 24 * 60 * 60 + 1);
    }
    return Math.max(context.referenceTime, decaysAt);
  },
};
