/**
 * The model tool's arithmetic, on top of the scoring core: the decay curve with B = 100, and the
 * figures MISP's tool shows. Times are in days.
 */
import { polynomialScore } from "../../../src/core/formulas/polynomial.js";

const DAY = 86_400;

/** The score after `days`, for a base score of 100. */
export function curveScore(days: number, lifetime: number, decaySpeed: number): number {
  return polynomialScore(100, days * DAY, lifetime * DAY, decaySpeed);
}

/** `count` points from 0 to the lifetime: the curve the tool draws. */
export function curve(lifetime: number, decaySpeed: number, count = 300): { days: number[]; scores: number[] } {
  const days: number[] = [];
  const scores: number[] = [];
  for (let i = 0; i <= count; i++) {
    const t = (lifetime * i) / count;
    days.push(t);
    scores.push(curveScore(t, lifetime, decaySpeed));
  }
  return { days, scores };
}

/** When a score of 100 reaches `score`: t = τ·(1 − s/100)^δ. */
export function daysUntil(score: number, lifetime: number, decaySpeed: number): number {
  if (score >= 100) return 0;
  if (score <= 0) return lifetime;
  return lifetime * Math.pow(1 - score / 100, decaySpeed);
}

/** "Expires after": when the score falls to the threshold. */
export const expiresAfter = (lifetime: number, decaySpeed: number, threshold: number) => daysUntil(threshold, lifetime, decaySpeed);

/** "Half-life": when the score reaches the midpoint between the threshold and 100. */
export function halfLife(lifetime: number, decaySpeed: number, threshold: number): number {
  return daysUntil((100 - threshold) / 2 + threshold, lifetime, decaySpeed);
}

/**
 * The decay speed that puts the curve through (x days, y score): δ = ln(x/τ) / ln(1 − y/100).
 * Null where no curve passes (x outside 0..τ, y outside 0..100).
 */
export function decaySpeedThrough(days: number, score: number, lifetime: number): number | null {
  if (!(days > 0 && days < lifetime && score > 0 && score < 100)) return null;
  const speed = Math.log(days / lifetime) / Math.log(1 - score / 100);
  return Number.isFinite(speed) && speed > 0 ? speed : null;
}

/** "3 days and 4 hours", as MISP's tool words it. */
export function daysAndHours(days: number): string {
  if (!Number.isFinite(days)) return "never";
  const totalHours = Math.round(days * 24);
  const d = Math.floor(totalHours / 24);
  const h = totalHours % 24;
  const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? "" : "s"}`;
  return `${plural(d, "day")} and ${plural(h, "hour")}`;
}
