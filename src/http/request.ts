/**
 * Reading MISP requests: CakePHP paths (`/events/view/12/noSightings:1`, `.json` suffixes,
 * snake_case controllers) and lenient JSON bodies (an empty body with a JSON content type is `{}`).
 */
import type { Context } from "hono";
import { checkJsonValue } from "../core/bounded-json.js";
import { HttpError } from "./errors.js";

const CONTROLLER_ALIASES: Record<string, string> = {
  decaying_model: "decayingModel",
  decaying_model_mapping: "decayingModelMapping",
  decaying_models: "decayingModel",
};

const NAMED_PARAMETER = /^[A-Za-z_][A-Za-z0-9_]*:/;

/**
 * The path Halflife routes on: without the trailing slash, the `.json` suffix, and CakePHP named
 * parameters, with MISP's controller aliases resolved.
 *
 * @example routingPath("/events/view/12/noSightings:1.json") === "/events/view/12"
 */
export function routingPath(pathname: string): string {
  let segments = pathname.split("/").filter((s, i) => i === 0 || s !== "");
  if (segments.length > 1) {
    const last = segments.length - 1;
    // `.json` is CakePHP's extension on MISP's routes; Halflife's own routes are named as they are
    // (`/halflife/openapi.json` is a document's name, not an extension).
    if (segments[1] !== "halflife") segments[last] = segments[last]!.replace(/\.json$/i, "");
    if (segments[1] && CONTROLLER_ALIASES[segments[1]]) segments[1] = CONTROLLER_ALIASES[segments[1]]!;
    segments = segments.filter((segment, i) => i < 3 || !NAMED_PARAMETER.test(decodeURIComponentSafe(segment)));
  }
  const path = segments.join("/");
  return path === "" ? "/" : path;
}

function decodeURIComponentSafe(value: string): string {
  try {
    return decodeURIComponent(value);
  } catch {
    return value;
  }
}

/** CakePHP named parameters of the request (`noSightings:1` → { noSightings: "1" }). */
export function namedParameters(c: Context): Record<string, string> {
  const out: Record<string, string> = {};
  const pathname = new URL(c.req.url).pathname.replace(/\.json$/i, "");
  pathname
    .split("/")
    .slice(3)
    .map(decodeURIComponentSafe)
    .filter((segment) => NAMED_PARAMETER.test(segment))
    .forEach((segment) => {
      const colon = segment.indexOf(":");
      out[segment.slice(0, colon)] = segment.slice(colon + 1);
    });
  return out;
}

/** Query string and named parameters together (named ones win). */
export function urlParameters(c: Context): Record<string, string> {
  return { ...c.req.query(), ...namedParameters(c) };
}

/**
 * The request body as JSON: empty means `{}`; anything that is not JSON is a 400. Every route reads
 * its body here, so the bounds of `checkJsonValue` (nesting depth, no NUL) hold for all of them.
 */
export async function jsonBody(c: Context): Promise<unknown> {
  const text = await c.req.text();
  if (text.trim() === "") return {};
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    throw new HttpError(400, "The request body is not valid JSON.");
  }
  checkJsonValue(body, "body");
  return body;
}

/** Whether a URL path or query carries a NUL character, raw or percent-encoded. */
export function urlHasNul(url: string): boolean {
  return /%00/i.test(url) || url.includes("\u0000");
}
