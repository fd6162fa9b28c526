/** The base score of a simulated attribute, step by step, with the event tags its own tags overrode. */
import type { BaseScoreSteps as Steps } from "../../api/simulation.js";
import type { Tag } from "../../api/events.js";
import { tagBaseKey } from "../../../../src/core/tags.js";
import { formatScore } from "../../lib/format.js";
import { TagChip } from "../tag-chip.js";
import { BaseScoreTable } from "../base-score-table.js";

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
        <BaseScoreTable
          label="Base score computation"
          totalTestId="simulation-base-score"
          baseScore={steps.base_score}
          rows={counted.map((tag) => ({ key: tag.name, tag: <TagChip tag={tag} />, ratio: ratios[tagBaseKey(tag.name)]!, value: Number(tag.numerical_value ?? 0) }))}
        />
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
