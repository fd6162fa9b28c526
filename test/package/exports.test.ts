import { execFileSync } from "node:child_process";
import { mkdirSync, mkdtempSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { projectRoot } from "../support/data.js";

describe("the published package", () => {
  it("lets a consumer import the scoring core from the package root after npm run build", () => {
    execFileSync("npx", ["tsc", "-p", "tsconfig.build.json"], { cwd: projectRoot, stdio: "pipe" });
    const consumer = mkdtempSync(path.join(tmpdir(), "halflife-consumer-"));
    mkdirSync(path.join(consumer, "node_modules"));
    symlinkSync(projectRoot, path.join(consumer, "node_modules", "halflife"), "dir");
    writeFileSync(
      path.join(consumer, "check.mjs"),
      `import { computeBaseScore, formulas } from "halflife";
const model = { formula: "Polynomial", parameters: { lifetime: 120, decay_speed: 2, threshold: 30, default_base_score: 80,
  base_score_config: { "admiralty-scale:source-reliability": 50, "phishing:psychological-acceptability": 50 } } };
const attribute = { timestamp: 0, last_seen: null, AttributeTag: [
  { Tag: { name: 'admiralty-scale:source-reliability="a"', numerical_value: 100 } },
  { Tag: { name: 'phishing:psychological-acceptability="high"', numerical_value: 75 } }] };
const result = computeBaseScore(model, attribute);
const polynomial = formulas.get("Polynomial");
const score = polynomial.computeScore(model, attribute, result.baseScore, 30 * 86400, { now: 30 * 86400 });
console.log(JSON.stringify({ base: result.baseScore, keys: Object.keys(result).sort(), score, decayed: polynomial.isDecayed(model, attribute, score) }));
`,
    );
    const output = JSON.parse(execFileSync(process.execPath, ["check.mjs"], { cwd: consumer, encoding: "utf8" }));
    expect(output).toEqual({ base: 87.5, keys: ["baseScore", "effectiveRatios", "overridden", "tags"], score: 43.75, decayed: false });
  }, 120_000);
});
