/**
 * THE map from errors to HTTP: every typed error code has one status, and every error body is
 * MISP's `{name, message, url}` JSON. Anything untyped is a bug: it becomes a bare 500 whose
 * message is logged, never sent.
 */
import type { Context } from "hono";
import type { ContentfulStatusCode } from "hono/utils/http-status";
import { isHalflifeError, type ErrorCode } from "../core/errors.js";
import { presentError } from "../misp/present.js";

const STATUS: Record<ErrorCode, ContentfulStatusCode> = {
  INVALID_INPUT: 400,
  INVALID_MODEL: 400,
  UNKNOWN_FORMULA: 400,
  UNAUTHENTICATED: 403,
  FORBIDDEN: 403,
  NOT_FOUND: 404,
  CONFLICT: 409,
  UPSTREAM: 502,
  UNAVAILABLE: 503,
  INVALID_PLUGIN: 500,
};

/** An HTTP-level refusal that is not a domain error (body too large, bad JSON, no such route). */
export class HttpError extends Error {
  constructor(
    readonly status: ContentfulStatusCode,
    message: string,
  ) {
    super(message);
    this.name = "HttpError";
  }
}

export function requestPath(c: Context): string {
  try {
    return new URL(c.req.url).pathname;
  } catch {
    return c.req.path;
  }
}

export interface ErrorLogger {
  error(details: Record<string, unknown>, message: string): void;
}

export function errorResponse(c: Context, error: unknown, log?: ErrorLogger): Response {
  const url = requestPath(c);
  if (error instanceof HttpError) return c.json(presentError(error.message, url), error.status);
  if (isHalflifeError(error)) {
    const extra = error.field ? { errors: { [error.field]: [error.message] } } : {};
    // A busy store frees up within seconds: say when to come back, as HTTP's 503 allows.
    const headers: Record<string, string> = error.code === "UNAVAILABLE" ? { "Retry-After": "5" } : {};
    return c.json(presentError(error.message, url, extra), STATUS[error.code], headers);
  }
  log?.error({ err: error, url, method: c.req.method }, "unexpected error while answering a request");
  return c.json(presentError("An internal error occurred.", url), 500);
}
