/**
 * `halflife score`: scores the attributes of a MISP JSON file offline with one model and writes the
 * file back with `decay_score` entries, or a per-type summary. A tool for pipelines.
 */
import { existsSync, writeFileSync } from "node:fs";
import type { Command } from "commander";
import { DEFAULT_MODELS } from "../../core/data/default-models.js";
import { BUILTIN_TAXONOMIES } from "../../core/data/taxonomies.js";
import { isHalflifeError } from "../../core/errors.js";
import type { FormulaRegistry } from "../../core/formulas/registry.js";
import { validateModel } from "../../core/models.js";
import { parseTimestamp } from "../../core/reference-time.js";
import { tagValueTable } from "../../core/tag-values.js";
import { scoreDocument, type NamedModel, type TypeSummary } from "../../app/score-document.js";
import type { CliContext } from "../context.js";
import { UsageError } from "../errors.js";
import { parseJson, readText } from "../io.js";
import { readTaxonomyDirectory } from "../taxonomy-files.js";

const ALIASES: Record<string, string> = {
  nids: "NIDS Simple Decaying Model",
  phishing: "Phishing model",
  vishing: "Vishing model",
};

/** A built-in model by name or alias, else a model file in MISP's export format. */
async function resolveModel(spec: string, context: CliContext, registry: FormulaRegistry): Promise<NamedModel> {
  const wanted = (ALIASES[spec.toLowerCase()] ?? spec).toLowerCase();
  const builtin = DEFAULT_MODELS.find((m) => m.name.toLowerCase() === wanted);
  if (builtin) return { uuid: builtin.uuid, name: builtin.name, formula: builtin.formula, parameters: builtin.parameters };
  if (!existsSync(spec)) {
    throw new UsageError(`unknown model ${JSON.stringify(spec)}: give nids, phishing, vishing, a default model's name, or a model JSON file`);
  }
  const json = parseJson(await readText(spec, context.stdin), spec) as Record<string, unknown>;
  const draft = (json && typeof json === "object" && "DecayingModel" in json ? json.DecayingModel : json) as Record<string, unknown>;
  if (!draft || typeof draft !== "object" || Array.isArray(draft)) throw new UsageError(`${spec} does not hold a decaying model`);
  try {
    const model = validateModel(draft, registry);
    return { id: (draft.id as string | undefined) ?? null, uuid: (draft.uuid as string | undefined) ?? null, ...model };
  } catch (error) {
    if (isHalflifeError(error)) throw new UsageError(`${spec}: ${error.message}`);
    throw error;
  }
}

function formatSummary(summary: Map<string, TypeSummary>, modelName: string): string {
  const rows = [...summary.entries()].sort(([a], [b]) => a.localeCompare(b));
  const total = rows.reduce((acc, [, c]) => ({ fresh: acc.fresh + c.fresh, decayed: acc.decayed + c.decayed }), { fresh: 0, decayed: 0 });
  const failed = rows.reduce((sum, [, c]) => sum + (c.failed ?? 0), 0);
  const width = Math.max(10, ...rows.map(([type]) => type.length));
  const line = (type: string, c: TypeSummary) =>
    `${type.padEnd(width)}  ${String(c.fresh).padStart(7)}  ${String(c.decayed).padStart(7)}  ${String(c.fresh + c.decayed).padStart(7)}`;
  return [
    `Scored with ${modelName}`,
    `${"type".padEnd(width)}  ${"fresh".padStart(7)}  ${"decayed".padStart(7)}  ${"total".padStart(7)}`,
    ...rows.map(([type, counts]) => line(type, counts)),
    line("all types", total),
    ...(failed > 0 ? [`${failed} attribute${failed === 1 ? "" : "s"} not scored: the formula failed for ${failed === 1 ? "it" : "them"} (see decay_score in the JSON)`] : []),
    "",
  ].join("\n");
}

export function registerScore(program: Command, context: CliContext): void {
  program
    .command("score")
    .description("Score the attributes of a MISP JSON file with a decaying model, offline")
    .argument("[file]", "MISP JSON: an event, a list of events, or a restSearch result; - or nothing for stdin")
    .requiredOption("-m, --model <name|file>", "nids, phishing, vishing, a default model's name, or a model JSON file")
    .option("--now <iso-date>", "score as of this time instead of now (ISO-8601, or Unix seconds)")
    .option("--summary", "print counts of fresh and decayed attributes per type instead of the JSON")
    .option("--taxonomies <dir>", "read tag values from a misp-taxonomies checkout, for tags that carry none")
    .option("-o, --output <file>", "write the JSON here instead of stdout")
    .option("--pretty", "indent the JSON output")
    .addHelpText(
      "after",
      `
Examples:
  halflife score --model nids event.json > scored.json
  halflife score --model phishing --now 2026-01-01T00:00:00Z --summary events.json
  curl -s -H "Authorization: $KEY" -d '{"eventid": 12}' https://misp.example/attributes/restSearch \\
    | halflife score --model ./my-model.json --summary -`,
    )
    .action(async (file: string | undefined, options: { model: string; now?: string; summary?: boolean; taxonomies?: string; output?: string; pretty?: boolean }) => {
      let now = context.now();
      if (options.now !== undefined) {
        try {
          now = parseTimestamp(options.now, "--now");
        } catch {
          throw new UsageError(`--now ${JSON.stringify(options.now)} is not an ISO-8601 date or Unix seconds`);
        }
      }
      // Plug-ins load once the command line itself has been checked.
      const registry = await context.formulas();
      const model = await resolveModel(options.model, context, registry);
      const taxonomies = options.taxonomies ? [...BUILTIN_TAXONOMIES, ...readTaxonomyDirectory(options.taxonomies)] : BUILTIN_TAXONOMIES;
      const source = file ?? "-";
      const document = parseJson(await readText(source, context.stdin), source === "-" ? "standard input" : source);
      let result;
      try {
        result = scoreDocument(document, { model, formulas: registry, now, tagValues: tagValueTable(taxonomies) });
      } catch (error) {
        if (isHalflifeError(error, "INVALID_INPUT")) throw new UsageError(`${source === "-" ? "standard input" : source}: ${error.message}`);
        throw error;
      }
      const text = options.summary ? formatSummary(result.summary, model.name) : `${JSON.stringify(result.document, null, options.pretty ? 2 : undefined)}\n`;
      if (options.output) writeFileSync(options.output, text);
      else context.stdout.write(text);
    });
}
