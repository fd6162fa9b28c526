/**
 * The base-score configurator: every enabled taxonomy with numerical values, a weight per key
 * (namespace:predicate, or the namespace for two-part tags), each weight's share, the default base
 * score, and example tag sets computed as the server computes them.
 */
import type { ScoringTaxonomy } from "../../api/taxonomies.js";
import { shares } from "../../lib/weights.js";
import { SliderField } from "../slider-field.js";
import { ExampleTagSets } from "./example-tag-sets.js";
import { ShareBar } from "./share-bar.js";
import { WeightRow } from "./weight-row.js";

interface Props {
  taxonomies: ScoringTaxonomy[];
  excluded: Array<{ namespace: string; reason: string }>;
  weights: Record<string, number>;
  onWeights(weights: Record<string, number>): void;
  defaultBaseScore: number;
  onDefaultBaseScore(value: number): void;
}

export function BaseScoreConfigurator({ taxonomies, excluded, weights, onWeights, defaultBaseScore, onDefaultBaseScore }: Props) {
  const share = shares(weights);
  const known = new Set(taxonomies.flatMap((t) => t.groups.map((g) => g.base)));
  // Keys the model weighs that no enabled taxonomy offers: kept and shown, never silently dropped.
  const others = Object.keys(weights).filter((key) => !known.has(key));
  const set = (key: string) => (weight: number) => onWeights({ ...weights, [key]: weight });
  const weightedCount = Object.values(weights).filter((w) => w > 0).length;

  return (
    <div class="base-score">
      <p class="help">
        An attribute's base score is the weighted average of the numerical values of its tags (an attribute's tag overrides its event's tag
        with the same key), over the keys weighted here that it carries. With none of them, it gets the default base score.
      </p>
      <SliderField label="Default base score" value={defaultBaseScore} onChange={onDefaultBaseScore} min={0} max={100} step={1} help="For attributes without a weighted tag." />
      <h3>
        Weights <span class="count">({weightedCount} weighted)</span>
      </h3>
      <ShareBar shares={share} />
      <div class="taxonomy-list">
        {taxonomies.map((taxonomy) => {
          const weighted = taxonomy.groups.filter((g) => (weights[g.base] ?? 0) > 0).length;
          return (
            <details key={taxonomy.namespace} open={weighted > 0} class="taxonomy">
              <summary>
                <strong>{taxonomy.namespace}</strong> <span class="help">{taxonomy.groups.length} key{taxonomy.groups.length === 1 ? "" : "s"}{weighted ? `, ${weighted} weighted` : ""}{taxonomy.withoutValue ? `; ${taxonomy.withoutValue} tags without a value` : ""}</span>
              </summary>
              {taxonomy.groups.map((group) => (
                <WeightRow key={group.base} base={group.base} tags={group.tags} weight={weights[group.base] ?? 0} share={share[group.base] ?? 0} onChange={set(group.base)} />
              ))}
            </details>
          );
        })}
        {others.length > 0 && (
          <details open class="taxonomy">
            <summary>
              <strong>Other keys of this model</strong> <span class="help">no enabled taxonomy offers them</span>
            </summary>
            {others.map((key) => (
              <WeightRow key={key} base={key} tags={[]} weight={weights[key] ?? 0} share={share[key] ?? 0} onChange={set(key)} />
            ))}
          </details>
        )}
      </div>
      {excluded.length > 0 && (
        <details class="excluded">
          <summary>
            {excluded.length === 1 ? "1 enabled taxonomy has" : `${excluded.length} enabled taxonomies have`} no numerical values
          </summary>
          <ul>
            {excluded.map((e) => (
              <li key={e.namespace}>
                {e.namespace}: {e.reason}
              </li>
            ))}
          </ul>
        </details>
      )}
      <h3>Examples</h3>
      <ExampleTagSets taxonomies={taxonomies} weights={weights} defaultBaseScore={defaultBaseScore} />
    </div>
  );
}
