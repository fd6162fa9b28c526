/** Small helpers the route modules share. */
import type { Context } from "hono";
import { invalidInput } from "../../core/errors.js";
import { isObject, unwrapBody } from "../../misp/parse.js";
import { jsonBody, urlParameters } from "../request.js";

/** A path parameter that must be present, percent-decoded (once: Hono has already decoded it). */
export function pathParam(c: Context, name: string): string {
  const value = c.req.param(name);
  if (value === undefined || value === "") throw invalidInput(name, "is required in the path");
  return value;
}

/** The JSON body, unwrapped from `request` and from `{ Model: ... }`. */
export async function modelBody(c: Context, model?: string): Promise<unknown> {
  return unwrapBody(await jsonBody(c), model);
}

/** Body parameters merged over URL (query and named) parameters, for routes that take both. */
export async function allParameters(c: Context): Promise<Record<string, unknown>> {
  const body = c.req.method === "GET" || c.req.method === "HEAD" ? {} : unwrapBody(await jsonBody(c));
  if (!isObject(body)) throw invalidInput("body", "must be a JSON object");
  return { ...urlParameters(c), ...body };
}

/** Reads a boolean-ish flag the MISP way: 1, "1", true, "true". */
export function flag(value: unknown): boolean {
  return value === true || value === 1 || value === "1" || value === "true";
}
