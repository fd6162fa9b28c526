#!/usr/bin/env node
// `npm test`: typecheck, lint (with the import boundaries), then every test, in a shuffled order.
// Each step must pass; the last line is always "N passed, M failed".
//
// The order of files and of tests within them is shuffled with a seed printed before the tests
// run, so that a test depending on another shows up, and any failing order can be replayed:
// HALFLIFE_TEST_SEED=1234 npm test. Arguments go to vitest (npm test -- test/cli).
import { spawnSync } from "node:child_process";

const seed = process.env.HALFLIFE_TEST_SEED ?? String(Math.floor(Math.random() * 1_000_000));
if (!/^\d+$/.test(seed)) {
  process.stdout.write(`HALFLIFE_TEST_SEED must be a whole number, got "${seed}"\n0 passed, 1 failed\n`);
  process.exit(2);
}

const steps = [
  ["typecheck", "npx", ["tsc", "--noEmit"]],
  ["typecheck (web UI)", "npx", ["tsc", "--noEmit", "-p", "web/tsconfig.json"]],
  ["lint", "npx", ["eslint", "--max-warnings=0", "."]],
  ["tests", "npx", ["vitest", "run", "--sequence.shuffle", `--sequence.seed=${seed}`, ...process.argv.slice(2)]],
];

for (const [name, command, args] of steps) {
  process.stdout.write(`\n== ${name}: ${command} ${args.join(" ")}\n`);
  if (name === "tests") process.stdout.write(`== shuffled with seed ${seed}; HALFLIFE_TEST_SEED=${seed} npm test repeats this order\n`);
  const result = spawnSync(command, args, { stdio: "inherit", env: { ...process.env, TZ: "UTC" } });
  if (result.status !== 0) {
    if (name !== "tests") process.stdout.write(`\n0 passed, 1 failed (${name} did not pass)\n`);
    process.exit(result.status ?? 1);
  }
}
