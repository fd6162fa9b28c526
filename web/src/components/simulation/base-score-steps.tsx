/** The base score of a simulated attribute, step by step, with the event tags its own tags overrode. */
import type { BaseScoreSteps as Steps } from "../../api/simulation.js";
import type { Tag } from "../../api/events.js";
import { tagBaseKey } from "../../../../src/core/tags.js";
import { formatScore } from "../../lib/format.js";
import { TagChip } from "../tag-chip.js";

const unwrap = (entry: { Tag: Tag } | Tag): Tag => ("Tag" in entry && entry.Tag ? entry.Tag : (entry as Tag));

export function BaseScoreSteps({ steps }: { steps: Steps }) {
  const tags = (steps.tags ?? []).map(unwrap);
  const ratios = steps.taxonomy_effective_ratios ?? {};
  const counted = tags.filter((tag) => ratios[tagBaseKey(tag.name)] !== undefined);
  const overridden = (steps.overridden ?? []).filter((o) => o.EventTag);
  return (
    <div class="base-score-steps">
      {counted.length === 0 ? (
        <p class={`notice ${steps.base_score > 0 ? "notice-warning" : "notice-error"}`}>
          {steps.base_score > 0
            ? `No weighted tag on this attribute or its event: the model's default base score applies (${formatScore(steps.base_score)}).`
            : "No weighted tag on this attribute or its event, and the model has no default base score: the score is 0."}
        </p>
      ) : (
        <table class="data-table compact" aria-label="Base score computation">
          <thead>
            <tr>
              <th scope="col">Tag</th>
              <th scope="col" class="number">Effective ratio × value</th>
              <th scope="col" class="number">Result</th>
            </tr>
          </thead>
          <tbody>
            {counted.map((tag) => {
              const ratio = ratios[tagBaseKey(tag.name)]!;
              const value = Number(tag.numerical_value ?? 0);
              return (
                <tr key={tag.name}>
                  <td>
                    <TagChip tag={tag} />
                  </td>
                  <td class="number">
                    {ratio.toFixed(4)} × {value}
                  </td>
                  <td class="number">{formatScore(ratio * value)}</td>
                </tr>
              );
            })}
            <tr class="total">
              <th scope="row" colSpan={2}>
                Base score
              </th>
              <td class="number" data-testid="simulation-base-score">
                {formatScore(steps.base_score)}
              </td>
            </tr>
          </tbody>
        </table>
      )}
      {overridden.length > 0 && (
        <p class="help">
          Overridden event tags:{" "}
          {overridden.map((o) => (
            <span key={unwrap(o.EventTag!).name} class="overridden">
              <TagChip tag={unwrap(o.EventTag!)} /> by <TagChip tag={unwrap(o.AttributeTag)} />
            </span>
          ))}
        </p>
      )}
    </div>
  );
}
