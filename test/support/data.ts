// Where the real-world test data lives (MISP taxonomies, models, events, type table). Tests read it
// in place; it is never copied into the project. The first of these that exists is used:
// HALFLIFE_TEST_DATA, ../shared/data beside the checkout (as CI has it), and the cache that
// `npm run test-data` fills (.cache/test-data). Whether it is missing is said once per run, by
// test/support/data-check.ts.
import { existsSync, readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import path from "node:path";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../..");

/** The folders looked at, in order. */
export const sharedDataCandidates: readonly string[] = process.env.HALFLIFE_TEST_DATA
  ? [path.resolve(root, process.env.HALFLIFE_TEST_DATA)]
  : [path.resolve(root, "../shared/data"), path.resolve(root, ".cache/test-data")];

/** Complete data has the events; a half-fetched cache does not count. */
const complete = (dir: string) => existsSync(path.join(dir, "misp-events")) && existsSync(path.join(dir, "misp-taxonomies")) && existsSync(path.join(dir, "describeTypes.json"));

export const sharedDataDir = sharedDataCandidates.find(complete) ?? sharedDataCandidates[0]!;
export const hasSharedData = complete(sharedDataDir);
export const projectRoot = root;

export function sharedPath(...parts: string[]): string {
  return path.join(sharedDataDir, ...parts);
}

export function readSharedJson<T = unknown>(...parts: string[]): T {
  return JSON.parse(readFileSync(sharedPath(...parts), "utf8")) as T;
}
