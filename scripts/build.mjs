#!/usr/bin/env node
// `npm run build` (and `npm pack`, through prepack): compiles src/ into dist/src/ and builds the web
// UI into web/dist/, which is all an installed package runs. `--out DIR` builds into DIR/dist and
// DIR/web/dist instead, leaving the checkout untouched (the package tests do that); `--web-from DIR`
// copies a UI already built from the same sources instead of building it again.
import { spawnSync } from "node:child_process";
import { cpSync, rmSync } from "node:fs";
import { createRequire } from "node:module";
import path from "node:path";
import { fileURLToPath } from "node:url";

const root = fileURLToPath(new URL("..", import.meta.url));
const option = (name) => {
  const i = process.argv.indexOf(name);
  return i >= 0 ? path.resolve(process.argv[i + 1]) : undefined;
};
const out = option("--out") ?? root;
const webFrom = option("--web-from");
const require = createRequire(path.join(root, "package.json"));

// A stale file from a renamed module must not ship.
rmSync(path.join(out, "dist"), { recursive: true, force: true });
const tsc = spawnSync(process.execPath, [require.resolve("typescript/bin/tsc"), "-p", path.join(root, "tsconfig.build.json"), "--outDir", path.join(out, "dist")], {
  stdio: "inherit",
});
if (tsc.status !== 0) process.exit(tsc.status ?? 1);

if (webFrom) {
  rmSync(path.join(out, "web", "dist"), { recursive: true, force: true });
  cpSync(webFrom, path.join(out, "web", "dist"), { recursive: true });
} else {
  const vite = await import(require.resolve("vite"));
  await vite.build({
    configFile: path.join(root, "web", "vite.config.ts"),
    build: { outDir: path.join(out, "web", "dist"), emptyOutDir: true },
    logLevel: "warn",
  });
}
process.stderr.write(`halflife: built ${path.relative(process.cwd(), path.join(out, "dist")) || "dist"} and the web UI\n`);
