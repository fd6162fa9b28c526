/**
 * The `halflife` command line: one program, one file per command. Errors print one line and exit
 * 2 for bad usage or input, 1 when the work itself fails.
 */
import { Command, CommanderError } from "commander";
import type { CliContext } from "./context.js";
import { describeError, exitCodeFor } from "./errors.js";
import { registerScore } from "./commands/score.js";
import { registerAdmin } from "./commands/admin.js";
import { registerImport } from "./commands/import.js";
import { registerTaxonomies } from "./commands/taxonomies.js";
import { registerModels } from "./commands/models.js";
import { registerSweep } from "./commands/sweep.js";

export type CommandRegistrar = (program: Command, context: CliContext) => void;

const REGISTRARS: CommandRegistrar[] = [registerScore, registerImport, registerTaxonomies, registerModels, registerAdmin, registerSweep];

export function buildProgram(context: CliContext, extra: CommandRegistrar[] = []): Command {
  const program = new Command("halflife")
    .description("Keeps threat-intelligence indicators trustworthy: decaying models, a false-positive sweep, and a MISP-compatible server.")
    .option("--config <file>", "read settings from this JSON file (environment variables win)")
    .exitOverride()
    .configureOutput({
      writeOut: (text) => context.stdout.write(text),
      writeErr: (text) => context.stderr.write(text),
      // Commander's own usage errors: keep them to one line.
      outputError: (text, write) => write(`halflife: ${text.replace(/^error: /, "").trim()} (see --help)\n`),
    });
  for (const register of [...REGISTRARS, ...extra]) register(program, context);
  const override = (command: Command) => {
    command.exitOverride();
    command.commands.forEach(override);
  };
  program.commands.forEach(override);
  return program;
}

/** Runs the program and returns the exit code; never throws. */
export async function runCli(argv: readonly string[], context: CliContext, extra: CommandRegistrar[] = []): Promise<number> {
  const program = buildProgram(context, extra);
  try {
    await program.parseAsync(argv as string[]);
    return 0;
  } catch (error) {
    if (error instanceof CommanderError) {
      // Help and version are not errors; anything else commander refuses is bad usage.
      return error.exitCode === 0 ? 0 : 2;
    }
    context.stderr.write(`halflife: ${describeError(error)}\n`);
    return exitCodeFor(error);
  }
}
