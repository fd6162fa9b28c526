/**
 * The `halflife` command line: one program, one file per command. Errors print one line and exit
 * 2 for bad usage or input, 1 when the work itself fails.
 *
 * Each command's module (and what it imports: the store, SMTP, HTTP clients) is loaded only when
 * that command runs, so that `halflife --version` or a command's `--help` starts at once.
 */
import { Command, CommanderError } from "commander";
import type { CliContext } from "./context.js";
import { describeError, exitCodeFor } from "./errors.js";

export type CommandRegistrar = (program: Command, context: CliContext) => void;

/** A command (or several, registered by one module), by the names it answers to. */
export interface LazyCommands {
  names: readonly string[];
  load(): Promise<CommandRegistrar>;
}

const COMMANDS: readonly LazyCommands[] = [
  { names: ["score"], load: async () => (await import("./commands/score.js")).registerScore },
  { names: ["import"], load: async () => (await import("./commands/import.js")).registerImport },
  { names: ["taxonomies"], load: async () => (await import("./commands/taxonomies.js")).registerTaxonomies },
  { names: ["models"], load: async () => (await import("./commands/models.js")).registerModels },
  { names: ["user", "org"], load: async () => (await import("./commands/admin.js")).registerAdmin },
  { names: ["sweep"], load: async () => (await import("./commands/sweep.js")).registerSweep },
];

/** Options of the program itself, which may stand anywhere on the line; those that take a value. */
const VALUE_OPTIONS = new Set(["--config"]);

/** The command the line asks for (its first word that is not an option), if any. */
export function commandName(argv: readonly string[]): string | undefined {
  const words = argv.slice(2);
  for (let i = 0; i < words.length; i++) {
    const word = words[i]!;
    if (word === "--") return words[i + 1];
    if (VALUE_OPTIONS.has(word)) i++;
    else if (!word.startsWith("-")) return word;
  }
  return undefined;
}

export interface ProgramOptions {
  /** The version `--version` prints. */
  version?: string;
  /** Commands added by the composition root (serve), registered eagerly: they must be cheap. */
  extra?: CommandRegistrar[];
  /**
   * The command the line names: only its module is loaded. `null` loads none (`--version`);
   * undefined or an unknown name loads them all (the overview, and suggestions for a typo).
   */
  only?: string | null | undefined;
}

function modulesFor(only: string | null | undefined, program: Command): readonly LazyCommands[] {
  if (only === null || (only !== undefined && program.commands.some((c) => c.name() === only))) return [];
  const named = only === undefined ? [] : COMMANDS.filter((c) => c.names.includes(only));
  return named.length > 0 ? named : COMMANDS;
}

/** The program with every command (or, with `only`, the one the line names) registered. */
export async function buildProgram(context: CliContext, options: ProgramOptions = {}): Promise<Command> {
  const program = new Command("halflife")
    .description("Keeps threat-intelligence indicators trustworthy: decaying models, a false-positive sweep, and a MISP-compatible server.")
    .option("--config <file>", "read settings from this JSON file (environment variables and flags win)")
    .option("--create-dirs", "create the folder of the SQLite database (HALFLIFE_DB) when it does not exist")
    .exitOverride()
    .configureOutput({
      writeOut: (text) => context.stdout.write(text),
      writeErr: (text) => context.stderr.write(text),
      // Commander's own usage errors: keep them to one line.
      outputError: (text, write) => write(`halflife: ${text.replace(/^error: /, "").trim()} (see --help)\n`),
    });
  if (options.version) program.version(options.version, "-V, --version", "print Halflife's version");
  for (const register of options.extra ?? []) register(program, context);
  for (const register of await Promise.all(modulesFor(options.only, program).map((c) => c.load()))) register(program, context);
  const override = (command: Command) => {
    command.exitOverride();
    command.commands.forEach(override);
  };
  program.commands.forEach(override);
  return program;
}

/** Runs the program and returns the exit code; never throws. */
export async function runCli(argv: readonly string[], context: CliContext, options: Omit<ProgramOptions, "only"> = {}): Promise<number> {
  try {
    // `--version` needs no command at all; a named command needs only its own module.
    const name = commandName(argv);
    const versionOnly = name === undefined && argv.slice(2).some((word) => word === "--version" || word === "-V");
    const program = await buildProgram(context, { ...options, only: versionOnly ? null : name });
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
