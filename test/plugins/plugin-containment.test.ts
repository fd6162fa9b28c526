// Formula plug-ins are contained (issue 9, item 17): they load only for the commands that need
// them, never from a directory or file any user may write to, and a plug-in that throws for some
// models gives those models an error entry while the rest of every answer stands.
import { chmodSync, existsSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { isHalflifeError } from "../../src/core/errors.js";
import { loadFormulaRegistry } from "../../src/plugins/load-formulas.js";
import { runHalflife } from "../support/cli.js";
import { startInProcess, type InProcessApp } from "../support/in-process.js";

// Scores half the base score, or throws when its model asks it to (settings.crash), or when it is
// asked to validate settings.crash_validate: what a plug-in with a bug for some parameters does.
const FRAGILE = `
const crash = (model) => Boolean(model.parameters.settings && model.parameters.settings.crash);
export default {
  name: "Fragile",
  description: "half the base score; throws for some parameters",
  family: "Fragile",
  requiresSightings: false,
  validate(parameters) {
    if (parameters.settings && parameters.settings.crash_validate) throw new TypeError("cannot read properties of undefined");
  },
  computeScore(model, attribute, baseScore) {
    if (crash(model)) throw new Error("fragile formula cannot score this");
    return baseScore / 2;
  },
  isDecayed(model, attribute, score) {
    return score < Number(model.parameters.threshold);
  },
  decaysAt(model, attribute, baseScore, { referenceTime }) {
    if (crash(model)) throw new Error("fragile formula has no closed form for this");
    return baseScore / 2 < Number(model.parameters.threshold) ? referenceTime : Infinity;
  },
};
`;

const temporary: string[] = [];
function directory(files: Record<string, string>, mode = 0o755): string {
  const dir = mkdtempSync(path.join(tmpdir(), "halflife-plugins-"));
  temporary.push(dir);
  for (const [name, text] of Object.entries(files)) writeFileSync(path.join(dir, name), text);
  chmodSync(dir, mode);
  return dir;
}
afterAll(() => {
  for (const dir of temporary) rmSync(dir, { recursive: true, force: true });
});

async function refusal(dir: string): Promise<string> {
  try {
    await loadFormulaRegistry(dir);
  } catch (error) {
    expect(isHalflifeError(error, "INVALID_PLUGIN")).toBe(true);
    return (error as Error).message;
  }
  throw new Error("expected the directory to be refused");
}

describe.skipIf(process.platform === "win32")("where plug-ins load from", () => {
  it("refuses a directory any user may write to, naming it", async () => {
    const dir = directory({ "fragile.mjs": FRAGILE }, 0o777);
    expect(await refusal(dir)).toBe(
      `HALFLIFE_FORMULA_DIR ${dir} is writable by every user of this machine, so anyone could make Halflife run their code; remove that permission (chmod o-w ${dir})`,
    );
  });

  it("refuses a plug-in file any user may write to, naming it", async () => {
    const dir = directory({ "fragile.mjs": FRAGILE });
    chmodSync(path.join(dir, "fragile.mjs"), 0o666);
    expect(await refusal(dir)).toMatch(new RegExp(`^formula plug-in ${path.join(dir, "fragile.mjs").replaceAll("/", "\\/")} is writable by every user`));
  });
});

describe("which commands load plug-ins", () => {
  it("runs no plug-in code for administration and run listings, and does for scoring", async () => {
    const marker = path.join(mkdtempSync(path.join(tmpdir(), "halflife-marker-")), "ran");
    temporary.push(path.dirname(marker));
    const dir = directory({ "loud.mjs": `import { writeFileSync } from "node:fs";\nwriteFileSync(${JSON.stringify(marker)}, "ran");\n${FRAGILE.replace('"Fragile"', '"Loud"').replace('"Fragile"', '"Loud"')}` });
    const env = { HALFLIFE_DB: path.join(path.dirname(marker), "h.db"), HALFLIFE_FORMULA_DIR: dir, HALFLIFE_LOG_LEVEL: "silent" };
    for (const args of [["org", "list"], ["sweep", "runs"]]) {
      const result = await runHalflife(args, { env });
      expect(result.code, `${args.join(" ")}: ${result.stderr}`).toBe(0);
      expect(existsSync(marker), args.join(" ")).toBe(false);
    }
    const scored = await runHalflife(["score", "--model", "nids", "--summary"], { env, input: JSON.stringify({ Event: { Attribute: [{ type: "ip-dst", timestamp: "1767139200" }] } }) });
    expect(scored.code, scored.stderr).toBe(0);
    expect(existsSync(marker)).toBe(true);
  });

  it("checks the command line before any plug-in code runs", async () => {
    const marker = path.join(mkdtempSync(path.join(tmpdir(), "halflife-marker-")), "ran");
    temporary.push(path.dirname(marker));
    const dir = directory({ "loud.mjs": `import { writeFileSync } from "node:fs";\nwriteFileSync(${JSON.stringify(marker)}, "ran");\nexport default 3;` });
    const result = await runHalflife(["score", "--model", "nids", "--now", "never"], { env: { HALFLIFE_FORMULA_DIR: dir, HALFLIFE_LOG_LEVEL: "silent" } });
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/--now "never"/);
    expect(existsSync(marker)).toBe(false);
  });
});

describe("a plug-in formula that throws for some models", () => {
  let api: InProcessApp;
  let eventId: string;
  let attributeId: string;
  let fragileId: string;
  let crashingId: string;
  let polynomialId: string;

  beforeAll(async () => {
    api = await startInProcess({ formulas: await loadFormulaRegistry(directory({ "fragile.mjs": FRAGILE })) });
    const model = async (name: string, formula: string, settings: Record<string, unknown>) => {
      const added = await api.call("POST", "/decayingModel/add", {
        name,
        formula,
        parameters: { lifetime: 30, decay_speed: 1, threshold: 30, default_base_score: 80, settings },
        attribute_types: ["domain"],
        enabled: 1,
      });
      expect(added.status, added.text).toBe(200);
      return String(added.json.data.DecayingModel.id);
    };
    polynomialId = await model("steady", "Polynomial", {});
    fragileId = await model("fragile but fine", "Fragile", {});
    // Enabling a model whose formula throws rebuilds its index rows: the write still goes through.
    crashingId = await model("fragile and failing", "Fragile", { crash: true });
    const event = await api.call("POST", "/events/add", { info: "scored", Attribute: [{ type: "domain", value: "scored.example", Sighting: [{ type: 0 }] }] });
    expect(event.status, event.text).toBe(200);
    eventId = event.json.Event.id;
    attributeId = event.json.Event.Attribute[0].id;
  });
  afterAll(async () => {
    await api?.close();
  });

  function expectEntries(decayScore: any[]) {
    const byModel = new Map(decayScore.map((entry) => [String(entry.DecayingModel.id), entry]));
    expect(byModel.get(polynomialId)).toMatchObject({ score: expect.any(Number), decayed: false });
    expect(byModel.get(fragileId)).toMatchObject({ score: 40, base_score: 80, decayed: false });
    const failed = byModel.get(crashingId);
    expect(failed).toEqual({ error: "formula Fragile failed: fragile formula cannot score this", DecayingModel: { id: crashingId, name: "fragile and failing" } });
  }

  it("gives the failing model an error entry in restSearch, and the rest of the answer stands", async () => {
    for (const extra of [{}, { excludeDecayed: 1 }, { excludeDecayed: 1, modelOverrides: { threshold: 20 } }]) {
      const answer = await api.call("POST", "/attributes/restSearch", { includeDecayScore: 1, ...extra });
      expect(answer.status, answer.text).toBe(200);
      expect(answer.json.response.Attribute, JSON.stringify(extra)).toHaveLength(1);
      if (!("modelOverrides" in extra)) expectEntries(answer.json.response.Attribute[0].decay_score);
    }
    const csv = await api.call("POST", "/attributes/restSearch", { includeDecayScore: 1, returnFormat: "csv", requested_attributes: ["value"] });
    expect(csv.status).toBe(200);
    expect(csv.text.trim().split("\n")[1]).toMatch(/^scored\.example,\d+(\.\d+)?,false$/);
    expect(api.unexpectedErrors).toEqual([]);
  });

  it("answers events/view with scores, and the event's own scores, instead of a 500", async () => {
    const view = await api.call("GET", `/events/view/${eventId}/includeDecayScore:1/includeScoresOnEvent:1`);
    expect(view.status, view.text).toBe(200);
    expectEntries(view.json.Event.Attribute[0].decay_score);
    expect(view.json.Event.event_scores.find((s: any) => s.DecayingModel.id === crashingId)).toMatchObject({ error: expect.stringMatching(/^formula Fragile failed/) });
    expect(api.unexpectedErrors).toEqual([]);
  });

  it("keeps writes working while the index cannot use the formula", async () => {
    expect((await api.call("POST", "/sightings/add", { id: attributeId, type: 0 })).status).toBe(200);
    expect((await api.call("POST", `/attributes/edit/${attributeId}`, { comment: "still editable" })).status).toBe(200);
    expect(api.unexpectedErrors).toEqual([]);
  });

  it("refuses a simulation and a model the formula fails for with 400, naming the formula", async () => {
    const simulation = await api.call("GET", `/decayingModel/decayingToolComputeSimulation/${crashingId}/${attributeId}`);
    expect(simulation.status, simulation.text).toBe(400);
    expect(simulation.json.message).toBe("formula Fragile failed: fragile formula cannot score this");
    const refused = await api.call("POST", "/decayingModel/add", { name: "x", formula: "Fragile", parameters: { threshold: 30, settings: { crash_validate: true } } });
    expect(refused.status, refused.text).toBe(400);
    expect(refused.json.message).toBe("parameters are refused by formula Fragile: cannot read properties of undefined");
    expect(api.unexpectedErrors).toEqual([]);
  });
});
