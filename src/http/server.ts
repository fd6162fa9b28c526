/**
 * The HTTP application: MISP-compatible routes, Halflife's own routes, and the web UI's files.
 * `createHttpApp` builds it without listening, so tests can call `app.request()` in process;
 * `listen` serves it on a port.
 */
import { serve, type ServerType } from "@hono/node-server";
import { Hono, type Context } from "hono";
import { bodyLimit } from "hono/body-limit";
import type { AppContext } from "../app/context.js";
import { isHalflifeError } from "../core/errors.js";
import { AuthThrottle, clientAddress, presentsCredentials, type AuthFailureLogger, type AuthThrottleOptions } from "./auth-throttle.js";
import { errorResponse, HttpError, requestPath, type ErrorLogger } from "./errors.js";
import { principalOf, type SessionResolver } from "./auth.js";
import type { Metrics } from "./metrics.js";
import { routingPath, urlHasNul } from "./request.js";
import { SESSION_COOKIE } from "./session.js";
import { RouteTable } from "./route-table.js";
import { mispRoutes } from "./routes/index.js";

export interface HttpDeps {
  context: AppContext;
  /** Largest request body, in bytes. */
  bodyLimit: number;
  /** CSV exports neutralise spreadsheet formulas unless a request says safeCsv: 0 (default true). */
  csvSafe?: boolean;
  /** Throttling of failed authentication per address; off when unset (failures are logged all the same). */
  authThrottle?: AuthThrottleOptions;
  log: ErrorLogger & AuthFailureLogger & { info(details: Record<string, unknown>, message: string): void };
  metrics: Metrics;
  version: string;
  sessions?: SessionResolver;
  /** Extra routes (the UI's session routes, sweeps...), added by main.ts. */
  extraRoutes?: (table: RouteTable) => void;
  /** Serves the web UI's static files for paths no route claims. */
  staticFiles?: (c: Context) => Promise<Response | null>;
}

export function createHttpApp(deps: HttpDeps): { app: Hono; table: RouteTable } {
  const table = new RouteTable();
  mispRoutes(table, deps);
  deps.extraRoutes?.(table);

  const app = new Hono({ getPath: (request) => routingPath(new URL(request.url).pathname) });
  const throttleOptions = deps.authThrottle ?? { maxFailures: 0, windowSeconds: 60, trustProxy: false };
  const throttle = new AuthThrottle(throttleOptions, () => deps.context.now());
  app.onError((error, c) => {
    // Every failed authentication passes here: a bad key, an ended session, a failed UI login.
    if (isHalflifeError(error, "UNAUTHENTICATED") && presentsCredentials(c, SESSION_COOKIE)) {
      const address = clientAddress(c, throttleOptions.trustProxy);
      const failures = throttle.fail(address);
      deps.log.warn?.({ address, method: c.req.method, url: requestPath(c), reason: error.message, failures }, "authentication failed");
    }
    return errorResponse(c, error, deps.log);
  });
  app.notFound(async (c) => {
    const file = await deps.staticFiles?.(c);
    return file ?? errorResponse(c, new HttpError(404, "Not Found"));
  });

  app.use("*", async (c, next) => {
    await next();
    // No answer is to be sniffed into another type: a JSON error or a CSV export must never run as HTML.
    c.res.headers.set("X-Content-Type-Options", "nosniff");
  });
  app.use("*", async (c, next) => {
    const started = performance.now();
    await next();
    const route = c.req.routePath === "/*" ? "unmatched" : c.req.routePath;
    deps.metrics.observeRequest(c.req.method, route, c.res.status, (performance.now() - started) / 1000);
  });
  app.use("*", async (c, next) => {
    if (urlHasNul(c.req.url)) return errorResponse(c, new HttpError(400, "The request URL must not contain NUL characters."));
    await next();
  });
  app.use("*", async (c, next) => {
    if (!throttle.enabled || !presentsCredentials(c, SESSION_COOKIE)) return next();
    const wait = throttle.retryAfter(clientAddress(c, throttleOptions.trustProxy));
    if (wait === 0) return next();
    const answer = errorResponse(c, new HttpError(429, `Too many failed authentication attempts from this address; try again in ${wait} seconds.`));
    answer.headers.set("Retry-After", String(wait));
    return answer;
  });
  app.use(
    "*",
    bodyLimit({
      maxSize: deps.bodyLimit,
      onError: (c) => errorResponse(c, new HttpError(413, `The request body is larger than ${deps.bodyLimit} bytes.`)),
    }),
  );

  for (const spec of table.routes) {
    app.on(spec.methods, spec.path, async (c) => {
      if (spec.auth === false) return spec.open ? spec.open(c) : spec.handler(c, undefined as never);
      const principal = await principalOf(c, deps.context, deps.sessions);
      return spec.handler(c, principal);
    });
  }
  return { app, table };
}

export function listen(app: Hono, host: string, port: number): Promise<{ server: ServerType; url: string }> {
  return new Promise((resolve, reject) => {
    const server = serve({ fetch: app.fetch, hostname: host, port }, (info) => {
      const shownHost = host.includes(":") ? `[${host}]` : host;
      resolve({ server, url: `http://${shownHost}:${info.port}` });
    });
    server.once("error", reject);
  });
}
