#!/usr/bin/env node
// The `halflife` executable. From a checkout it runs the TypeScript sources directly (through tsx);
// from an installed package it runs the compiled JavaScript in dist/.
import { existsSync } from "node:fs";

const source = new URL("../src/main.ts", import.meta.url);
let main;
if (existsSync(source)) {
  const { register } = await import("tsx/esm/api");
  register();
  ({ main } = await import(source.href));
} else {
  ({ main } = await import("../dist/src/main.js"));
}
// Let pending output drain, then leave with the command's exit code.
process.exitCode = await main(process.argv);
