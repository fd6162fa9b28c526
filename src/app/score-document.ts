/**
 * Scores every attribute of a MISP JSON document with one model, offline, and writes MISP's
 * `decay_score` entry onto each attribute. This is the `halflife score` command's use-case.
 */
import type { FormulaRegistry } from "../core/formulas/registry.js";
import { scoreAttribute } from "../core/score.js";
import { withTagValues } from "../core/tag-values.js";
import type { ModelInput, SightingEntry } from "../core/types.js";
import { invalidInput, isHalflifeError } from "../core/errors.js";
import { attributesOf } from "../misp/documents.js";

export interface NamedModel extends ModelInput {
  id?: string | number | null;
  uuid?: string | null;
  name: string;
}

export interface TypeSummary {
  fresh: number;
  decayed: number;
  /** Attributes the model's formula failed for (each has an error entry instead of a score). */
  failed?: number;
}

export interface ScoreDocumentResult {
  /** The same document, with `decay_score` on every attribute. */
  document: unknown;
  /** Attribute type → how many are fresh and decayed. */
  summary: Map<string, TypeSummary>;
}

export function scoreDocument(
  document: unknown,
  options: { model: NamedModel; formulas: FormulaRegistry; now: number; tagValues: ReadonlyMap<string, number> },
): ScoreDocumentResult {
  const { model, formulas, now, tagValues } = options;
  const stub = { id: model.id === undefined || model.id === null ? null : String(model.id), name: model.name };
  const summary = new Map<string, TypeSummary>();

  for (const site of attributesOf(document)) {
    const { attribute } = site;
    if (attribute.timestamp === undefined) throw invalidInput(`${site.path}.timestamp`, "is required to score an attribute");
    let result: ReturnType<typeof scoreAttribute>;
    try {
      result = scoreAttribute(
        model,
        {
          timestamp: attribute.timestamp as number | string,
          last_seen: (attribute.last_seen ?? null) as string | number | null,
          EventTag: withTagValues(site.eventTags, tagValues),
          AttributeTag: withTagValues(site.attributeTags, tagValues),
          Sighting: Array.isArray(attribute.Sighting) ? (attribute.Sighting as SightingEntry[]) : [],
        },
        { now, formulas },
      );
    } catch (error) {
      // Point at the attribute whose data could not be read.
      if (isHalflifeError(error, "INVALID_INPUT")) throw invalidInput(`${site.path}.${error.field ?? "?"}`, error.message.replace(/^\S+ /, ""));
      // A formula that fails for this attribute gives it an error entry; the rest are still scored.
      attribute.decay_score = [{ error: `formula ${model.formula ?? "Polynomial"} failed: ${error instanceof Error ? error.message.slice(0, 200) : String(error).slice(0, 200)}`, DecayingModel: stub }];
      const type = typeof attribute.type === "string" ? attribute.type : "(no type)";
      summary.set(type, { ...(summary.get(type) ?? { fresh: 0, decayed: 0 }), failed: (summary.get(type)?.failed ?? 0) + 1 });
      continue;
    }
    attribute.decay_score = [{ score: result.score, base_score: result.base_score, decayed: result.decayed, DecayingModel: stub }];
    const type = typeof attribute.type === "string" ? attribute.type : "(no type)";
    const counts = summary.get(type) ?? { fresh: 0, decayed: 0 };
    if (result.decayed) counts.decayed++;
    else counts.fresh++;
    summary.set(type, counts);
  }
  return { document, summary };
}
