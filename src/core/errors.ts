/**
 * Typed domain errors. Every error Halflife raises on purpose carries a `code` from this union;
 * the HTTP edge maps codes to statuses in exactly one place (src/http/errors.ts), the CLI maps
 * them to exit codes. Nobody matches on message text.
 */
export type ErrorCode =
  /** A decaying model that cannot be scored (names the offending field). */
  | "INVALID_MODEL"
  /** A formula name that no registered formula answers to. */
  | "UNKNOWN_FORMULA"
  /** Input that is malformed or out of range (names the offending field when there is one). */
  | "INVALID_INPUT"
  /** A formula plug-in that does not honour the Formula contract. */
  | "INVALID_PLUGIN"
  /** No such thing, or not visible to the caller. */
  | "NOT_FOUND"
  /** Missing or bad credentials. */
  | "UNAUTHENTICATED"
  /** Authenticated, but not allowed to do this. */
  | "FORBIDDEN"
  /** The request conflicts with the current state (duplicate uuid, stale edit, held lock). */
  | "CONFLICT"
  /** A remote system (a MISP server, an SMTP server) failed or could not be reached. */
  | "UPSTREAM"
  /** The store stayed busy past its patience (another writer held it): try again shortly. */
  | "UNAVAILABLE";

export class HalflifeError extends Error {
  readonly code: ErrorCode;
  /** The input field at fault, as a dotted path ("parameters.lifetime"), when there is one. */
  readonly field: string | undefined;

  constructor(code: ErrorCode, message: string, options: { field?: string; cause?: unknown } = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = "HalflifeError";
    this.code = code;
    this.field = options.field;
  }
}

/** A model the core refuses to score, e.g. `invalidModel("parameters.lifetime", "must be greater than 0")`. */
export function invalidModel(field: string, reason: string): HalflifeError {
  return new HalflifeError("INVALID_MODEL", `${field} ${reason}`, { field });
}

/** Malformed input, e.g. `invalidInput("last_seen", "is not an ISO-8601 date")`. */
export function invalidInput(field: string, reason: string): HalflifeError {
  return new HalflifeError("INVALID_INPUT", `${field} ${reason}`, { field });
}

export function isHalflifeError(error: unknown, code?: ErrorCode): error is HalflifeError {
  return error instanceof HalflifeError && (code === undefined || error.code === code);
}
