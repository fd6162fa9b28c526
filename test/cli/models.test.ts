import { readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { runCli } from "../support/cli.js";
import { hasSharedData, sharedPath } from "../support/data.js";
import { temporaryFolder } from "../support/temp.js";

function store() {
  const dir = temporaryFolder("models-cli");
  return { env: { HALFLIFE_DB: path.join(dir, "h.db"), HALFLIFE_LOG_LEVEL: "silent" }, dir };
}

describe("halflife models", () => {
  it("installs the defaults on a new store and lists them", async () => {
    const { env } = store();
    const update = await runCli(["models", "update"], { env });
    expect(update.code, update.stderr).toBe(0);
    // First start already installed them, so update finds them current.
    expect(update.stdout).toContain("0 installed, 0 updated, 3 unchanged");
    const list = await runCli(["models", "list", "--filter", "default"], { env });
    expect(list.stdout).toMatch(/disabled {2}default {2}NIDS Simple Decaying Model {2}\[Polynomial lifetime 120 d, speed 2, threshold 30\] 13 types/);
  });

  it.skipIf(!hasSharedData)("imports MISP's model files, exports one, and enables and disables it", async () => {
    const { env, dir } = store();
    const imported = await runCli(["models", "import", sharedPath("misp-decaying-models", "phishing-model.json"), "--enable"], { env });
    expect(imported.code, imported.stderr).toBe(0);
    const id = /Imported model (\d+)/.exec(imported.stdout)![1]!;
    expect(imported.stdout).toContain("9 types, enabled");
    const out = path.join(dir, "export.json");
    expect((await runCli(["models", "export", id, "-o", out], { env })).code).toBe(0);
    expect(JSON.parse(readFileSync(out, "utf8")).DecayingModel).toMatchObject({ name: "Phishing model", formula: "Polynomial", enabled: true });
    expect((await runCli(["models", "disable", id], { env })).stdout).toContain(`Disabled model ${id}`);
    const rebuilt = await runCli(["models", "rebuild"], { env });
    expect(rebuilt.code).toBe(0);
  });

  it.each([
    [["models", "export", "abc"], /model id must be a number/],
    [["models", "enable", "999"], /No Decaying Model/],
    [["models", "list", "--filter", "nope"], /--filter must be/],
    [["models", "import", "/nonexistent.json"], /cannot read/],
  ])("answers %j with one line and exit code 2", async (args, message) => {
    const { env } = store();
    const result = await runCli(args, { env });
    expect(result.code).toBe(2);
    expect(result.stderr.trim().split("\n")).toHaveLength(1);
    expect(result.stderr).toMatch(message);
  });

  it("refuses an invalid model file with the field named, and imports nothing", async () => {
    const { env } = store();
    const result = await runCli(["models", "import", "-"], { env, input: JSON.stringify({ name: "Bad", parameters: { lifetime: -1, decay_speed: 1, threshold: 1 } }) });
    expect(result.code).toBe(2);
    expect(result.stderr).toContain("parameters.lifetime must be greater than 0");
    expect((await runCli(["models", "list"], { env })).stdout).not.toContain("Bad");
  });

  it("imports nothing from a list whose second model is invalid, naming it", async () => {
    const { env } = store();
    const good = { name: "Good one", parameters: { lifetime: 3, decay_speed: 1, threshold: 30, default_base_score: 80 } };
    const bad = { name: "Bad one", parameters: { lifetime: 3, decay_speed: 1, threshold: "x" } };
    const result = await runCli(["models", "import", "-"], { env, input: JSON.stringify([good, bad]) });
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/parameters\.threshold .*model 2 of 2; nothing was imported/);
    expect((await runCli(["models", "list"], { env })).stdout).not.toContain("Good one");
  });
});
