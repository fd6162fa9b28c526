/** Reading inputs for commands: a file, a directory, or "-" for standard input. */
import { readFileSync } from "node:fs";
import type { Readable } from "node:stream";
import { checkJsonValue } from "../core/bounded-json.js";
import { isHalflifeError } from "../core/errors.js";
import { UsageError } from "./errors.js";

export async function readText(source: string | undefined, stdin: Readable): Promise<string> {
  if (source === undefined || source === "-") {
    const chunks: Buffer[] = [];
    for await (const chunk of stdin) chunks.push(typeof chunk === "string" ? Buffer.from(chunk) : (chunk as Buffer));
    return Buffer.concat(chunks).toString("utf8");
  }
  try {
    return readFileSync(source, "utf8");
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new UsageError(`cannot read ${source}: ${code === "ENOENT" ? "no such file" : code === "EISDIR" ? "is a directory" : code}`);
  }
}

export function parseJson(text: string, source: string): unknown {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    throw new UsageError(`${source} is not valid JSON: ${(error as Error).message}`);
  }
  // The same nesting bound as request bodies: what reads the document afterwards recurses.
  try {
    checkJsonValue(value, source, { refuseNul: false });
  } catch (error) {
    throw new UsageError(isHalflifeError(error) ? error.message : String(error));
  }
  return value;
}
