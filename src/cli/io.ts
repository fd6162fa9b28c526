/** Reading inputs for commands: a file, a directory, or "-" for standard input. */
import { readFileSync } from "node:fs";
import type { Readable } from "node:stream";
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
  try {
    return JSON.parse(text);
  } catch (error) {
    throw new UsageError(`${source} is not valid JSON: ${(error as Error).message}`);
  }
}
