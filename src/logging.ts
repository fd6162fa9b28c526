/**
 * The server's log: pino, writing one JSON object per line where a machine reads it (journald, a
 * file, a log shipper), and readable lines where a person does (a terminal). Part of the
 * composition root: only serve.ts makes a logger.
 */
import type { Writable } from "node:stream";
import pino, { type Logger } from "pino";

export type LogFormat = "auto" | "text" | "json";
export type LogLevel = "fatal" | "error" | "warn" | "info" | "debug" | "trace" | "silent";

export interface LoggerOptions {
  level: LogLevel;
  format: LogFormat;
  /** Where lines go: standard error, normally. */
  stream: Writable & { isTTY?: boolean };
}

/** `auto` means text on a terminal and JSON anywhere else. */
export function resolveLogFormat(format: LogFormat, stream: { isTTY?: boolean }): "text" | "json" {
  if (format !== "auto") return format;
  return stream.isTTY ? "text" : "json";
}

export function createLogger(options: LoggerOptions): Logger {
  const format = resolveLogFormat(options.format, options.stream);
  const destination = format === "json" ? options.stream : { write: (line: string) => options.stream.write(textLine(line)) };
  return pino({ level: options.level }, destination);
}

const LEVELS: Record<number, string> = { 10: "TRACE", 20: "DEBUG", 30: "INFO", 40: "WARN", 50: "ERROR", 60: "FATAL" };
const HIDDEN = new Set(["level", "time", "pid", "hostname", "msg", "err"]);

/** One pino JSON line as `2026-01-01T12:00:00.000Z INFO  message key=value`, and an error's stack below it. */
export function textLine(json: string): string {
  let entry: Record<string, unknown>;
  try {
    entry = JSON.parse(json) as Record<string, unknown>;
  } catch {
    return json;
  }
  const time = typeof entry.time === "number" ? new Date(entry.time).toISOString() : "";
  const level = (LEVELS[Number(entry.level)] ?? String(entry.level)).padEnd(5);
  const fields = Object.entries(entry)
    .filter(([key]) => !HIDDEN.has(key))
    .map(([key, value]) => `${key}=${typeof value === "string" && !/[\s"=]/.test(value) && value !== "" ? value : JSON.stringify(value)}`);
  let line = [time, level, String(entry.msg ?? ""), ...fields].filter((part) => part !== "").join(" ");
  const err = entry.err as { message?: string; stack?: string } | undefined;
  if (err) {
    line += ` error=${JSON.stringify(err.message ?? "")}`;
    if (err.stack) line += `\n${err.stack.replace(/^/gm, "    ")}`;
  }
  return `${line}\n`;
}
