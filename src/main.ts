/**
 * The composition root: the one place that reads configuration, loads plug-ins and constructs
 * things, then hands them to the command line.
 */
import { loadConfig } from "./config/load.js";
import type { Config } from "./config/schema.js";
import type { FormulaRegistry } from "./core/formulas/registry.js";
import { runCli } from "./cli/program.js";
import type { CliContext } from "./cli/context.js";
import { loadFormulaRegistry } from "./plugins/load-formulas.js";

/** `--config FILE` may appear anywhere on the command line; settings are read only when needed. */
function configFileArgument(argv: readonly string[]): string | undefined {
  const i = argv.indexOf("--config");
  if (i >= 0) return argv[i + 1];
  return argv.find((arg) => arg.startsWith("--config="))?.slice("--config=".length);
}

export async function main(argv: readonly string[] = process.argv): Promise<number> {
  let config: Config | undefined;
  let registry: Promise<FormulaRegistry> | undefined;
  const getConfig = () => (config ??= loadConfig({ file: configFileArgument(argv) }));

  const context: CliContext = {
    stdin: process.stdin,
    stdout: process.stdout,
    stderr: process.stderr,
    interactive: Boolean(process.stderr.isTTY),
    now: () => Math.floor(Date.now() / 1000),
    formulas: () => (registry ??= loadFormulaRegistry(getConfig().HALFLIFE_FORMULA_DIR)),
  };
  return runCli(argv, context);
}
