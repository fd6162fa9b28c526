/**
 * Example tag sets and their base scores: one chosen by hand, three drawn at random from the
 * weighted taxonomies. Choosing a row shows its computation step by step.
 */
import { useMemo, useState } from "preact/hooks";
import type { ScoredTag, ScoringTaxonomy } from "../../api/taxonomies.js";
import { formatScore } from "../../lib/format.js";
import { exampleBaseScore, type ExampleTag } from "../../lib/weights.js";
import { ComputationSteps } from "./computation-steps.js";

interface Props {
  taxonomies: ScoringTaxonomy[];
  weights: Record<string, number>;
  defaultBaseScore: number;
}

function pick<T>(items: readonly T[], count: number): T[] {
  const pool = [...items];
  const out: T[] = [];
  while (out.length < count && pool.length) out.push(pool.splice(Math.floor(Math.random() * pool.length), 1)[0]!);
  return out;
}

/** 1 to 3 tags, each from a different weighted key (or any key, when nothing is weighted yet). */
function randomSet(groups: Array<{ base: string; tags: ScoredTag[] }>, weights: Record<string, number>): ExampleTag[] {
  const weighted = groups.filter((g) => (weights[g.base] ?? 0) > 0);
  const pool = weighted.length ? weighted : groups;
  return pick(pool, 1 + Math.floor(Math.random() * 3)).map((group) => pick(group.tags, 1)[0]!);
}

export function ExampleTagSets({ taxonomies, weights, defaultBaseScore }: Props) {
  const groups = useMemo(() => taxonomies.flatMap((t) => t.groups), [taxonomies]);
  const allTags = useMemo(() => new Map(groups.flatMap((g) => g.tags.map((tag) => [tag.name, tag] as const))), [groups]);
  const [chosen, setChosen] = useState<ExampleTag[]>([]);
  const [random, setRandom] = useState<ExampleTag[][]>(() => [0, 1, 2].map(() => randomSet(groups, weights)));
  const [selected, setSelected] = useState(0);

  const rows = [{ label: "Chosen by hand", tags: chosen }, ...random.map((tags, i) => ({ label: `Random ${i + 1}`, tags }))];
  const results = rows.map((row) => {
    try {
      return { result: exampleBaseScore(weights, defaultBaseScore, row.tags), error: null };
    } catch (e) {
      return { result: null, error: (e as Error).message };
    }
  });
  const current = results[selected];

  const add = (name: string) => {
    const tag = allTags.get(name);
    if (tag && !chosen.some((t) => t.name === name)) setChosen([...chosen, tag]);
  };

  return (
    <div class="examples">
      <div class="toolbar">
        <label for="example-add-tag">Add a tag to the hand-picked example</label>
        <select
          id="example-add-tag"
          value=""
          onChange={(e) => {
            add((e.currentTarget as HTMLSelectElement).value);
            setSelected(0);
          }}
        >
          <option value="">Choose a tag…</option>
          {taxonomies.map((t) => (
            <optgroup key={t.namespace} label={t.namespace}>
              {t.groups.flatMap((g) =>
                g.tags.map((tag) => (
                  <option key={tag.name} value={tag.name}>
                    {tag.name} ({tag.numerical_value})
                  </option>
                )),
              )}
            </optgroup>
          ))}
        </select>
        <button type="button" class="button-small" onClick={() => setRandom([0, 1, 2].map(() => randomSet(groups, weights)))}>
          New random examples
        </button>
      </div>
      <table class="data-table compact" aria-label="Example tag sets">
        <thead>
          <tr>
            <th scope="col">Example</th>
            <th scope="col">Tags</th>
            <th scope="col" class="number">Base score</th>
            <th scope="col">Steps</th>
          </tr>
        </thead>
        <tbody>
          {rows.map((row, i) => (
            <tr key={row.label} class={i === selected ? "selected" : undefined} data-example={i}>
              <th scope="row">{row.label}</th>
              <td>
                {row.tags.length === 0 && <span class="help">no tags yet</span>}
                {row.tags.map((tag) => (
                  <span class="tag tag-plain" key={tag.name}>
                    {tag.name} <span class="tag-value">{tag.numerical_value}</span>
                    {i === 0 && (
                      <button type="button" class="tag-remove" aria-label={`Remove ${tag.name}`} onClick={() => setChosen(chosen.filter((t) => t.name !== tag.name))}>
                        ×
                      </button>
                    )}
                  </span>
                ))}
              </td>
              <td class="number" data-testid="example-base-score" data-value={results[i]!.result ? String(results[i]!.result!.baseScore) : ""}>
                {results[i]!.result ? formatScore(results[i]!.result!.baseScore) : results[i]!.error}
              </td>
              <td>
                <button type="button" class="button-small" aria-pressed={i === selected} onClick={() => setSelected(i)}>
                  Show steps<span class="visually-hidden"> for {row.label}</span>
                </button>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      <h4>Computation steps: {rows[selected]!.label.toLowerCase()}</h4>
      {current?.result ? <ComputationSteps result={current.result} defaultBaseScore={defaultBaseScore} /> : <p>{current?.error}</p>}
    </div>
  );
}
