/**
 * Tag names, parsed as MISP's scoring parses them. The "base key" of a tag is what a model's
 * `base_score_config` is keyed on, and what decides which event tag an attribute tag overrides.
 */

export type TagKind = "triple" | "pair" | "free";

export interface ParsedTagName {
  name: string;
  kind: TagKind;
  /** "" for free tags. */
  namespace: string;
  /** "" for free tags. */
  predicate: string;
  /** The unquoted value of a triple tag; null otherwise. */
  value: string | null;
  /** `namespace:predicate` for triple tags, `namespace` for two-part tags, the whole name otherwise. */
  base: string;
}

// Each part is at least one character and holds none of `:`, `=` or `"`. MISP tests these with
// PCRE, whose `$` also matches just before one final newline; the `\n?` keeps that edge case.
const TRIPLE = /^([^:="]+):([^:="]+)="([^:="]+)"\n?$/;
const PAIR = /^([^:="]+):([^:="]+)$/;

/**
 * Splits a tag name into namespace, predicate and value, and gives its base key.
 *
 * @example parseTagName('admiralty-scale:source-reliability="a"').base === "admiralty-scale:source-reliability"
 * @example parseTagName("priority-level:high").base === "priority-level"
 * @example parseTagName("thales_group:tlp:black").base === "thales_group:tlp:black"
 */
export function parseTagName(name: string): ParsedTagName {
  const triple = TRIPLE.exec(name);
  if (triple) {
    const [, namespace = "", predicate = "", value = ""] = triple;
    return { name, kind: "triple", namespace, predicate, value, base: `${namespace}:${predicate}` };
  }
  const pair = PAIR.exec(name);
  if (pair) {
    const [, namespace = "", predicate = ""] = pair;
    return { name, kind: "pair", namespace, predicate, value: null, base: namespace };
  }
  return { name, kind: "free", namespace: "", predicate: "", value: null, base: name };
}

// Scoring asks for the same few dozen tag names millions of times; parsing is cheap but not free.
const baseKeyCache = new Map<string, string>();
const BASE_KEY_CACHE_LIMIT = 10_000;

/**
 * The base key of a tag name (see parseTagName), memoised.
 *
 * @example tagBaseKey("tlp:amber") === "tlp"
 */
export function tagBaseKey(name: string): string {
  let base = baseKeyCache.get(name);
  if (base === undefined) {
    base = parseTagName(name).base;
    if (baseKeyCache.size >= BASE_KEY_CACHE_LIMIT) baseKeyCache.clear();
    baseKeyCache.set(name, base);
  }
  return base;
}

/**
 * The name of a triple tag, quoted as MISP writes it.
 *
 * @example tripleTagName("phishing", "state", "active") === 'phishing:state="active"'
 */
export function tripleTagName(namespace: string, predicate: string, value: string): string {
  return `${namespace}:${predicate}="${value}"`;
}
