/**
 * The composition root: the one place that reads configuration, loads plug-ins and constructs
 * things, then hands them to the command line.
 *
 * Everything heavy (the store and its drivers, the HTTP server, the formulas) is imported when a
 * command first needs it, so that a call that does nothing (`halflife --version`) starts at once.
 * Tests run commands in process through this same function, with their own streams and
 * environment.
 */
import type { Readable, Writable } from "node:stream";
import type { Config } from "./config/schema.js";
import type { FormulaRegistry } from "./core/formulas/registry.js";
import type { CliApp, CliContext } from "./cli/context.js";
import type { App } from "./compose.js";
import { runCli } from "./cli/program.js";
import { packageVersion } from "./package-info.js";
import { registerServe } from "./serve.js";

export interface MainOptions {
  /** The environment settings are read from (process.env by default). */
  env?: NodeJS.ProcessEnv;
  stdin?: Readable;
  stdout?: Writable;
  stderr?: Writable & { isTTY?: boolean };
  /** Whether to show progress bars (by default: whether stderr is a terminal). */
  interactive?: boolean;
  /** Unix seconds. */
  now?: () => number;
  /** Ends a running `halflife serve`, as SIGINT or SIGTERM do. */
  signal?: AbortSignal;
}

/** `--config FILE` may appear anywhere on the command line; settings are read only when needed. */
function configFileArgument(argv: readonly string[]): string | undefined {
  const i = argv.indexOf("--config");
  if (i >= 0) return argv[i + 1];
  return argv.find((arg) => arg.startsWith("--config="))?.slice("--config=".length);
}

export async function main(argv: readonly string[] = process.argv, options: MainOptions = {}): Promise<number> {
  // Undefined means the process's own environment, which only src/config reads.
  const env = options.env;
  const stderr = options.stderr ?? process.stderr;
  const createDirs = argv.includes("--create-dirs");

  let config: Config | undefined;
  const getConfig = async (overrides?: Record<string, unknown>, flags?: Record<string, string>): Promise<Config> => {
    const { loadConfig } = await import("./config/load.js");
    if (overrides && Object.keys(overrides).length > 0) return loadConfig({ file: configFileArgument(argv), env, overrides, ...(flags ? { flags } : {}) });
    return (config ??= loadConfig({ file: configFileArgument(argv), env }));
  };

  let registry: Promise<FormulaRegistry> | undefined;
  const formulas = () =>
    (registry ??= (async () => {
      const { loadFormulaRegistry } = await import("./plugins/load-formulas.js");
      return loadFormulaRegistry((await getConfig()).HALFLIFE_FORMULA_DIR);
    })());

  let opened: App | undefined;
  let cliApp: Promise<CliApp> | undefined;
  // `{ plugins: false }`: commands that neither score nor change what scores depend on run no plug-in code.
  const app = (appOptions: { plugins?: boolean } = {}) =>
    (cliApp ??= (async () => {
      const config = await getConfig();
      const [{ prepareDatabaseFolder }, { openApp }, { bootstrap }] = await Promise.all([import("./config/database-folder.js"), import("./compose.js"), import("./app/bootstrap.js")]);
      prepareDatabaseFolder(config, { createDirs });
      const registry = appOptions.plugins === false ? (await import("./core/formulas/registry.js")).formulas : await formulas();
      opened = await openApp(config, registry, context.now);
      const started = await bootstrap(opened.context, { ...(config.HALFLIFE_ADMIN_KEY ? { adminKey: config.HALFLIFE_ADMIN_KEY } : {}) });
      await opened.refreshHostOrg();
      if (started.adminKeyWarning) context.stderr.write(`halflife: warning: ${started.adminKeyWarning}\n`);
      const admin = await opened.context.store.keys.principalForUser(started.admin.id);
      if (!admin) throw new Error("the first site admin is disabled; enable it or name another user");
      return { context: opened.context, admin, adminKey: started.fresh ? started.adminKey : null };
    })());

  const context: CliContext = {
    stdin: options.stdin ?? process.stdin,
    stdout: options.stdout ?? process.stdout,
    stderr,
    interactive: options.interactive ?? Boolean(stderr.isTTY),
    now: options.now ?? (() => Math.floor(Date.now() / 1000)),
    formulas,
    app,
  };
  try {
    return await runCli(argv, context, {
      version: packageVersion(),
      extra: [registerServe({ getConfig, createDirs, version: packageVersion(), ...(options.signal ? { signal: options.signal } : {}) })],
    });
  } finally {
    await opened?.close();
  }
}
