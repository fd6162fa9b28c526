/**
 * `halflife serve`: bootstraps the store, optionally loads the demo, and serves the API and UI.
 * Part of the composition root: it wires the HTTP edge to the application.
 */
import { existsSync, readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import type { Command } from "commander";
import pino from "pino";
import { bootstrap } from "./app/bootstrap.js";
import { instanceViewer } from "./app/context.js";
import { loadDemo } from "./app/demo.js";
import { enableDefaultModels } from "./app/decaying-models.js";
import type { CliContext } from "./cli/context.js";
import type { Config } from "./config/schema.js";
import { openApp } from "./compose.js";
import { createHttpApp, listen } from "./http/server.js";
import { createMetrics } from "./http/metrics.js";
import { cookieSessions, sessionRoutes } from "./http/session.js";
import { staticFiles } from "./http/static-files.js";
import { startScheduler } from "./jobs/scheduler.js";
import { statisticsJob } from "./jobs/statistics-job.js";
import { sweepJob } from "./jobs/sweep-job.js";

export const VERSION: string = (JSON.parse(readFileSync(new URL("../package.json", import.meta.url), "utf8")) as { version: string }).version;

/** The package's own built UI: web/dist beside src/ in a checkout, or beside dist/ once compiled. */
export function defaultWebDir(): string {
  for (const up of ["../web/dist", "../../web/dist"]) {
    const candidate = fileURLToPath(new URL(up, import.meta.url));
    if (existsSync(candidate)) return candidate;
  }
  return fileURLToPath(new URL("../web/dist", import.meta.url));
}

export function registerServe(getConfig: (overrides?: Record<string, unknown>) => Config) {
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
        const config = getConfig({
          ...(options.host !== undefined ? { HALFLIFE_HOST: options.host } : {}),
          ...(options.port !== undefined ? { HALFLIFE_PORT: options.port } : {}),
        });
        const log = pino({ level: config.HALFLIFE_LOG_LEVEL }, pino.destination(2));
        const app = await openApp(config, await cli.formulas(), cli.now);
        const { context } = app;
        const started = await bootstrap(context, { ...(config.HALFLIFE_ADMIN_KEY ? { adminKey: config.HALFLIFE_ADMIN_KEY } : {}) });
        await app.refreshHostOrg();
        if (started.adminKeyWarning) cli.stderr.write(`halflife: warning: ${started.adminKeyWarning}\n`);

        let demoNote = "";
        if ((options.demo || config.HALFLIFE_DEMO) && (await context.store.events.count({}, instanceViewer(context))) === 0) {
          const admin = (await context.store.keys.principalForUser(started.admin.id))!;
          const demo = await loadDemo(context, admin);
          // The demo shows scores, so its default models are on (they ship disabled otherwise).
          await enableDefaultModels(context);
          demoNote = `Demo data: ${demo.events} events, ${demo.attributes} attributes, ${demo.sightings} sightings; partner analyst key ${demo.partnerKey}`;
        }

        const sweep = context.settings.sweep;
        const schedule = sweep?.cron ? startScheduler([sweepJob(context, { ...sweep, cron: sweep.cron }, log)]) : undefined;
        const maintenance = startScheduler([statisticsJob(context, log)]);

        const metrics = createMetrics();
        const ui = staticFiles(config.HALFLIFE_WEB_DIR ?? defaultWebDir());
        if (!(await ui.built())) log.warn("the web UI is not built: run `npm run build`; the API works without it");
        const { app: http } = createHttpApp({
          context,
          bodyLimit: config.HALFLIFE_BODY_LIMIT,
          csvSafe: config.HALFLIFE_CSV_SAFE,
          authThrottle: { maxFailures: config.HALFLIFE_AUTH_FAILURE_LIMIT, windowSeconds: config.HALFLIFE_AUTH_FAILURE_WINDOW, trustProxy: config.HALFLIFE_TRUST_PROXY },
          log,
          metrics,
          version: VERSION,
          sessions: cookieSessions(context),
          extraRoutes: (table) => sessionRoutes(table, context, { ttlSeconds: Math.round(config.HALFLIFE_SESSION_HOURS * 3600) }),
          staticFiles: ui,
        });
        const { server, url } = await listen(http, config.HALFLIFE_HOST, config.HALFLIFE_PORT);

        const lines = [`Halflife ${VERSION} is listening on ${url}/`, `Store: ${context.store.dialectName === "postgres" ? "PostgreSQL" : config.HALFLIFE_DB}`];
        if (started.adminKey) lines.push(`Admin key (${started.admin.email}): ${started.adminKey}   <- shown once; keep it safe`);
        else lines.push(`Admin: ${started.admin.email} (use your existing key, or \`halflife user key ${started.admin.email}\` for a new one)`);
        if (demoNote) lines.push(demoNote);
        const next = schedule?.nextRuns()[0]?.next;
        if (sweep?.cron) lines.push(`Scheduled sweep: ${sweep.cron}${sweep.cronTimezone ? ` (${sweep.cronTimezone})` : ""}${next ? `, next at ${next.toISOString()}` : ""}`);
        cli.stdout.write(`${lines.join("\n")}\n`);
        log.info({ url }, "listening");

        await new Promise<void>((resolve) => {
          const stop = () => {
            log.info("shutting down");
            server.close(() => resolve());
            // Streaming clients must not keep the process alive forever.
            setTimeout(() => resolve(), 5_000).unref();
          };
          process.once("SIGINT", stop);
          process.once("SIGTERM", stop);
        });
        schedule?.stop();
        maintenance.stop();
        await app.close();
      });
  };
}
