/**
 * Taxonomies: vocabularies of machine tags, some of which carry numerical values that base scores
 * are made of. This module reads MISP's machinetag.json format and derives the tags a taxonomy
 * defines. It is pure: the caller reads the files.
 */
import { invalidInput } from "./errors.js";
import { toNumber } from "./numeric.js";
import { tripleTagName } from "./tags.js";

export interface TaxonomyEntry {
  value: string;
  expanded?: string;
  description?: string;
  colour?: string;
  numerical_value?: number;
}

export interface TaxonomyPredicate extends TaxonomyEntry {
  exclusive?: boolean;
  /** Values of the predicate; a predicate without entries is itself a two-part tag. */
  entries?: TaxonomyEntry[];
}

export interface Taxonomy {
  namespace: string;
  description: string;
  version: number;
  expanded?: string;
  exclusive?: boolean;
  predicates: TaxonomyPredicate[];
}

/** A tag a taxonomy defines, with its numerical value (null when it has none). */
export interface TaxonomyTag {
  name: string;
  numerical_value: number | null;
  colour: string | null;
  expanded: string;
  predicate: string;
  entry: string | null;
}

/**
 * Every tag a taxonomy defines: `namespace:predicate="value"` for each entry of a predicate, and
 * `namespace:predicate` for a predicate without entries.
 *
 * @example taxonomyTags(retention).find(t => t.name === "retention:1y")?.numerical_value === 365
 */
export function taxonomyTags(taxonomy: Taxonomy): TaxonomyTag[] {
  const tags: TaxonomyTag[] = [];
  for (const predicate of taxonomy.predicates) {
    if (predicate.entries && predicate.entries.length > 0) {
      for (const entry of predicate.entries) {
        tags.push({
          name: tripleTagName(taxonomy.namespace, predicate.value, entry.value),
          numerical_value: entry.numerical_value ?? null,
          colour: entry.colour ?? null,
          expanded: entry.expanded ?? entry.value,
          predicate: predicate.value,
          entry: entry.value,
        });
      }
    } else {
      tags.push({
        name: `${taxonomy.namespace}:${predicate.value}`,
        numerical_value: predicate.numerical_value ?? null,
        colour: predicate.colour ?? null,
        expanded: predicate.expanded ?? predicate.value,
        predicate: predicate.value,
        entry: null,
      });
    }
  }
  return tags;
}

/** True when at least one tag of the taxonomy has a numerical value. */
export function hasNumericalValues(taxonomy: Taxonomy): boolean {
  return taxonomyTags(taxonomy).some((tag) => tag.numerical_value !== null);
}

// ---------------------------------------------------------------------------------------------
// machinetag.json

type Json = Record<string, unknown>;

function isObject(value: unknown): value is Json {
  return value !== null && typeof value === "object" && !Array.isArray(value);
}

function optionalString(object: Json, key: string, where: string): string | undefined {
  const value = object[key];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== "string") throw invalidInput(`${where}.${key}`, "must be a string");
  return value;
}

function requiredString(object: Json, key: string, where: string): string {
  const value = optionalString(object, key, where);
  if (value === undefined || value === "") throw invalidInput(`${where}.${key}`, "is required");
  return value;
}

function numericalValue(object: Json, where: string): number | undefined {
  const raw = object.numerical_value;
  if (raw === undefined || raw === null) return undefined;
  const value = toNumber(raw);
  if (value === undefined || !Number.isFinite(value)) throw invalidInput(`${where}.numerical_value`, "must be a number");
  return value;
}

function entryFrom(object: unknown, where: string): TaxonomyEntry {
  if (!isObject(object)) throw invalidInput(where, "must be an object");
  const entry: TaxonomyEntry = { value: requiredString(object, "value", where) };
  const expanded = optionalString(object, "expanded", where);
  const description = optionalString(object, "description", where);
  const colour = optionalString(object, "colour", where);
  const value = numericalValue(object, where);
  if (expanded !== undefined) entry.expanded = expanded;
  if (description !== undefined) entry.description = description;
  if (colour !== undefined) entry.colour = colour;
  if (value !== undefined) entry.numerical_value = value;
  return entry;
}

/**
 * Reads a taxonomy in MISP's machinetag.json format (namespace, description, version, predicates,
 * and optional values with entries).
 *
 * @throws HalflifeError INVALID_INPUT naming the field at fault, e.g. "predicates[2].value".
 */
export function parseMachinetag(document: unknown): Taxonomy {
  if (!isObject(document)) throw invalidInput("taxonomy", "must be a JSON object");
  const namespace = requiredString(document, "namespace", "taxonomy");
  const version = toNumber(document.version ?? 1);
  if (version === undefined || !Number.isInteger(version)) throw invalidInput("taxonomy.version", "must be an integer");
  if (!Array.isArray(document.predicates)) throw invalidInput("taxonomy.predicates", "must be a list");

  const predicates: TaxonomyPredicate[] = document.predicates.map((raw, i) => {
    const predicate: TaxonomyPredicate = entryFrom(raw, `predicates[${i}]`);
    if (isObject(raw) && typeof raw.exclusive === "boolean") predicate.exclusive = raw.exclusive;
    return predicate;
  });
  const byValue = new Map(predicates.map((p) => [p.value, p]));

  const values = document.values ?? [];
  if (!Array.isArray(values)) throw invalidInput("taxonomy.values", "must be a list");
  values.forEach((raw, i) => {
    const where = `values[${i}]`;
    if (!isObject(raw)) throw invalidInput(where, "must be an object");
    const name = requiredString(raw, "predicate", where);
    const rawEntries = raw.entry ?? [];
    if (!Array.isArray(rawEntries)) throw invalidInput(`${where}.entry`, "must be a list");
    let predicate = byValue.get(name);
    if (!predicate) {
      // Values for an undeclared predicate still define tags; keep them rather than lose data.
      predicate = { value: name };
      predicates.push(predicate);
      byValue.set(name, predicate);
    }
    predicate.entries = [...(predicate.entries ?? []), ...rawEntries.map((e, j) => entryFrom(e, `${where}.entry[${j}]`))];
  });

  const taxonomy: Taxonomy = {
    namespace,
    description: optionalString(document, "description", "taxonomy") ?? "",
    version,
    predicates,
  };
  const expanded = optionalString(document, "expanded", "taxonomy");
  if (expanded !== undefined) taxonomy.expanded = expanded;
  if (typeof document.exclusive === "boolean") taxonomy.exclusive = document.exclusive;
  return taxonomy;
}
