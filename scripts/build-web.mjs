#!/usr/bin/env node
// Builds the web UI into web/dist. Runs after `npm ci` (the `prepare` script) and before
// `npm start`, so that a fresh clone serves its UI. `--if-missing` skips the build when web/dist
// already has one. Without Vite (an install that left out dev dependencies) it says so and stops
// without failing: the API works without the UI.
import { existsSync } from "node:fs";
import { createRequire } from "node:module";
import { fileURLToPath } from "node:url";

const root = fileURLToPath(new URL("..", import.meta.url));
const config = fileURLToPath(new URL("../web/vite.config.ts", import.meta.url));
const built = fileURLToPath(new URL("../web/dist/index.html", import.meta.url));

if (process.argv.includes("--if-missing") && existsSync(built)) process.exit(0);

let vite;
try {
  vite = await import(createRequire(`${root}/`).resolve("vite"));
} catch {
  process.stderr.write("halflife: Vite is not installed, so the web UI was not built (run `npm ci` with dev dependencies, then `npm run build:web`).\n");
  process.exit(0);
}
await vite.build({ configFile: config, logLevel: "warn" });
process.stderr.write("halflife: web UI built into web/dist\n");
