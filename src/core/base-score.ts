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
  const slots: Array<TagLink | undefined> = [];
  const overridden: OverriddenTag[] = [];
  const eventSlotsByBase = new Map<string, number[]>();

  for (const link of attribute.EventTag ?? []) {
    const base = tagBaseKey(link.Tag.name);
    const positions = eventSlotsByBase.get(base);
    if (positions) positions.push(slots.length);
    else eventSlotsByBase.set(base, [slots.length]);
    slots.push(link);
  }

  for (const link of attribute.AttributeTag ?? []) {
    const positions = eventSlotsByBase.get(tagBaseKey(link.Tag.name));
    if (!positions) {
      slots.push(link);
      continue;
    }
    positions.forEach((position, i) => {
      overridden.push({ EventTag: slots[position] ?? null, AttributeTag: link });
      slots[position] = i === 0 ? link : undefined;
    });
  }

  return { tags: slots.filter((link): link is TagLink => link !== undefined), overridden };
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
export function effectiveRatios(model: ModelInput, tags: readonly TagLink[]): Record<string, number> {
  const weights = weightsOf(model);
  const ratios: Record<string, number> = {};
  if (!weights) return ratios;

  let total = 0;
  let counted = 0;
  for (const link of tags) {
    const weight = weights[tagBaseKey(link.Tag.name)];
    if (weight !== undefined && weight !== null && isNumeric(link.Tag.numerical_value)) {
      total += floatval(weight);
      counted++;
    }
  }
  if (counted === 0) return ratios;
  if (total === 0) {
    throw invalidModel("parameters.base_score_config", "gives the tags present a total weight of 0");
  }
  for (const link of tags) {
    const base = tagBaseKey(link.Tag.name);
    const weight = weights[base];
    if (weight !== undefined && weight !== null && isNumeric(link.Tag.numerical_value)) {
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
  const { tags, overridden } = prioritiseTags(attribute);
  const ratios = effectiveRatios(model, tags);
  let baseScore = 0;
  let matched = false;
  for (const link of tags) {
    const ratio = ratios[tagBaseKey(link.Tag.name)];
    if (ratio !== undefined) {
      matched = true;
      // A tag without a value adds nothing; its base key only has a ratio because a sibling had one.
      baseScore += ratio * floatval(link.Tag.numerical_value);
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
