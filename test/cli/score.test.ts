import { writeFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { runCli } from "../support/cli.js";
import { hasSharedData, readSharedJson, sharedPath } from "../support/data.js";
import { temporaryFolder } from "../support/temp.js";

type Attr = { type: string; timestamp: string; decay_score?: Array<{ score: number; base_score: number; decayed: boolean; DecayingModel: { name: string } }> };
type Event = { Event: { Attribute: Attr[]; Object?: Array<{ Attribute: Attr[] }> } };

const event = (attributes: object[], tags: object[] = []) => ({ Event: { info: "test", Tag: tags, Attribute: attributes } });
const NOW = "2026-01-01T00:00:00Z";
const NOW_S = 1_767_225_600;

describe("halflife score", () => {
  it.skipIf(!hasSharedData)("scores every attribute of a real event, object attributes included", async () => {
    const result = await runCli(["score", "--model", "nids", "--now", NOW, sharedPath("misp-events", "existing_event.json")]);
    expect(result.code).toBe(0);
    // This file holds a bare event, without the {"Event": ...} wrapper.
    const scored = JSON.parse(result.stdout) as Event["Event"];
    const original = readSharedJson<Event["Event"]>("misp-events", "existing_event.json");
    const all = [...scored.Attribute, ...(scored.Object ?? []).flatMap((o) => o.Attribute)];
    expect(all).toHaveLength(original.Attribute.length + (original.Object ?? []).reduce((n, o) => n + o.Attribute.length, 0));
    for (const attribute of all) {
      expect(attribute.decay_score).toHaveLength(1);
      expect(attribute.decay_score![0]!.DecayingModel.name).toBe("NIDS Simple Decaying Model");
    }
    // Years old: everything has decayed by 2026.
    expect(all.every((a) => a.decay_score![0]!.decayed && a.decay_score![0]!.score === 0)).toBe(true);
  });

  it.skipIf(!hasSharedData)("summarises per type for every shared event", async () => {
    for (const file of ["long_event.json", "very_long_event.json", "galaxy_1.json", "existing_event.json"]) {
      const result = await runCli(["score", "--model", "phishing", "--summary", "--now", NOW, sharedPath("misp-events", file)]);
      expect(result.code, result.stderr).toBe(0);
      expect(result.stdout).toMatch(/^all types\s+\d+\s+\d+\s+\d+$/m);
    }
  });

  it("uses event tags and tag values from the built-in taxonomies", async () => {
    const input = event(
      [{ type: "domain", timestamp: String(NOW_S), Tag: [{ name: 'phishing:state="active"' }] }],
      [{ name: 'estimative-language:confidence-in-analytic-judgment="moderate"' }],
    );
    const result = await runCli(["score", "--model", "phishing", "--now", NOW], { input: JSON.stringify(input) });
    const attribute = (JSON.parse(result.stdout) as Event).Event.Attribute[0]!;
    expect(attribute.decay_score![0]).toMatchObject({ score: 77.5, base_score: 77.5, decayed: false });
  });

  it("restarts decay at the last true-positive sighting in the file", async () => {
    const input = event([
      {
        type: "ip-dst",
        timestamp: String(NOW_S - 90 * 86_400),
        Sighting: [{ type: "0", date_sighting: String(NOW_S - 30 * 86_400) }, { type: "1", date_sighting: String(NOW_S - 86_400) }],
      },
    ]);
    const result = await runCli(["score", "--model", "nids", "--now", NOW], { input: JSON.stringify(input) });
    expect((JSON.parse(result.stdout) as Event).Event.Attribute[0]!.decay_score![0]).toMatchObject({ score: 40, base_score: 80, decayed: false });
  });

  it("reads an attributes restSearch answer, with inherited event tags", async () => {
    const input = {
      response: {
        Attribute: [{ type: "domain", timestamp: String(NOW_S), Tag: [{ name: 'phishing:state="down"', inherited: 1 }, { name: 'phishing:state="active"' }] }],
      },
    };
    const result = await runCli(["score", "--model", "phishing", "--now", NOW], { input: JSON.stringify(input) });
    const scored = JSON.parse(result.stdout) as { response: { Attribute: Attr[] } };
    expect(scored.response.Attribute[0]!.decay_score![0]!.base_score).toBe(100);
  });

  it("takes a model from a MISP model export file", async () => {
    const dir = temporaryFolder("test");
    const modelFile = path.join(dir, "model.json");
    writeFileSync(modelFile, JSON.stringify({ DecayingModel: { name: "Quick", formula: "Polynomial", parameters: { lifetime: 2, decay_speed: 1, threshold: 50, default_base_score: 100 } } }));
    const input = event([{ type: "url", timestamp: String(NOW_S - 86_400) }]);
    const result = await runCli(["score", "--model", modelFile, "--now", NOW], { input: JSON.stringify(input) });
    expect((JSON.parse(result.stdout) as Event).Event.Attribute[0]!.decay_score![0]).toMatchObject({ score: 50, decayed: false, DecayingModel: { name: "Quick" } });
  });

  describe("bad input: one line on stderr and exit code 2", () => {
    it.each([
      ["invalid JSON", ["score", "--model", "nids"], "{not json"],
      ["an unknown model", ["score", "--model", "nope"], "{}"],
      ["a bad date", ["score", "--model", "nids", "--now", "tomorrow"], "{}"],
      ["a missing file", ["score", "--model", "nids", "/nonexistent/file.json"], ""],
      ["JSON that is not MISP", ["score", "--model", "nids"], "42"],
      ["an attribute with a broken last_seen", ["score", "--model", "nids"], JSON.stringify(event([{ type: "url", timestamp: "1", last_seen: "soon" }]))],
      ["a missing --model", ["score"], "{}"],
      ["an unknown option", ["score", "--model", "nids", "--frobnicate"], "{}"],
      ["an unknown command", ["frobnicate"], ""],
    ])("%s", async (_label, args, input) => {
      const result = await runCli(args, { input });
      expect(result.code).toBe(2);
      expect(result.stdout).toBe("");
      expect(result.stderr.trim().split("\n")).toHaveLength(1);
      expect(result.stderr).toMatch(/^halflife: /);
    });

    it("refuses an invalid model file, naming the field", async () => {
      const dir = temporaryFolder("test");
      const modelFile = path.join(dir, "bad.json");
      writeFileSync(modelFile, JSON.stringify({ name: "Bad", parameters: { lifetime: 0, decay_speed: 1, threshold: 30 } }));
      const result = await runCli(["score", "--model", modelFile], { input: "{}" });
      expect(result.code).toBe(2);
      expect(result.stderr).toContain("parameters.lifetime must be greater than 0");
    });
  });

  it("prints help with examples", async () => {
    const result = await runCli(["score", "--help"]);
    expect(result.code).toBe(0);
    expect(result.stdout).toContain("Examples:");
  });
});
