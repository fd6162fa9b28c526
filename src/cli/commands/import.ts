/** `halflife import FILE|DIR…`: MISP event JSON into the store. */
import { readdirSync, statSync } from "node:fs";
import path from "node:path";
import type { Command } from "commander";
import { SingleBar } from "cli-progress";
import { importEvents, prepareImport } from "../../app/import-events.js";
import { isHalflifeError } from "../../core/errors.js";
import type { CliContext } from "../context.js";
import { UsageError } from "../errors.js";
import { parseJson, readText } from "../io.js";

function jsonFiles(target: string): string[] {
  let stat;
  try {
    stat = statSync(target);
  } catch {
    throw new UsageError(`cannot read ${target}: no such file or directory`);
  }
  if (!stat.isDirectory()) return [target];
  return readdirSync(target, { recursive: true, encoding: "utf8" })
    .filter((name) => name.endsWith(".json"))
    .sort()
    .map((name) => path.join(target, name));
}

export function registerImport(program: Command, context: CliContext): void {
  program
    .command("import")
    .description("Import MISP event JSON: files with one event, a list of events, or an events restSearch answer")
    .argument("<paths...>", "JSON files, or directories of them (searched recursively); - for stdin")
    .addHelpText("after", "\nExamples:\n  halflife import event.json\n  halflife import ./misp-export/\n  curl -s … /events/restSearch | halflife import -")
    .action(async (paths: string[]) => {
      const files = paths.flatMap((p) => (p === "-" ? ["-"] : jsonFiles(p)));
      if (files.length === 0) throw new UsageError(`no .json files in ${paths.join(", ")}`);
      const documents = [];
      for (const file of files) {
        const source = file === "-" ? "standard input" : file;
        documents.push({ source, document: parseJson(await readText(file, context.stdin), source) });
      }
      const now = context.now();
      let candidates;
      try {
        candidates = prepareImport(documents, now);
      } catch (error) {
        if (isHalflifeError(error)) throw new UsageError(`${error.message} (nothing was imported)`);
        throw error;
      }
      const { context: app, admin } = await context.app();
      const bar = context.interactive && candidates.length > 1 ? new SingleBar({ format: "importing [{bar}] {value}/{total} events", stream: context.stderr as NodeJS.WriteStream }) : null;
      bar?.start(candidates.length, 0);
      const report = await importEvents(app, admin, candidates, (done) => bar?.update(done));
      bar?.stop();
      context.stdout.write(
        `Imported ${report.imported} of ${report.events} events (${report.attributes} attributes, ${report.sightings} sightings).\n` +
          report.skipped.map((s) => `Skipped ${s.uuid} "${s.info}": ${s.reason}\n`).join(""),
      );
    });
}
