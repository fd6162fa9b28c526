/**
 * Taxonomies with numerical values, for the base-score configurator: every enabled taxonomy from
 * `/taxonomies/index`, with its tags from `/taxonomies/view/{id}`.
 */
import { parseTagName } from "../../../src/core/tags.js";
import { get } from "./client.js";

export interface ScoredTag {
  name: string;
  /** What the tag means, when the taxonomy says. */
  expanded: string;
  numerical_value: number;
  /** The key a model weighs this tag under (namespace:predicate, or namespace for two-part tags). */
  base: string;
}

export interface ScoringTaxonomy {
  id: string;
  namespace: string;
  description: string;
  /** Tags with a numerical value, grouped by base key, in the taxonomy's order. */
  groups: Array<{ base: string; tags: ScoredTag[] }>;
  /** How many of the taxonomy's tags have no numerical value. */
  withoutValue: number;
}

interface IndexRow {
  Taxonomy: { id: string | number; namespace: string; description?: string; enabled: boolean | number | string };
}

interface ViewAnswer {
  entries: Array<{ tag: string; expanded?: string; numerical_value: number | string | null }>;
}

const enabled = (value: unknown) => value === true || value === 1 || value === "1";

export async function scoringTaxonomies(): Promise<{ taxonomies: ScoringTaxonomy[]; excluded: Array<{ namespace: string; reason: string }> }> {
  const index = await get<IndexRow[]>("/taxonomies/index");
  const active = index.filter((row) => enabled(row.Taxonomy.enabled));
  const views = await Promise.all(active.map((row) => get<ViewAnswer>(`/taxonomies/view/${encodeURIComponent(String(row.Taxonomy.id))}`)));
  const taxonomies: ScoringTaxonomy[] = [];
  const excluded: Array<{ namespace: string; reason: string }> = [];
  active.forEach((row, i) => {
    const entries = views[i]?.entries ?? [];
    const groups = new Map<string, ScoredTag[]>();
    let withoutValue = 0;
    for (const entry of entries) {
      const value = entry.numerical_value === null || entry.numerical_value === "" ? NaN : Number(entry.numerical_value);
      if (!Number.isFinite(value)) {
        withoutValue++;
        continue;
      }
      const base = parseTagName(entry.tag).base;
      const list = groups.get(base) ?? [];
      list.push({ name: entry.tag, expanded: entry.expanded ?? "", numerical_value: value, base });
      groups.set(base, list);
    }
    if (groups.size === 0) {
      excluded.push({ namespace: row.Taxonomy.namespace, reason: "none of its tags has a numerical value" });
      return;
    }
    taxonomies.push({
      id: String(row.Taxonomy.id),
      namespace: row.Taxonomy.namespace,
      description: row.Taxonomy.description ?? "",
      groups: [...groups].map(([base, tags]) => ({ base, tags })),
      withoutValue,
    });
  });
  taxonomies.sort((a, b) => a.namespace.localeCompare(b.namespace));
  return { taxonomies, excluded };
}

export interface DescribeTypes {
  types: string[];
  categories: string[];
  sane_defaults: Record<string, { default_category: string; to_ids: number | boolean }>;
}

export async function describeTypes(): Promise<DescribeTypes> {
  const answer = await get<{ result: DescribeTypes }>("/attributes/describeTypes.json");
  return answer.result;
}
