/**
 * JSON read with bounds. `JSON.parse` itself copes with any nesting, but everything that walks the
 * result afterwards (validation, presenters, `JSON.stringify` when a value is stored) recurses, so a
 * body nested a few thousand levels deep would overflow the stack there. No MISP document nests
 * deeper than a dozen levels (a request wrapping an event, its objects, their attributes, their
 * tags and sightings), so everything read from outside is held to MAX_JSON_DEPTH. The same walk
 * refuses NUL characters, which PostgreSQL cannot store in text.
 */
import { invalidInput } from "./errors.js";

/** The deepest nesting of arrays and objects accepted in any JSON read from outside. */
export const MAX_JSON_DEPTH = 64;

export interface JsonCheckOptions {
  /** Refuse NUL characters in strings and keys (default true). */
  refuseNul?: boolean;
  maxDepth?: number;
}

/**
 * Checks a parsed JSON value without recursion: nesting no deeper than `maxDepth`, and no NUL
 * character in any string or key. Names the field at fault (`Attribute.0.value`).
 *
 * @example checkJsonValue({ a: [1, "x"] }, "body") // passes
 * @throws HalflifeError INVALID_INPUT naming the field.
 */
export function checkJsonValue(value: unknown, field: string, options: JsonCheckOptions = {}): void {
  const maxDepth = options.maxDepth ?? MAX_JSON_DEPTH;
  const refuseNul = options.refuseNul ?? true;
  const stack: Array<{ value: unknown; path: string; depth: number }> = [{ value, path: "", depth: 0 }];
  const name = (path: string) => (path === "" ? field : field === "body" ? path : `${field}.${path}`);
  while (stack.length > 0) {
    const { value: item, path, depth } = stack.pop()!;
    if (typeof item === "string") {
      if (refuseNul && item.includes("\u0000")) throw invalidInput(name(path), "must not contain NUL characters");
      continue;
    }
    if (item === null || typeof item !== "object") continue;
    // Named by its outermost key: the full path of a too-deep value is as long as the value is deep.
    if (depth >= maxDepth) throw invalidInput(field === "body" ? path.split(".")[0] || "body" : field, `nests deeper than ${maxDepth} levels of arrays and objects`);
    const child = (key: string) => (path === "" ? key : `${path}.${key}`);
    if (Array.isArray(item)) {
      for (let i = item.length - 1; i >= 0; i--) stack.push({ value: item[i], path: child(String(i)), depth: depth + 1 });
      continue;
    }
    const entries = Object.entries(item);
    for (let i = entries.length - 1; i >= 0; i--) {
      const [key, nested] = entries[i]!;
      if (refuseNul && key.includes("\u0000")) throw invalidInput(name(path), "must not contain NUL characters in its keys");
      stack.push({ value: nested, path: child(key), depth: depth + 1 });
    }
  }
}

/**
 * Parses JSON text from outside (a body, a form field, a JSON string inside a body), held to the
 * bounds above.
 *
 * @example parseBoundedJson('{"threshold": 30}', "modelOverrides") // → { threshold: 30 }
 * @throws HalflifeError INVALID_INPUT naming `field` when the text is not JSON or breaks a bound.
 */
export function parseBoundedJson(text: string, field: string, options: JsonCheckOptions = {}): unknown {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    throw invalidInput(field, "is not valid JSON");
  }
  checkJsonValue(value, field, options);
  return value;
}
