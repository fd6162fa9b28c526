#!/usr/bin/env node
// `npm test`: typecheck, lint (with the import boundaries), then every test, in a shuffled order.
// Each step must pass; the last line is always "N passed, M failed".
//
// The typechecks and the lint run at the same time (one per core), their output printed in order
// once they end. The tests within each file run in an order shuffled with a seed printed before
// they start, so that a test depending on another shows up, and any failing order can be replayed:
// HALFLIFE_TEST_SEED=1234 npm test. Arguments go to vitest (npm test -- test/cli).
import { spawn, spawnSync } from "node:child_process";

const seed = process.env.HALFLIFE_TEST_SEED ?? String(Math.floor(Math.random() * 1_000_000));
if (!/^\d+$/.test(seed)) {
  process.stdout.write(`HALFLIFE_TEST_SEED must be a whole number, got "${seed}"\n0 passed, 1 failed\n`);
  process.exit(2);
}
const env = { ...process.env, TZ: "UTC" };

const checks = [
  ["typecheck", "npx", ["tsc", "--noEmit"]],
  ["typecheck (web UI)", "npx", ["tsc", "--noEmit", "-p", "web/tsconfig.json"]],
  ["lint", "npx", ["eslint", "--max-warnings=0", "."]],
];

function run(name, command, args) {
  return new Promise((resolve) => {
    const started = Date.now();
    const child = spawn(command, args, { env, stdio: ["ignore", "pipe", "pipe"] });
    let output = "";
    child.stdout.on("data", (chunk) => (output += chunk));
    child.stderr.on("data", (chunk) => (output += chunk));
    child.on("close", (code) => resolve({ name, command, args, code, output, seconds: (Date.now() - started) / 1000 }));
  });
}

const results = await Promise.all(checks.map(([name, command, args]) => run(name, command, args)));
for (const result of results) {
  process.stdout.write(`\n== ${result.name}: ${result.command} ${result.args.join(" ")} (${result.seconds.toFixed(1)} s)\n${result.output}`);
}
const failed = results.find((result) => result.code !== 0);
if (failed) {
  process.stdout.write(`\n0 passed, 1 failed (${failed.name} did not pass)\n`);
  process.exit(failed.code ?? 1);
}

// Tests are shuffled within each file. Files need no shuffling: each runs in a process of its own,
// and vitest starts the longest first, which keeps both cores busy to the end.
const tests = ["vitest", "run", "--sequence.shuffle.tests", `--sequence.seed=${seed}`, ...process.argv.slice(2)];
process.stdout.write(`\n== tests: npx ${tests.join(" ")}\n== shuffled with seed ${seed}; HALFLIFE_TEST_SEED=${seed} npm test repeats this order\n`);
const result = spawnSync("npx", tests, { stdio: "inherit", env });
process.exit(result.status ?? 1);
