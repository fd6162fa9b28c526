// Scoring throughput of the pure core: Polynomial scores per second, and base scores per second
// for an attribute with three tags. Targets (SPEC §11): ≥ 50M/s and ≥ 2M/s.
import { computeBaseScore } from "../src/core/base-score.js";
import { DEFAULT_MODELS } from "../src/core/data/default-models.js";
import { formulas } from "../src/core/formulas/registry.js";
import type { BenchResult } from "./report.js";

function timeIt(run: () => number): { seconds: number; result: number } {
  const start = process.hrtime.bigint();
  const result = run();
  return { seconds: Number(process.hrtime.bigint() - start) / 1e9, result };
}

export async function benchCore(): Promise<BenchResult[]> {
  const nids = DEFAULT_MODELS[0]!;
  const model = { formula: nids.formula, parameters: { ...nids.parameters } };
  const attribute = { timestamp: 1_700_000_000, last_seen: null };
  const polynomial = formulas.get("Polynomial");

  // Polynomial: score N elapsed times through the public Formula interface.
  const n = 50_000_000;
  const polynomialRun = () => {
    let sum = 0;
    for (let i = 0; i < n; i++) sum += polynomial.computeScore(model, attribute, 80, (i % 10_368_000) + 1, { now: 0 });
    return sum;
  };
  polynomialRun(); // warm up the JIT
  const poly = timeIt(polynomialRun);

  // Base score: three tags, two of them weighted, one overriding an event tag.
  const tagged = {
    timestamp: 1_700_000_000,
    EventTag: [{ Tag: { name: 'estimative-language:likelihood-probability="likely"', numerical_value: 55 } }],
    AttributeTag: [
      { Tag: { name: 'false-positive:risk="low"', numerical_value: 75 } },
      { Tag: { name: 'estimative-language:likelihood-probability="very-likely"', numerical_value: 80 } },
      { Tag: { name: "tlp:green", numerical_value: null } },
    ],
  };
  const m = 5_000_000;
  const baseRun = () => {
    let sum = 0;
    for (let i = 0; i < m; i++) sum += computeBaseScore(model, tagged).baseScore;
    return sum;
  };
  baseRun();
  const base = timeIt(baseRun);

  return [
    { name: "core: Polynomial scores", value: n / poly.seconds / 1e6, unit: "M scores/s", target: "≥ 50", ok: n / poly.seconds >= 50e6 },
    { name: "core: base scores (3 tags)", value: m / base.seconds / 1e6, unit: "M scores/s", target: "≥ 2", ok: m / base.seconds >= 2e6 },
  ];
}
