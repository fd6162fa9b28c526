// Where the shared, real-world test data lives (MISP taxonomies, models, events, type table).
// Tests read it in place; it is never copied into the project.
import { existsSync, readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import path from "node:path";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");

export const sharedDataDir = path.resolve(root, process.env.HALFLIFE_TEST_DATA ?? "../shared/data");
export const hasSharedData = existsSync(sharedDataDir);
export const projectRoot = root;

if (!hasSharedData) {
  process.stderr.write(`\n!! shared test data not found at ${sharedDataDir}: tests that need it are skipped (CI always has it)\n`);
}

export function sharedPath(...parts: string[]): string {
  return path.join(sharedDataDir, ...parts);
}

export function readSharedJson<T = unknown>(...parts: string[]): T {
  return JSON.parse(readFileSync(sharedPath(...parts), "utf8")) as T;
}
