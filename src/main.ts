/**
 * The composition root: the one place that reads configuration, loads plug-ins and constructs
 * things, then hands them to the command line.
 */
import { loadConfig } from "./config/load.js";
import type { Config } from "./config/schema.js";
import { formulas as builtinFormulas, type FormulaRegistry } from "./core/formulas/registry.js";
import { runCli } from "./cli/program.js";
import type { CliContext } from "./cli/context.js";
import { loadFormulaRegistry } from "./plugins/load-formulas.js";
import { registerServe } from "./serve.js";
import { openApp, type App } from "./compose.js";
import { bootstrap } from "./app/bootstrap.js";
import type { CliApp } from "./cli/context.js";

/** `--config FILE` may appear anywhere on the command line; settings are read only when needed. */
function configFileArgument(argv: readonly string[]): string | undefined {
  const i = argv.indexOf("--config");
  if (i >= 0) return argv[i + 1];
  return argv.find((arg) => arg.startsWith("--config="))?.slice("--config=".length);
}

export async function main(argv: readonly string[] = process.argv): Promise<number> {
  let config: Config | undefined;
  let registry: Promise<FormulaRegistry> | undefined;
  const getConfig = (overrides?: Record<string, unknown>) =>
    overrides && Object.keys(overrides).length ? loadConfig({ file: configFileArgument(argv), overrides }) : (config ??= loadConfig({ file: configFileArgument(argv) }));

  let opened: App | undefined;
  let cliApp: Promise<CliApp> | undefined;
  const app = (options: { plugins?: boolean } = {}) =>
    (cliApp ??= (async () => {
      const config = getConfig();
      opened = await openApp(config, options.plugins === false ? builtinFormulas : await context.formulas(), context.now);
      const started = await bootstrap(opened.context, { ...(config.HALFLIFE_ADMIN_KEY ? { adminKey: config.HALFLIFE_ADMIN_KEY } : {}) });
      await opened.refreshHostOrg();
      if (started.adminKeyWarning) context.stderr.write(`halflife: warning: ${started.adminKeyWarning}\n`);
      const admin = await opened.context.store.keys.principalForUser(started.admin.id);
      if (!admin) throw new Error("the first site admin is disabled; enable it or name another user");
      return { context: opened.context, admin, adminKey: started.fresh ? started.adminKey : null };
    })());

  const context: CliContext = {
    stdin: process.stdin,
    stdout: process.stdout,
    stderr: process.stderr,
    interactive: Boolean(process.stderr.isTTY),
    now: () => Math.floor(Date.now() / 1000),
    formulas: () => (registry ??= loadFormulaRegistry(getConfig().HALFLIFE_FORMULA_DIR)),
    app,
  };
  try {
    return await runCli(argv, context, [registerServe(getConfig)]);
  } finally {
    await opened?.close();
  }
}
