/**
 * The MISP-shaped inputs of the scoring core. Field names are MISP's, so that a MISP JSON export
 * (or a restSearch result) can be scored as it is. Numbers may arrive as numeric strings.
 */

/** A tag as MISP serialises it. Only `name` and `numerical_value` matter for scoring. */
export interface TagInput {
  name: string;
  numerical_value?: number | string | null;
  [key: string]: unknown;
}

/** An element of `EventTag` or `AttributeTag`: MISP wraps each tag in `{ Tag: {...} }`. */
export interface TagLink {
  Tag: TagInput;
  [key: string]: unknown;
}

/** A sighting: 0 = true positive ("sighting"), 1 = false positive, 2 = expiration. */
export interface SightingInput {
  type?: unknown;
  date_sighting?: number | string;
  org_id?: number | string;
  [key: string]: unknown;
}

/** Sightings come flat (restSearch output) or wrapped (`{ Sighting: {...} }`, listSightings). */
export type SightingEntry = SightingInput | { Sighting: SightingInput };

/** What the core needs of an attribute. */
export interface AttributeInput {
  /** Last modification, Unix seconds. */
  timestamp: number | string;
  /** ISO-8601 (MISP's wire format) or Unix seconds; null when unset. */
  last_seen?: string | number | null;
  EventTag?: readonly TagLink[];
  AttributeTag?: readonly TagLink[];
  /** The sightings the viewer may see; used by formulas that need them and by the reference time. */
  Sighting?: readonly SightingEntry[];
  [key: string]: unknown;
}

/** Formula-specific settings; only the Sightings formula reads them. */
export type ModelSettings = Record<string, unknown>;

/** A decaying model's parameters, in MISP's shape. */
export interface ModelParameters {
  lifetime?: number | string;
  decay_speed?: number | string;
  threshold?: number | string;
  default_base_score?: number | string;
  base_score_config?: Record<string, number | string | null> | readonly never[];
  settings?: ModelSettings | string;
  [key: string]: unknown;
}

/** The part of a decaying model that scoring needs: `{ formula, parameters }`. */
export interface ModelInput {
  formula?: string;
  parameters: ModelParameters;
  [key: string]: unknown;
}

export function unwrapSighting(entry: SightingEntry): SightingInput {
  const wrapped = (entry as { Sighting?: unknown }).Sighting;
  return wrapped !== null && typeof wrapped === "object" && !Array.isArray(wrapped)
    ? (wrapped as SightingInput)
    : (entry as SightingInput);
}
