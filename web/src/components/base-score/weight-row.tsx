/** One weight: the key, the tags it covers with their values, a slider, a number, and its share. */
import type { ScoredTag } from "../../api/taxonomies.js";
import { formatShare } from "../../lib/format.js";

interface Props {
  base: string;
  tags: ScoredTag[];
  weight: number;
  share: number;
  onChange(weight: number): void;
}

export function WeightRow({ base, tags, weight, share, onChange }: Props) {
  const read = (event: Event) => {
    const value = Number((event.currentTarget as HTMLInputElement).value);
    if (Number.isFinite(value) && value >= 0) onChange(value);
  };
  return (
    <div class={`weight-row${weight > 0 ? " weighted" : ""}`} data-key={base}>
      <div class="weight-key">
        <code>{base}</code>
        {tags.length > 0 && (
          <select aria-label={`Tags under ${base}, with their values`}>
            {tags.map((tag) => (
              <option key={tag.name}>
                {tag.name} = {tag.numerical_value}
              </option>
            ))}
          </select>
        )}
      </div>
      <input type="range" min={0} max={100} step={1} value={Math.min(100, weight)} onInput={read} aria-label={`Weight of ${base}, slider`} />
      <input type="number" min={0} step={1} value={weight} onInput={read} aria-label={`Weight of ${base}`} class="weight-number" />
      <span class="share" aria-label={`Share of ${base}`}>
        {weight > 0 ? formatShare(share) : "—"}
      </span>
    </div>
  );
}
