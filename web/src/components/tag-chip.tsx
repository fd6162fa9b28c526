/** A tag as MISP shows it, in its colour, with its numerical value when it has one. */
import type { Tag } from "../api/events.js";

/** Black or white text, whichever reads better on the tag's colour. */
function textColour(background: string): string {
  const hex = /^#?([0-9a-f]{6})$/i.exec(background)?.[1];
  if (!hex) return "#000";
  const [r, g, b] = [0, 2, 4].map((i) => parseInt(hex.slice(i, i + 2), 16));
  return 0.299 * r! + 0.587 * g! + 0.114 * b! > 150 ? "#000" : "#fff";
}

export function TagChip({ tag }: { tag: Pick<Tag, "name" | "colour" | "numerical_value" | "inherited"> }) {
  const colour = tag.colour || "#dddddd";
  const value = tag.numerical_value === null || tag.numerical_value === undefined || tag.numerical_value === "" ? null : tag.numerical_value;
  return (
    <span class="tag" style={{ background: colour, color: textColour(colour) }} title={tag.inherited ? "From the event" : undefined}>
      {tag.name}
      {value !== null && <span class="tag-value" aria-label={`numerical value ${value}`}>{String(value)}</span>}
    </span>
  );
}
