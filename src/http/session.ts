/**
 * The web UI's login: `POST /halflife/session` with an API key sets an httpOnly, SameSite=Strict
 * session cookie; `GET` says who is logged in; `DELETE` logs out. Requests that carry the cookie
 * instead of an API key act as that key's user, and every change they make (any method but GET and
 * HEAD) must send the session's CSRF token in the `X-Halflife-CSRF` header. API-key requests are
 * untouched: a key in a header cannot be sent by another site's page.
 */
import type { Context } from "hono";
import { deleteCookie, getCookie, setCookie } from "hono/cookie";
import type { AppContext } from "../app/context.js";
import { csrfMatches, endSession, findSession, startSession, type ActiveSession } from "../app/sessions.js";
import type { Principal } from "../core/domain.js";
import { HalflifeError, invalidInput } from "../core/errors.js";
import { isObject } from "../misp/parse.js";
import { presentRole } from "../misp/present.js";
import type { SessionResolver } from "./auth.js";
import { HttpError } from "./errors.js";
import { jsonBody } from "./request.js";
import type { RouteTable } from "./route-table.js";

export const SESSION_COOKIE = "halflife_session";
export const CSRF_HEADER = "X-Halflife-CSRF";

const SAFE_METHODS = new Set(["GET", "HEAD", "OPTIONS"]);

declare module "hono" {
  interface ContextVariableMap {
    uiSession: ActiveSession | undefined;
  }
}

export interface SessionOptions {
  /** How long a login lasts, in seconds. */
  ttlSeconds: number;
}

/** Resolves the session cookie to its principal, refusing changes that lack the CSRF token. */
export function cookieSessions(context: AppContext): SessionResolver {
  return {
    async principal(c: Context): Promise<Principal | null> {
      const token = getCookie(c, SESSION_COOKIE);
      if (token === undefined) return null;
      const session = await findSession(context, token);
      if (!session) throw new HalflifeError("UNAUTHENTICATED", "Your session has ended. Please log in again.");
      if (!SAFE_METHODS.has(c.req.method) && !csrfMatches(session.csrfToken, c.req.header(CSRF_HEADER))) {
        throw new HalflifeError("FORBIDDEN", `This change was refused: it lacks the session's CSRF token (the ${CSRF_HEADER} header).`);
      }
      c.set("uiSession", session);
      return session.principal;
    },
  };
}

function presentSession(principal: Principal, session: ActiveSession | undefined) {
  return {
    user: { id: String(principal.user.id), email: principal.user.email, last_login: principal.user.last_login },
    org: { id: String(principal.org.id), name: principal.org.name },
    role: presentRole(principal.role),
    // Null when the caller used an API key: there is no session to protect then.
    csrf_token: session?.csrfToken ?? null,
    expires_at: session?.expiresAt ?? null,
  };
}

/** Behind a TLS-terminating proxy the request URL says http; the proxy's header says what the browser used. */
function isHttps(c: Context): boolean {
  return new URL(c.req.url).protocol === "https:" || c.req.header("x-forwarded-proto")?.split(",")[0]?.trim() === "https";
}

export function sessionRoutes(table: RouteTable, context: AppContext, options: SessionOptions): void {
  table
    .add({
      methods: ["POST"],
      path: "/halflife/session",
      group: "halflife",
      summary: "Log in to the web UI with an API key: { key }. Sets an httpOnly session cookie; the answer holds the CSRF token for changes.",
      auth: false,
      handler: () => new Response(),
      open: async (c) => {
        // A JSON body cannot be sent by another site's plain HTML form, so no page can log a visitor in.
        if (!(c.req.header("content-type") ?? "").toLowerCase().startsWith("application/json")) {
          throw new HttpError(415, "Send the login as JSON: { \"key\": \"...\" }.");
        }
        const body = await jsonBody(c);
        if (!isObject(body) || typeof body.key !== "string") throw invalidInput("key", "is required: the API key to log in with");
        const session = await startSession(context, body.key, options.ttlSeconds);
        // Logging in again replaces the browser's previous session rather than leaving it open.
        await endSession(context, getCookie(c, SESSION_COOKIE));
        setCookie(c, SESSION_COOKIE, session.token, {
          httpOnly: true,
          sameSite: "Strict",
          secure: isHttps(c),
          path: "/",
          maxAge: options.ttlSeconds,
        });
        return c.json(presentSession(session.principal, session), 201);
      },
    })
    .add({
      methods: ["GET"],
      path: "/halflife/session",
      group: "halflife",
      summary: "Who is logged in: the user, organisation and role, with the session's CSRF token.",
      handler: (c, principal) => c.json(presentSession(principal, c.get("uiSession"))),
    })
    .add({
      methods: ["DELETE"],
      path: "/halflife/session",
      group: "halflife",
      summary: "Log out of the web UI: the session ends and its cookie is cleared.",
      handler: async (c) => {
        await endSession(context, getCookie(c, SESSION_COOKIE));
        deleteCookie(c, SESSION_COOKIE, { path: "/", secure: isHttps(c), httpOnly: true, sameSite: "Strict" });
        return c.json({ message: "Logged out." });
      },
    });
}
