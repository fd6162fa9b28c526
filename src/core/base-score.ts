/**
 * The base score: how much an attribute is worth before time decays it, from the numerical values
 * of its tags and its event's tags, weighted by the model's `base_score_config`.
 */
import { invalidModel } from "./errors.js";
import { floatval, isNumeric } from "./numeric.js";
import { tagBaseKey } from "./tags.js";
import type { AttributeInput, ModelInput, TagLink } from "./types.js";

/** An event tag that an attribute tag with the same base key replaced. */
export interface OverriddenTag {
  /** The tag that was replaced: usually an event tag; an earlier attribute tag, or null, when
   *  several attribute tags share one base key (MISP's "last one wins" quirk). */
  EventTag: TagLink | null;
  AttributeTag: TagLink;
}

export interface PrioritisedTags {
  /** Event tags, with attribute tags in place of the event tags they override, then the rest. */
  tags: TagLink[];
  overridden: OverriddenTag[];
}

export interface BaseScoreResult {
  baseScore: number;
  /** Base key → its share of the weights of the tags present. Empty when no configured tag is present. */
  effectiveRatios: Record<string, number>;
  /** The prioritised tag list the score was computed from. */
  tags: TagLink[];
  overridden: OverriddenTag[];
}

/**
 * Merges event and attribute tags. An attribute tag takes the place of the first event tag with
 * the same base key and removes the others; an attribute tag with no such event tag is appended.
 * The slots of event tags are never re-indexed, so when two attribute tags share a base key that
 * the event also has, only the last one survives, exactly as MISP behaves.
 *
 * @example
 * prioritiseTags({ timestamp: 0,
 *   EventTag: [{ Tag: { name: 'phishing:state="down"' } }],
 *   AttributeTag: [{ Tag: { name: 'phishing:state="active"' } }] }).tags
 * // → [{ Tag: { name: 'phishing:state="active"' } }]
 */
export function prioritiseTags(attribute: Pick<AttributeInput, "EventTag" | "AttributeTag">): PrioritisedTags {
  const { tags, overridden } = prioritise(attribute);
  return { tags, overridden };
}

const NO_TAGS: readonly TagLink[] = [];

/** prioritiseTags, also returning each tag's base key (scoring needs them, and they cost a lookup). */
function prioritise(attribute: Pick<AttributeInput, "EventTag" | "AttributeTag">): PrioritisedTags & { bases: string[] } {
  const eventTags = attribute.EventTag ?? NO_TAGS;
  const attributeTags = attribute.AttributeTag ?? NO_TAGS;
  const slots: Array<TagLink | undefined> = eventTags.slice();
  const bases: string[] = [];
  for (const link of eventTags) bases.push(tagBaseKey(link.Tag.name));
  const eventCount = slots.length;
  const overridden: OverriddenTag[] = [];
  let removed = false;

  for (const link of attributeTags) {
    const base = tagBaseKey(link.Tag.name);
    let first = true;
    // Event slots keep their original base key even once replaced, as in MISP's position map.
    for (let i = 0; i < eventCount; i++) {
      if (bases[i] !== base) continue;
      overridden.push({ EventTag: slots[i] ?? null, AttributeTag: link });
      if (first) {
        slots[i] = link;
        first = false;
      } else {
        slots[i] = undefined;
        removed = true;
      }
    }
    if (first) {
      slots.push(link);
      bases.push(base);
    }
  }

  if (!removed) return { tags: slots as TagLink[], bases, overridden };
  const tags: TagLink[] = [];
  const keptBases: string[] = [];
  for (let i = 0; i < slots.length; i++) {
    if (slots[i] !== undefined) {
      tags.push(slots[i]!);
      keptBases.push(bases[i]!);
    }
  }
  return { tags, bases: keptBases, overridden };
}

/** The model's weights as a lookup, or null when the model has none (MISP's `empty()`). */
function weightsOf(model: ModelInput): Record<string, unknown> | null {
  const config = model.parameters.base_score_config;
  if (config === null || typeof config !== "object" || Array.isArray(config)) return null;
  for (const _key in config) return config as Record<string, unknown>;
  return null;
}

/**
 * Each configured base key's share of the weights of the tags present. Weights are counted once
 * per tag, so two tags with the same base key count twice; tags without a numeric value count not
 * at all, which is why an absent taxonomy never dilutes the score.
 *
 * @throws HalflifeError INVALID_MODEL when the weights of the tags present sum to 0 (MISP divides by zero).
 */
export function effectiveRatios(model: ModelInput, tags: readonly TagLink[], bases?: readonly string[]): Record<string, number> {
  const weights = weightsOf(model);
  const ratios: Record<string, number> = {};
  if (!weights) return ratios;
  // No closures here: this runs millions of times per second.
  let total = 0;
  let counted = 0;
  for (let i = 0; i < tags.length; i++) {
    const weight = weights[bases ? bases[i]! : tagBaseKey(tags[i]!.Tag.name)];
    if (weight !== undefined && weight !== null && isNumeric(tags[i]!.Tag.numerical_value)) {
      total += floatval(weight);
      counted++;
    }
  }
  if (counted === 0) return ratios;
  if (total === 0) {
    throw invalidModel("parameters.base_score_config", "gives the tags present a total weight of 0");
  }
  for (let i = 0; i < tags.length; i++) {
    const base = bases ? bases[i]! : tagBaseKey(tags[i]!.Tag.name);
    const weight = weights[base];
    if (weight !== undefined && weight !== null && isNumeric(tags[i]!.Tag.numerical_value)) {
      ratios[base] = floatval(weight) / total;
    }
  }
  return ratios;
}

/**
 * The base score of an attribute under a model: the weighted average of the numerical values of
 * the configured taxonomies present (attribute tags overriding event tags per base key), or the
 * model's `default_base_score` when none is present.
 *
 * @example
 * computeBaseScore(
 *   { formula: "Polynomial", parameters: { base_score_config: {
 *       "admiralty-scale:source-reliability": 50, "phishing:psychological-acceptability": 50 } } },
 *   { timestamp: 0, AttributeTag: [
 *       { Tag: { name: 'admiralty-scale:source-reliability="a"', numerical_value: 100 } },
 *       { Tag: { name: 'phishing:psychological-acceptability="high"', numerical_value: 75 } }] },
 * ).baseScore // → 87.5
 */
export function computeBaseScore(model: ModelInput, attribute: Pick<AttributeInput, "EventTag" | "AttributeTag">): BaseScoreResult {
  const { tags, bases, overridden } = prioritise(attribute);
  const ratios = effectiveRatios(model, tags, bases);
  let baseScore = 0;
  let matched = false;
  for (let i = 0; i < tags.length; i++) {
    const ratio = ratios[bases[i]!];
    if (ratio !== undefined) {
      matched = true;
      // A tag without a value adds nothing; its base key only has a ratio because a sibling had one.
      baseScore += ratio * floatval(tags[i]!.Tag.numerical_value);
    }
  }
  if (!matched) baseScore = defaultBaseScore(model);
  return { baseScore, effectiveRatios: ratios, tags, overridden };
}

/** `default_base_score`, 0 when the model has none. */
export function defaultBaseScore(model: ModelInput): number {
  const value = model.parameters.default_base_score;
  return value === undefined || value === null ? 0 : floatval(value);
}
