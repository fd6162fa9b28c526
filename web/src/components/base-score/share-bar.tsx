/** The weights at a glance: one bar, a segment per weighted key, as wide as its share. */
import { formatShare } from "../../lib/format.js";

const COLOURS = ["#1f5fa8", "#e07a00", "#1a7f37", "#8e44ad", "#c0392b", "#16a085", "#7f8c8d", "#d4ac0d"];

export function ShareBar({ shares }: { shares: Record<string, number> }) {
  const entries = Object.entries(shares).filter(([, share]) => share > 0);
  if (entries.length === 0) return null;
  const label = entries.map(([key, share]) => `${key} ${formatShare(share)}`).join(", ");
  return (
    <div class="share-bar" role="img" aria-label={`Shares of the weights: ${label}`}>
      {entries.map(([key, share], i) => (
        <span key={key} style={{ flexBasis: `${share * 100}%`, background: COLOURS[i % COLOURS.length] }} title={`${key} (${formatShare(share)})`}>
          {share >= 0.12 ? `${key} (${formatShare(share)})` : ""}
        </span>
      ))}
    </div>
  );
}
