/** `halflife models update|list|import|export|enable|disable|rebuild`. */
import { writeFileSync } from "node:fs";
import type { Command } from "commander";
import { SingleBar } from "cli-progress";
import { checkModelDraft, exportModel, importModels, listModels, setModelEnabled, updateDefaultModels, viewModel, type ModelListFilter } from "../../app/decaying-models.js";
import { isHalflifeError } from "../../core/errors.js";
import type { CliContext } from "../context.js";
import { UsageError } from "../errors.js";
import { parseJson, readText } from "../io.js";

export function registerModels(program: Command, context: CliContext): void {
  const models = program.command("models").description("Manage decaying models");

  models
    .command("update")
    .description("Install the built-in default models, or re-apply them when their version is newer")
    .option("--force", "re-apply every default model whatever its version")
    .action(async (options: { force?: boolean }) => {
      const { context: app, admin } = await context.app();
      const result = await updateDefaultModels(app, admin, { force: options.force ?? false });
      context.stdout.write(`Default models: ${result.created.length} installed, ${result.updated.length} updated, ${result.unchanged.length} unchanged.\n`);
    });

  models
    .command("list")
    .description("List models")
    .option("--filter <which>", "all, mine, shared or default", "all")
    .action(async (options: { filter: string }) => {
      if (!["all", "mine", "shared", "default"].includes(options.filter)) throw new UsageError(`--filter must be all, mine, shared or default, not ${options.filter}`);
      const { context: app, admin } = await context.app();
      const views = await listModels(app, admin, options.filter as ModelListFilter);
      for (const { model, types } of views.reverse()) {
        const p = model.parameters;
        context.stdout.write(
          `${String(model.id).padStart(4)}  ${model.enabled ? "enabled " : "disabled"}  ${model.default ? "default" : model.all_orgs ? "shared " : "private"}  ${model.name}  ` +
            `[${model.formula} lifetime ${p.lifetime ?? "-"} d, speed ${p.decay_speed ?? "-"}, threshold ${p.threshold}] ${types.length} types\n`,
        );
      }
    });

  models
    .command("import")
    .description("Import models in MISP's JSON format (one model, or a list, per file)")
    .argument("<files...>", "model JSON files; - for stdin")
    .option("--enable", "enable the imported models")
    .addHelpText("after", "\nExamples:\n  halflife models import misp-decaying-models/models/*.json\n  halflife models import my-model.json --enable")
    .action(async (files: string[], options: { enable?: boolean }) => {
      const drafts: Array<{ source: string; draft: Record<string, unknown> }> = [];
      for (const file of files) {
        const document = parseJson(await readText(file, context.stdin), file);
        for (const item of Array.isArray(document) ? document : [document]) {
          const draft = item && typeof item === "object" && "DecayingModel" in item ? (item as { DecayingModel: unknown }).DecayingModel : item;
          if (!draft || typeof draft !== "object" || Array.isArray(draft)) throw new UsageError(`${file} does not hold a decaying model`);
          const { id: _id, uuid: _uuid, default: _default, ...rest } = draft as Record<string, unknown>;
          drafts.push({ source: file, draft: { ...rest, ...(options.enable ? { enabled: true } : {}) } });
        }
      }
      const { context: app, admin } = await context.app();
      // Every model is checked before any is written, and all land in one transaction.
      for (const [i, { source, draft }] of drafts.entries()) {
        try {
          checkModelDraft(app, draft);
        } catch (error) {
          if (isHalflifeError(error)) throw new UsageError(`${source}: ${error.message}${drafts.length > 1 ? ` (model ${i + 1} of ${drafts.length}; nothing was imported)` : ""}`);
          throw error;
        }
      }
      const views = await importModels(app, admin, drafts.map((d) => d.draft));
      for (const [i, view] of views.entries()) {
        context.stdout.write(`Imported model ${view.model.id} "${view.model.name}" from ${drafts[i]!.source} (${view.types.length} types${view.model.enabled ? ", enabled" : ""})\n`);
      }
    });

  models
    .command("export")
    .description("Export a model in MISP's JSON format")
    .argument("<id>", "the model's id")
    .option("-o, --output <file>", "write to this file instead of stdout")
    .action(async (id: string, options: { output?: string }) => {
      if (!/^\d+$/.test(id)) throw new UsageError(`model id must be a number, got ${JSON.stringify(id)}`);
      const { context: app, admin } = await context.app();
      const text = `${JSON.stringify(exportModel(await viewModel(app, admin, id)), null, 2)}\n`;
      if (options.output) writeFileSync(options.output, text);
      else context.stdout.write(text);
    });

  for (const enabled of [true, false]) {
    models
      .command(enabled ? "enable" : "disable")
      .description(`${enabled ? "Enable" : "Disable"} models by id (the decay index is rebuilt for each)`)
      .argument("<ids...>", "model ids")
      .action(async (ids: string[]) => {
        for (const id of ids) if (!/^\d+$/.test(id)) throw new UsageError(`model id must be a number, got ${JSON.stringify(id)}`);
        const { context: app, admin } = await context.app();
        for (const id of ids) {
          const view = await setModelEnabled(app, admin, id, enabled);
          context.stdout.write(`${enabled ? "Enabled" : "Disabled"} model ${id} "${view.model.name}"\n`);
        }
      });
  }

  models
    .command("rebuild")
    .description("Rebuild the decay index of every enabled model (a repair; writes keep it current)")
    .action(async () => {
      const { context: app } = await context.app();
      const ids = await app.store.decayIndex.indexedModelIds();
      for (const id of ids) {
        const bar = context.interactive ? new SingleBar({ format: `model ${id} [{bar}] {value} rows`, stream: context.stderr as NodeJS.WriteStream }) : null;
        bar?.start(0, 0);
        const rows = await app.store.transaction((tx) => tx.decayIndex.rebuildModel(id, (n) => bar?.update(n)));
        bar?.stop();
        context.stdout.write(`Model ${id}: ${rows} index rows\n`);
      }
    });
}
