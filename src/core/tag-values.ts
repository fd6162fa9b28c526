/**
 * Where a tag's numerical value comes from when the tag itself does not carry one: the taxonomies
 * Halflife knows. MISP stores the value on the tag when a taxonomy creates it; files exported from
 * elsewhere often leave it out.
 */
import { BUILTIN_TAXONOMIES } from "./data/taxonomies.js";
import { taxonomyTags, type Taxonomy } from "./taxonomy.js";
import type { TagLink } from "./types.js";

/** Tag name → numerical value, over the given taxonomies (later ones win). */
export function tagValueTable(taxonomies: readonly Taxonomy[] = BUILTIN_TAXONOMIES): Map<string, number> {
  const table = new Map<string, number>();
  for (const taxonomy of taxonomies) {
    for (const tag of taxonomyTags(taxonomy)) if (tag.numerical_value !== null) table.set(tag.name, tag.numerical_value);
  }
  return table;
}

/**
 * Tags with a numerical value filled in from the table where they have none of their own.
 *
 * @example withTagValues([{ Tag: { name: "retention:1y" } }], tagValueTable())[0].Tag.numerical_value === 365
 */
export function withTagValues(links: readonly TagLink[], table: ReadonlyMap<string, number>): TagLink[] {
  return links.map((link) => {
    const own = link.Tag.numerical_value;
    if (own !== undefined && own !== null && own !== "") return link;
    const known = table.get(link.Tag.name);
    return known === undefined ? link : { ...link, Tag: { ...link.Tag, numerical_value: known } };
  });
}
