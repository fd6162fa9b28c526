/** How a base score came about: each tag, its effective ratio times its value, and the sum. */
import type { BaseScoreResult } from "../../../../src/core/base-score.js";
import { tagBaseKey } from "../../../../src/core/tags.js";
import { formatScore } from "../../lib/format.js";

export function ComputationSteps({ result, defaultBaseScore }: { result: BaseScoreResult; defaultBaseScore: number }) {
  const counted = result.tags.filter((link) => result.effectiveRatios[tagBaseKey(link.Tag.name)] !== undefined);
  if (counted.length === 0) {
    return (
      <p class="notice notice-warning" data-testid="computation-steps">
        None of these tags has a weight in this model, so the base score is the default base score: {formatScore(defaultBaseScore)}.
      </p>
    );
  }
  return (
    <table class="data-table compact" aria-label="Computation steps" data-testid="computation-steps">
      <thead>
        <tr>
          <th scope="col">Tag</th>
          <th scope="col" class="number">Effective ratio × value</th>
          <th scope="col" class="number">Result</th>
        </tr>
      </thead>
      <tbody>
        {counted.map((link) => {
          const ratio = result.effectiveRatios[tagBaseKey(link.Tag.name)]!;
          const value = Number(link.Tag.numerical_value ?? 0);
          return (
            <tr key={link.Tag.name}>
              <td>
                <code>{link.Tag.name}</code>
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
          <td class="number">{formatScore(result.baseScore)}</td>
        </tr>
      </tbody>
    </table>
  );
}
