/**
 * The one error type of the MISP REST client. It is a HalflifeError, so the CLI, the HTTP edge
 * and the sweep's failure list handle it like any other typed error, and it carries the facts a
 * caller may branch on (status, MISP's error body, attempts) as fields, never in message text.
 */
import { HalflifeError, type ErrorCode } from "../core/errors.js";
import type { MispErrorBody } from "./wire.js";

export class MispClientError extends HalflifeError {
  /** The call, as "METHOD path": "POST attributes/edit/12". */
  readonly call: string;
  /** The HTTP status of the last answer; null when there was none (timeout, connection error). */
  readonly status: number | null;
  /** MISP's `{name, message, url}` when the server sent one. */
  readonly misp: MispErrorBody | undefined;
  /** How many times the request was sent. */
  readonly attempts: number;

  constructor(
    code: ErrorCode,
    message: string,
    facts: { call: string; status: number | null; misp?: MispErrorBody; attempts: number },
  ) {
    super(code, message);
    this.name = "MispClientError";
    this.call = facts.call;
    this.status = facts.status;
    this.misp = facts.misp;
    this.attempts = facts.attempts;
  }
}

/**
 * The code for a 4xx answer. MISP answers 405 (not 403) when a user lacks a permission
 * ("You do not have the permission to do that."), and 403 both for a bad key and for a refused
 * save, so 403 and 405 both mean FORBIDDEN here; only 401 means UNAUTHENTICATED.
 */
export function codeForStatus(status: number): ErrorCode {
  switch (status) {
    case 400:
    case 422:
      return "INVALID_INPUT";
    case 401:
      return "UNAUTHENTICATED";
    case 403:
    case 405:
      return "FORBIDDEN";
    case 404:
      return "NOT_FOUND";
    case 409:
      return "CONFLICT";
    default:
      return "UPSTREAM";
  }
}

/** Reads MISP's error body out of whatever came back; undefined when it is not one. */
export function mispErrorBody(json: unknown): MispErrorBody | undefined {
  if (json === null || typeof json !== "object" || Array.isArray(json)) return undefined;
  const body = json as Record<string, unknown>;
  const text = (value: unknown): string | undefined => (typeof value === "string" ? value : undefined);
  const result: MispErrorBody = {};
  const name = text(body.name);
  const message = text(body.message);
  const url = text(body.url);
  if (name !== undefined) result.name = name;
  if (message !== undefined) result.message = message;
  if (url !== undefined) result.url = url;
  if (body.errors !== undefined) result.errors = body.errors;
  return name === undefined && message === undefined ? undefined : result;
}

/** One line of at most `max` characters: for server-provided text inside our messages. */
export function clip(text: string, max = 200): string {
  const line = text.replace(/\s+/g, " ").trim();
  return line.length > max ? `${line.slice(0, max)}…` : line;
}
