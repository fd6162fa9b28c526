/**
 * A model's score for an attribute: green while fresh, red once decayed, and said in words too.
 * A model whose formula failed for the attribute has an error instead of a score.
 */
import { formatScore } from "../lib/format.js";

export function ScoreBadge({ name, score, decayed, error }: { name: string; score?: number | undefined; decayed?: boolean | undefined; error?: string | undefined }) {
  if (error !== undefined || score === undefined) {
    return (
      <span class="score score-error" title={`${name}: ${error ?? "no score"}`}>
        <span class="score-model">{name}</span>
        <span class="score-value">no score</span>
        <span class="visually-hidden"> ({error ?? "no score"})</span>
      </span>
    );
  }
  return (
    <span class={`score ${decayed ? "score-decayed" : "score-fresh"}`} title={`${name}: ${decayed ? "decayed" : "fresh"}`}>
      <span class="score-model">{name}</span>
      <span class="score-value">{formatScore(score)}</span>
      <span class="visually-hidden">{decayed ? " (decayed)" : " (fresh)"}</span>
    </span>
  );
}
