/**
 * `halflife serve`: bootstraps the store, optionally loads the demo, and serves the API and UI.
 * Part of the composition root: it wires the HTTP edge to the application. Its modules load when
 * the command runs, not when the command line is built.
 */
import type { Command } from "commander";
import type { CliContext } from "./cli/context.js";
import type { Config } from "./config/schema.js";

export interface ServeWiring {
  getConfig(overrides?: Record<string, unknown>, flags?: Record<string, string>): Promise<Config>;
  /** `--create-dirs` was given: make the SQLite file's folder when it is missing. */
  createDirs: boolean;
  version: string;
  /** Ends the server, as SIGINT and SIGTERM do (tests run it in process). */
  signal?: AbortSignal;
}

export function registerServe(wiring: ServeWiring) {
  return (program: Command, cli: CliContext): void => {
    program
      .command("serve")
      .description("Serve the MISP-compatible API and the web UI")
      .option("--demo", "load demo data on first start (an empty store only)")
      .option("--host <host>", "interface to listen on (HALFLIFE_HOST)")
      .option("--port <port>", "port to listen on (HALFLIFE_PORT; 0 picks a free one)")
      .addHelpText(
        "after",
        `
Examples:
  halflife serve                      # ./data/halflife.db on 127.0.0.1:8080
  halflife serve --demo --port 9000   # with demo data on first start
  DATABASE_URL=postgres://halflife@db/halflife halflife serve --host 0.0.0.0`,
      )
      .action(async (options: { demo?: boolean; host?: string; port?: string }) => {
        const config = await wiring.getConfig(
          { HALFLIFE_HOST: options.host, HALFLIFE_PORT: options.port },
          { HALFLIFE_HOST: "--host", HALFLIFE_PORT: "--port" },
        );
        const { runServer } = await import("./serve-run.js");
        await runServer(config, cli, wiring, { demo: Boolean(options.demo) });
      });
  };
}
