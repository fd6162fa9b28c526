/**
 * What `halflife serve` does once its settings are read: open the store, bootstrap, load the demo,
 * listen, start the scheduled jobs, and shut all of it down on SIGINT, SIGTERM or the caller's
 * signal. A server that cannot listen stops with one sentence and leaves nothing running.
 */
import { bootstrap } from "./app/bootstrap.js";
import { instanceViewer } from "./app/context.js";
import { loadDemo } from "./app/demo.js";
import { enableDefaultModels } from "./app/decaying-models.js";
import type { CliContext } from "./cli/context.js";
import { CommandFailed } from "./cli/errors.js";
import { openApp } from "./compose.js";
import { prepareDatabaseFolder } from "./config/database-folder.js";
import { settingName } from "./config/load.js";
import type { Config } from "./config/schema.js";
import { createHttpApp, listen } from "./http/server.js";
import { createMetrics } from "./http/metrics.js";
import { cookieSessions, sessionRoutes } from "./http/session.js";
import { staticFiles } from "./http/static-files.js";
import { startScheduler } from "./jobs/scheduler.js";
import { statisticsJob } from "./jobs/statistics-job.js";
import { sweepJob } from "./jobs/sweep-job.js";
import { createLogger } from "./logging.js";
import { defaultWebDir } from "./package-info.js";
import type { ServeWiring } from "./serve.js";

export async function runServer(config: Config, cli: CliContext, wiring: ServeWiring, options: { demo: boolean }): Promise<void> {
  const log = createLogger({ level: config.HALFLIFE_LOG_LEVEL, format: config.HALFLIFE_LOG_FORMAT, stream: cli.stderr });
  prepareDatabaseFolder(config, { createDirs: wiring.createDirs });
  const app = await openApp(config, await cli.formulas(), cli.now);
  try {
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

    const ui = staticFiles(config.HALFLIFE_WEB_DIR ?? defaultWebDir());
    if (!(await ui.built())) log.warn("the web UI is not built: run `npm run build`; the API works without it");
    const { app: http } = createHttpApp({
      context,
      bodyLimit: config.HALFLIFE_BODY_LIMIT,
      csvSafe: config.HALFLIFE_CSV_SAFE,
      authThrottle: { maxFailures: config.HALFLIFE_AUTH_FAILURE_LIMIT, windowSeconds: config.HALFLIFE_AUTH_FAILURE_WINDOW, trustProxy: config.HALFLIFE_TRUST_PROXY },
      log,
      metrics: createMetrics(),
      version: wiring.version,
      sessions: cookieSessions(context),
      extraRoutes: (table) => sessionRoutes(table, context, { ttlSeconds: Math.round(config.HALFLIFE_SESSION_HOURS * 3600) }),
      staticFiles: ui,
    });
    const { server, url } = await listen(http, config.HALFLIFE_HOST, config.HALFLIFE_PORT).catch((error: unknown) => {
      throw new CommandFailed(cannotListen(config, error as NodeJS.ErrnoException));
    });

    // Jobs start once the server listens: a server that could not start runs nothing.
    const sweep = context.settings.sweep;
    const schedule = sweep?.cron ? startScheduler([sweepJob(context, { ...sweep, cron: sweep.cron }, log)]) : undefined;
    const maintenance = startScheduler([statisticsJob(context, log)]);

    const lines = [`Halflife ${wiring.version} is listening on ${url}/`, `Store: ${context.store.dialectName === "postgres" ? "PostgreSQL" : config.HALFLIFE_DB}`];
    if (started.adminKey) lines.push(`Admin key (${started.admin.email}): ${started.adminKey}   <- shown once; keep it safe`);
    else lines.push(`Admin: ${started.admin.email} (use your existing key, or \`halflife user key ${started.admin.email}\` for a new one)`);
    if (demoNote) lines.push(demoNote);
    const next = schedule?.nextRuns()[0]?.next;
    if (sweep?.cron) lines.push(`Scheduled sweep: ${sweep.cron}${sweep.cronTimezone ? ` (${sweep.cronTimezone})` : ""}${next ? `, next at ${next.toISOString()}` : ""}`);
    cli.stdout.write(`${lines.join("\n")}\n`);
    log.info({ url }, "listening");

    await stopped(wiring.signal);
    log.info("shutting down");
    schedule?.stop();
    maintenance.stop();
    await new Promise<void>((resolve) => {
      server.close(() => resolve());
      // Streaming clients must not keep the process alive forever.
      setTimeout(resolve, 5_000).unref();
    });
  } finally {
    await app.close();
  }
}

/** Resolves on SIGINT, SIGTERM or the signal, whichever comes first, and then forgets them all. */
function stopped(signal: AbortSignal | undefined): Promise<void> {
  return new Promise((resolve) => {
    const stop = () => {
      process.off("SIGINT", stop);
      process.off("SIGTERM", stop);
      signal?.removeEventListener("abort", stop);
      resolve();
    };
    process.once("SIGINT", stop);
    process.once("SIGTERM", stop);
    if (signal?.aborted) stop();
    else signal?.addEventListener("abort", stop, { once: true });
  });
}

/** One sentence on why the server could not listen, naming the setting to change. */
function cannotListen(config: Config, error: NodeJS.ErrnoException): string {
  const where = `${config.HALFLIFE_HOST}:${config.HALFLIFE_PORT}`;
  const port = settingName(config, "HALFLIFE_PORT");
  const host = settingName(config, "HALFLIFE_HOST");
  switch (error.code) {
    case "EADDRINUSE":
      return `cannot listen on ${where}: the port is already in use; stop what uses it, or choose another port with ${port === "HALFLIFE_PORT" ? "--port or HALFLIFE_PORT" : port}`;
    case "EACCES":
      return `cannot listen on ${where}: permission denied (ports below 1024 need privileges); choose another port with ${port === "HALFLIFE_PORT" ? "--port or HALFLIFE_PORT" : port}`;
    case "EADDRNOTAVAIL":
      return `cannot listen on ${where}: ${config.HALFLIFE_HOST} is not an address of this machine; check ${host}`;
    case "ENOTFOUND":
    case "EAI_AGAIN":
      return `cannot listen on ${where}: the host name ${config.HALFLIFE_HOST} does not resolve; check ${host}`;
    default:
      return `cannot listen on ${where}: ${error.message}`;
  }
}
