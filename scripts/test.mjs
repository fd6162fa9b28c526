#!/usr/bin/env node
// `npm test`: typecheck, lint (with the import boundaries), then every test.
// Each step must pass; the last line is always "N passed, M failed".
import { spawnSync } from "node:child_process";

const steps = [
  ["typecheck", "npx", ["tsc", "--noEmit"]],
  ["typecheck (web UI)", "npx", ["tsc", "--noEmit", "-p", "web/tsconfig.json"]],
  ["lint", "npx", ["eslint", "--max-warnings=0", "."]],
  ["tests", "npx", ["vitest", "run", ...process.argv.slice(2)]],
];

for (const [name, command, args] of steps) {
  process.stdout.write(`\n== ${name}: ${command} ${args.join(" ")}\n`);
  const result = spawnSync(command, args, { stdio: "inherit", env: { ...process.env, TZ: "UTC" } });
  if (result.status !== 0) {
    if (name !== "tests") process.stdout.write(`\n0 passed, 1 failed (${name} did not pass)\n`);
    process.exit(result.status ?? 1);
  }
}
