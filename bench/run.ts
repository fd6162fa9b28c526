// `npm run bench [-- name…]`: runs the benchmarks and prints figures against SPEC §11's targets.
// The figures vary with the machine's load; docs/performance.md records runs with their context.
import os from "node:os";
import { benchCore } from "./core.js";
import { benchDecay } from "./decay.js";
import { benchSweep } from "./sweep.js";
import { formatResults, type BenchResult } from "./report.js";

const suites: Record<string, () => Promise<BenchResult[]>> = {
  core: benchCore,
  decay: benchDecay,
  sweep: benchSweep,
};

const wanted = process.argv.slice(2).filter((arg) => !arg.startsWith("-"));
const unknown = wanted.filter((name) => !(name in suites));
if (unknown.length > 0) {
  process.stderr.write(`bench: unknown benchmark ${unknown.join(", ")}; known: ${Object.keys(suites).join(", ")}\n`);
  process.exit(2);
}

process.stdout.write(`Halflife benchmarks — node ${process.version}, ${os.cpus().length} cores, ${os.cpus()[0]?.model ?? "?"}\n\n`);
for (const name of wanted.length > 0 ? wanted : Object.keys(suites)) {
  const results = await suites[name]!();
  process.stdout.write(`${formatResults(results)}\n`);
}
