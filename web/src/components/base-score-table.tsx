/**
 * The arithmetic of a base score as a table: for each counted tag, its effective ratio times its
 * numerical value and the product, then their sum. The configurator and the simulation both show it.
 */
import type { ComponentChildren } from "preact";
import { formatScore } from "../lib/format.js";

export interface BaseScoreRow {
  key: string;
  /** How the tag is shown: its name, or a chip with its colour. */
  tag: ComponentChildren;
  ratio: number;
  value: number;
}

export function BaseScoreTable(props: { label: string; rows: readonly BaseScoreRow[]; baseScore: number; testId?: string; totalTestId?: string }) {
  return (
    <table class="data-table compact" aria-label={props.label} data-testid={props.testId}>
      <thead>
        <tr>
          <th scope="col">Tag</th>
          <th scope="col" class="number">Effective ratio × value</th>
          <th scope="col" class="number">Result</th>
        </tr>
      </thead>
      <tbody>
        {props.rows.map((row) => (
          <tr key={row.key}>
            <td>{row.tag}</td>
            <td class="number">
              {row.ratio.toFixed(4)} × {row.value}
            </td>
            <td class="number">{formatScore(row.ratio * row.value)}</td>
          </tr>
        ))}
        <tr class="total">
          <th scope="row" colSpan={2}>
            Base score
          </th>
          <td class="number" data-testid={props.totalTestId}>
            {formatScore(props.baseScore)}
          </td>
        </tr>
      </tbody>
    </table>
  );
}
