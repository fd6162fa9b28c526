/**
 * MISP's attribute type table: the `GET /attributes/describeTypes.json` document, and the lookups
 * that validation and defaults need (is this a type, which category does it get, may it go in
 * that category). The facts are in `describe-types-table.ts`.
 */
import { CATEGORY_NAMES, CATEGORY_TYPES, TYPE_DEFAULTS } from "./describe-types-table.js";
import type { CategoryKey, KnownType } from "./describe-types-table.js";

export type { KnownType } from "./describe-types-table.js";

/** MISP's `describeTypes` document, as `GET /attributes/describeTypes.json` returns it. */
export interface DescribeTypesDocument {
  result: {
    sane_defaults: Record<string, { default_category: string; to_ids: 0 | 1 }>;
    types: string[];
    categories: string[];
    category_type_mappings: Record<string, string[]>;
  };
}

const categoryKeys = Object.keys(CATEGORY_NAMES) as CategoryKey[];

/** Every attribute type, in MISP's order. */
export const KNOWN_TYPES: readonly KnownType[] = Object.freeze(TYPE_DEFAULTS.map(([type]) => type));

/** Every category, in MISP's order. */
export const KNOWN_CATEGORIES: readonly string[] = Object.freeze(categoryKeys.map((key) => CATEGORY_NAMES[key]));

const defaults = new Map<string, { category: string; toIds: boolean }>(
  TYPE_DEFAULTS.map(([type, category, toIds]) => [type, { category: CATEGORY_NAMES[category], toIds: toIds === 1 }]),
);

const typesByCategory = new Map<string, ReadonlySet<string>>(
  categoryKeys.map((key) => [CATEGORY_NAMES[key], new Set<string>(CATEGORY_TYPES[key])]),
);

/**
 * Whether MISP knows this attribute type. Types are case-sensitive, as in MISP.
 * @example isKnownType("ip-dst") // true; isKnownType("IP-DST") // false
 */
export function isKnownType(type: string): type is KnownType {
  return defaults.has(type);
}

/** Whether MISP knows this category, e.g. `"Network activity"`. */
export function isKnownCategory(category: string): boolean {
  return typesByCategory.has(category);
}

/**
 * The category a new attribute of this type gets when none is given; undefined for an unknown type.
 * @example defaultCategory("md5") // "Payload delivery"
 */
export function defaultCategory(type: string): string | undefined {
  return defaults.get(type)?.category;
}

/**
 * Whether a new attribute of this type is IDS-actionable (`to_ids`) by default; undefined for an
 * unknown type.
 * @example defaultToIds("ip-dst") // true; defaultToIds("comment") // false
 */
export function defaultToIds(type: string): boolean | undefined {
  return defaults.get(type)?.toIds;
}

/**
 * Whether MISP lets an attribute of this type sit in this category.
 * @example isValidCategoryForType("Network activity", "ip-dst") // true
 */
export function isValidCategoryForType(category: string, type: string): boolean {
  return typesByCategory.get(category)?.has(type) ?? false;
}

/**
 * MISP's `describeTypes` document, built afresh on each call so that a caller may change it.
 * @example describeTypes().result.types[0] // "md5"
 */
export function describeTypes(): DescribeTypesDocument {
  const saneDefaults: DescribeTypesDocument["result"]["sane_defaults"] = {};
  for (const [type, category, toIds] of TYPE_DEFAULTS) {
    saneDefaults[type] = { default_category: CATEGORY_NAMES[category], to_ids: toIds };
  }
  const mappings: DescribeTypesDocument["result"]["category_type_mappings"] = {};
  for (const key of categoryKeys) mappings[CATEGORY_NAMES[key]] = [...CATEGORY_TYPES[key]];
  return {
    result: {
      sane_defaults: saneDefaults,
      types: [...KNOWN_TYPES],
      categories: [...KNOWN_CATEGORIES],
      category_type_mappings: mappings,
    },
  };
}
