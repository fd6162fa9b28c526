/**
 * Where the package is, and its version. The code runs from src/ in a checkout and from dist/src/
 * in an installed package, so the package root is found by walking up to Halflife's own
 * package.json, never by a fixed relative path.
 */
import { existsSync, readFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";

let root: { dir: string; version: string } | undefined;

function find(): { dir: string; version: string } {
  let dir = path.dirname(fileURLToPath(import.meta.url));
  for (let up = 0; up < 4; up++) {
    const file = path.join(dir, "package.json");
    if (existsSync(file)) {
      const manifest = JSON.parse(readFileSync(file, "utf8")) as { name?: string; version?: string };
      if (manifest.name === "halflife" && manifest.version) return { dir, version: manifest.version };
    }
    dir = path.dirname(dir);
  }
  throw new Error(`halflife's package.json was not found above ${fileURLToPath(import.meta.url)}`);
}

/** The folder that holds Halflife's package.json. */
export function packageRoot(): string {
  return (root ??= find()).dir;
}

/** Halflife's version, from its package.json. */
export function packageVersion(): string {
  return (root ??= find()).version;
}

/** The package's own built web UI (web/dist beside package.json). */
export function defaultWebDir(): string {
  return path.join(packageRoot(), "web", "dist");
}
