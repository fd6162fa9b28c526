/**
 * How commands fail: one clear line on stderr, and an exit code. Bad usage and bad input exit 2;
 * a failure of the work itself (a server down, a lock held) exits 1.
 */
import { isHalflifeError, type ErrorCode } from "../core/errors.js";

export class UsageError extends Error {
  override name = "UsageError";
}

/** The work ran and failed (its report is printed already): one line, and exit 1. */
export class CommandFailed extends Error {
  override name = "CommandFailed";
}

const USAGE_CODES: ReadonlySet<ErrorCode> = new Set(["INVALID_INPUT", "INVALID_MODEL", "UNKNOWN_FORMULA", "NOT_FOUND", "INVALID_PLUGIN"]);

export function exitCodeFor(error: unknown): number {
  if (error instanceof UsageError) return 2;
  if (error instanceof CommandFailed) return 1;
  if (isHalflifeError(error)) return USAGE_CODES.has(error.code) ? 2 : 1;
  if (error instanceof Error && error.name === "ConfigError") return 2;
  return 1;
}

/** One line, never a stack trace: the message, flattened. */
export function describeError(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  return message.replace(/\s*\n\s*/g, " ").trim() || "unknown error";
}
