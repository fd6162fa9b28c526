/** How a base score came about: each tag, its effective ratio times its value, and the sum. */
import type { BaseScoreResult } from "../../../../src/core/base-score.js";
import { tagBaseKey } from "../../../../src/core/tags.js";
import { formatScore } from "../../lib/format.js";
import { BaseScoreTable } from "../base-score-table.js";

export function ComputationSteps({ result, defaultBaseScore }: { result: BaseScoreResult; defaultBaseScore: number }) {
  const counted = result.tags.filter((link) => result.effectiveRatios[tagBaseKey(link.Tag.name)] !== undefined);
  if (counted.length === 0) {
    return (
      <p class="notice notice-warning" data-testid="computation-steps">
        None of these tags has a weight in this model, so the base score is the default base score: {formatScore(defaultBaseScore)}.
      </p>
    );
  }
  const rows = counted.map((link) => ({
    key: link.Tag.name,
    tag: <code>{link.Tag.name}</code>,
    ratio: result.effectiveRatios[tagBaseKey(link.Tag.name)]!,
    value: Number(link.Tag.numerical_value ?? 0),
  }));
  return <BaseScoreTable label="Computation steps" testId="computation-steps" rows={rows} baseScore={result.baseScore} />;
}
