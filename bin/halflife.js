#!/usr/bin/env node
// The `halflife` executable. An installed package runs the compiled JavaScript in dist/. A checkout
// (where src/ is present) runs the TypeScript sources through tsx, a development dependency, so
// that a change needs no build; without tsx it falls back to dist/ (after `npm run build`).
import { existsSync } from "node:fs";

const source = new URL("../src/main.ts", import.meta.url);
const compiled = new URL("../dist/src/main.js", import.meta.url);

async function load() {
  if (existsSync(source)) {
    try {
      const { register } = await import("tsx/esm/api");
      register();
      return await import(source.href);
    } catch (error) {
      if (error?.code !== "ERR_MODULE_NOT_FOUND" || !existsSync(compiled)) throw error;
    }
  }
  return import(compiled.href);
}

const { main } = await load();
// Let pending output drain, then leave with the command's exit code.
process.exitCode = await main(process.argv);
