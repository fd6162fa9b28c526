/**
 * Who is calling: an API key in `Authorization` (raw, MISP style) or `X-MISP-AUTH`, or the web
 * UI's session cookie. A missing or bad key is a 403 with MISP's message.
 */
import type { Context } from "hono";
import { HalflifeError } from "../core/errors.js";
import type { Principal } from "../core/domain.js";
import { authenticate } from "../app/keys.js";
import type { AppContext } from "../app/context.js";

/** Resolves a browser session to a principal (provided by the UI's session routes). */
export interface SessionResolver {
  principal(c: Context): Promise<Principal | null>;
}

export function apiKeyOf(c: Context): string | undefined {
  const header = c.req.header("authorization") ?? c.req.header("x-misp-auth");
  if (!header) return undefined;
  // Some clients send "Bearer <key>" or "Token <key>"; MISP itself wants the raw key.
  return header.replace(/^(Bearer|Token)\s+/i, "").trim();
}

export async function principalOf(c: Context, context: AppContext, sessions?: SessionResolver): Promise<Principal> {
  const key = apiKeyOf(c);
  if (key !== undefined) return authenticate(context, key);
  const fromSession = sessions ? await sessions.principal(c) : null;
  if (fromSession) return fromSession;
  return authenticate(context, undefined).catch((error: unknown) => {
    throw error instanceof HalflifeError ? error : new HalflifeError("UNAUTHENTICATED", "Authentication failed.");
  });
}
