/** `halflife taxonomies import DIR | enable NS… | disable NS… | list`. */
import type { Command } from "commander";
import { importTaxonomies, listTaxonomies, setTaxonomiesEnabled } from "../../app/taxonomies.js";
import { hasNumericalValues } from "../../core/taxonomy.js";
import type { CliContext } from "../context.js";
import { readTaxonomyDirectory } from "../taxonomy-files.js";

export function registerTaxonomies(program: Command, context: CliContext): void {
  const taxonomies = program.command("taxonomies").description("Manage taxonomies (the vocabularies whose numerical values make base scores)");
  taxonomies
    .command("import")
    .description("Import taxonomies from a misp-taxonomies checkout (or one taxonomy's folder)")
    .argument("<dir>", "a directory of <namespace>/machinetag.json files")
    .option("--enable", "also enable every imported taxonomy")
    .addHelpText("after", "\nExamples:\n  git clone https://github.com/MISP/misp-taxonomies && halflife taxonomies import misp-taxonomies\n  halflife taxonomies import misp-taxonomies/admiralty-scale --enable")
    .action(async (dir: string, options: { enable?: boolean }) => {
      const parsed = readTaxonomyDirectory(dir);
      const { context: app } = await context.app();
      const results = await importTaxonomies(app, parsed, { enable: options.enable ?? false });
      const created = results.filter((r) => r.created).length;
      const retagged = results.reduce((n, r) => n + r.retaggedValues, 0);
      context.stdout.write(
        `Imported ${results.length} taxonomies (${created} new, ${results.length - created} updated, ${parsed.filter(hasNumericalValues).length} with numerical values); ` +
          `${retagged} existing tags took a new numerical value.\n`,
      );
    });
  for (const enabled of [true, false]) {
    taxonomies
      .command(enabled ? "enable" : "disable")
      .description(`${enabled ? "Enable" : "Disable"} taxonomies by namespace`)
      .argument("<namespaces...>", "e.g. admiralty-scale estimative-language")
      .action(async (namespaces: string[]) => {
        const { context: app } = await context.app();
        await setTaxonomiesEnabled(app, null, namespaces, enabled);
        context.stdout.write(`${enabled ? "Enabled" : "Disabled"} ${namespaces.join(", ")}\n`);
      });
  }
  taxonomies
    .command("list")
    .description("List taxonomies")
    .action(async () => {
      const { context: app } = await context.app();
      for (const t of await listTaxonomies(app)) context.stdout.write(`${t.enabled ? "enabled " : "disabled"}  ${t.namespace} (v${t.version})\n`);
    });
}
