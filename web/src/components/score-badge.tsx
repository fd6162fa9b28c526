/** A model's score for an attribute: green while fresh, red once decayed, and said in words too. */
import { formatScore } from "../lib/format.js";

export function ScoreBadge({ name, score, decayed }: { name: string; score: number; decayed: boolean }) {
  return (
    <span class={`score ${decayed ? "score-decayed" : "score-fresh"}`} title={`${name}: ${decayed ? "decayed" : "fresh"}`}>
      <span class="score-model">{name}</span>
      <span class="score-value">{formatScore(score)}</span>
      <span class="visually-hidden">{decayed ? " (decayed)" : " (fresh)"}</span>
    </span>
  );
}
