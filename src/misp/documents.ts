/**
 * Walking MISP JSON documents: a single event (`{"Event": {...}}` or bare), a list of events, an
 * events restSearch answer (`{"response": [...]}`), or an attributes restSearch answer
 * (`{"response": {"Attribute": [...]}}`). Yields every attribute, object attributes included, with
 * the tags it inherits from its event.
 */
import { invalidInput } from "../core/errors.js";
import type { TagLink } from "../core/types.js";

type Json = Record<string, unknown>;

export interface AttributeSite {
  /** The attribute object inside the document; writing to it changes the document. */
  attribute: Json;
  /** Its event's tags, wrapped as `{ Tag }`. */
  eventTags: TagLink[];
  /** Its own tags, wrapped as `{ Tag }` (inherited event tags taken out). */
  attributeTags: TagLink[];
  /** Where it is, for error messages: "Event[2].Object[0].Attribute[5]". */
  path: string;
}

const isObject = (value: unknown): value is Json => value !== null && typeof value === "object" && !Array.isArray(value);

/** MISP serialises tags as a flat list of tag objects; scoring wants `{ Tag }` links. */
function tagLinks(tags: unknown, path: string): TagLink[] {
  if (tags === undefined || tags === null) return [];
  if (!Array.isArray(tags)) throw invalidInput(`${path}.Tag`, "must be a list");
  return tags.map((tag, i) => {
    const inner = isObject(tag) && isObject(tag.Tag) ? tag.Tag : tag;
    if (!isObject(inner) || typeof inner.name !== "string") throw invalidInput(`${path}.Tag[${i}].name`, "must be a string");
    return { Tag: inner as TagLink["Tag"] };
  });
}

function list(value: unknown, path: string): unknown[] {
  if (value === undefined || value === null) return [];
  if (!Array.isArray(value)) throw invalidInput(path, "must be a list");
  return value;
}

function* eventAttributes(event: Json, path: string): Generator<AttributeSite> {
  const eventTags = tagLinks(event.Tag ?? event.EventTag, path);
  const visit = function* (attributes: unknown, at: string): Generator<AttributeSite> {
    for (const [i, attribute] of list(attributes, at).entries()) {
      if (!isObject(attribute)) throw invalidInput(`${at}[${i}]`, "must be an object");
      yield { attribute, eventTags, attributeTags: tagLinks(attribute.Tag, `${at}[${i}]`), path: `${at}[${i}]` };
    }
  };
  yield* visit(event.Attribute, `${path}.Attribute`);
  for (const [i, object] of list(event.Object, `${path}.Object`).entries()) {
    if (!isObject(object)) throw invalidInput(`${path}.Object[${i}]`, "must be an object");
    yield* visit(object.Attribute, `${path}.Object[${i}].Attribute`);
  }
}

function* flatAttributes(attributes: unknown[], path: string): Generator<AttributeSite> {
  for (const [i, attribute] of attributes.entries()) {
    const at = `${path}[${i}]`;
    if (!isObject(attribute)) throw invalidInput(at, "must be an object");
    // restSearch marks event tags copied onto an attribute with `inherited`.
    const tags = tagLinks(attribute.Tag, at);
    const inherited = (link: TagLink) => link.Tag.inherited === 1 || link.Tag.inherited === true || link.Tag.inherited === "1";
    yield {
      attribute,
      eventTags: [...tagLinks(attribute.EventTag, at), ...tags.filter(inherited)],
      attributeTags: tags.filter((link) => !inherited(link)),
      path: at,
    };
  }
}

const looksLikeEvent = (value: Json) => ["info", "date", "Orgc", "Object", "threat_level_id", "uuid"].some((key) => key in value);

/**
 * Every attribute in a MISP JSON document.
 *
 * @throws HalflifeError INVALID_INPUT when the document is not one of the shapes above.
 */
export function* attributesOf(document: unknown, path = "document"): Generator<AttributeSite> {
  if (Array.isArray(document)) {
    for (const [i, item] of document.entries()) yield* attributesOf(item, `${path}[${i}]`);
    return;
  }
  if (!isObject(document)) throw invalidInput(path, "is not a MISP event, list of events or restSearch result");
  if ("response" in document) return yield* attributesOf(document.response, `${path}.response`);
  if (isObject(document.Event)) return yield* eventAttributes(document.Event, `${path}.Event`);
  if (Array.isArray(document.Attribute) && !looksLikeEvent(document)) {
    return yield* flatAttributes(document.Attribute, `${path}.Attribute`);
  }
  if (looksLikeEvent(document) || Array.isArray(document.Attribute)) return yield* eventAttributes(document, path);
  throw invalidInput(path, "is not a MISP event, list of events or restSearch result");
}
