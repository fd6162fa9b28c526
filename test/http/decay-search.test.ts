// Scores in searches: includeDecayScore, excludeDecayed before pagination, explicit models,
// overrides, event views, CSV, and the simulation endpoint — on SQLite and PostgreSQL.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { scoreOverTime } from "../../src/core/simulation.js";
import { postgresAvailable } from "../support/databases.js";
import { eventBody, startTestServer, type TestServer } from "../support/server.js";

const NOW = 1_767_225_600;
const DAY = 86_400;

const dialects = [
  { name: "sqlite" as const, available: true },
  { name: "postgres" as const, available: postgresAvailable() },
];

for (const dialect of dialects) {
  describe.skipIf(!dialect.available)(`scored searches on ${dialect.name}`, () => {
    let server: TestServer;
    let nids: string;
    let phishing: string;
    let eventId: string;
    let sightedEventId: string;
    const ids: Record<string, string> = {};
    let partner: { key: string };

    async function search(body: Record<string, unknown>, key?: string) {
      const response = await server.call("POST", "/attributes/restSearch", { returnFormat: "json", eventid: eventId, ...body }, key ? { key } : {});
      return { ...response, attributes: (response.json?.response?.Attribute ?? []) as any[] };
    }

    beforeAll(async () => {
      server = await startTestServer({ dialect: dialect.name, now: NOW });
      partner = await server.addUser({ org: "Partner", role: "Org Admin" });
      const defaults = (await server.call("GET", "/decayingModel/index/default_models:1")).json.map((m: any) => m.DecayingModel);
      nids = defaults.find((m: any) => m.name.startsWith("NIDS")).id;
      phishing = defaults.find((m: any) => m.name.startsWith("Phishing")).id;
      await server.call("POST", `/decayingModel/enable/${nids}`);
      await server.call("POST", `/decayingModel/enable/${phishing}`);
      const attribute = (value: string, type: string, ageDays: number, extra: Record<string, unknown> = {}) => ({
        type,
        value,
        category: type === "md5" ? "Payload delivery" : "Network activity",
        to_ids: true,
        timestamp: String(NOW - ageDays * DAY),
        ...extra,
      });
      const created = await server.call(
        "POST",
        "/events/add",
        eventBody({ distribution: 1, Tag: [{ name: 'estimative-language:confidence-in-analytic-judgment="high"' }] }, [
          attribute("fresh.example", "domain", 1),
          attribute("month-old.example", "domain", 30),
          attribute("198.51.100.7", "ip-dst", 200),
          attribute("203.0.113.9", "ip-dst", 10, { Tag: [{ name: 'false-positive:risk="low"' }] }),
          attribute("d41d8cd98f00b204e9800998ecf8427e", "md5", 500),
        ]),
      );
      eventId = created.json.Event.id;
      for (const a of created.json.Event.Attribute) ids[a.value] = a.id;
      // Attributes that tests add sightings to live in an event of their own, so that no test sees
      // another's sightings.
      const sighted = await server.call(
        "POST",
        "/events/add",
        eventBody({ distribution: 1, Tag: [{ name: 'estimative-language:confidence-in-analytic-judgment="high"' }] }, [
          attribute("192.0.2.200", "ip-dst", 200),
          attribute("policy.example", "domain", 30),
        ]),
      );
      sightedEventId = sighted.json.Event.id;
      for (const a of sighted.json.Event.Attribute) ids[a.value] = a.id;
    });
    afterAll(() => server.close());

    it("attaches MISP's decay_score entries, in MISP's key order, for the enabled models mapped to the type", async () => {
      const { attributes } = await search({ includeDecayScore: 1, value: "month-old.example" });
      const entries = attributes[0].decay_score;
      expect(entries.map((e: any) => e.DecayingModel.name).sort()).toEqual(["NIDS Simple Decaying Model", "Phishing model"]);
      const n = entries.find((e: any) => e.DecayingModel.id === nids);
      expect(Object.keys(n)).toEqual(["score", "base_score", "decayed", "DecayingModel"]);
      // NIDS: confidence "high" (95) is the only weighted tag present; 30 of 120 days, speed 2.
      expect(n.base_score).toBe(95);
      expect(n.score).toBeCloseTo(95 * (1 - Math.sqrt(30 / 120)), 10);
      expect(n.decayed).toBe(false);
      expect(n.DecayingModel).toEqual({ id: nids, name: "NIDS Simple Decaying Model" });
    });

    it("shows the event's tags on scored attributes, marked inherited, as MISP does", async () => {
      const { attributes } = await search({ includeDecayScore: 1, value: "fresh.example" });
      expect(attributes[0].Tag).toContainEqual(expect.objectContaining({ name: 'estimative-language:confidence-in-analytic-judgment="high"', inherited: 1 }));
    });

    it("leaves out decay_score entirely when no model applies to the type", async () => {
      const { attributes } = await search({ includeDecayScore: 1, type: "md5" });
      expect(attributes).toHaveLength(1);
      expect(attributes[0]).not.toHaveProperty("decay_score");
    });

    it("scores with exactly the models asked for, whatever their mapping, as an id, a list or a comma-separated string", async () => {
      for (const decayingModel of [Number(nids), [nids], `${nids}`, `${nids},${phishing}`]) {
        const { attributes } = await search({ includeDecayScore: 1, type: "md5", decayingModel });
        const expected = typeof decayingModel === "string" && decayingModel.includes(",") ? 2 : 1;
        expect(attributes[0].decay_score, JSON.stringify(decayingModel)).toHaveLength(expected);
      }
    });

    it("applies modelOverrides and score (an alias of the threshold override)", async () => {
      const base = (await search({ includeDecayScore: 1, value: "month-old.example", decayingModel: nids })).attributes[0].decay_score[0];
      const overridden = (await search({ includeDecayScore: 1, value: "month-old.example", decayingModel: nids, modelOverrides: { lifetime: 60, threshold: 90 } })).attributes[0].decay_score[0];
      expect(overridden.score).toBeCloseTo(95 * (1 - Math.sqrt(30 / 60)), 10);
      expect(overridden.decayed).toBe(true);
      expect(base.decayed).toBe(false);
      const scored = (await search({ includeDecayScore: 1, value: "month-old.example", decayingModel: nids, score: 99 })).attributes[0].decay_score[0];
      expect(scored.decayed).toBe(true);
    });

    it("returns the whole model, overrides applied, with includeFullModel", async () => {
      const { attributes } = await search({ includeDecayScore: 1, value: "fresh.example", decayingModel: nids, modelOverrides: { threshold: 12 }, includeFullModel: 1 });
      expect(attributes[0].decay_score[0].DecayingModel).toMatchObject({ id: nids, formula: "Polynomial", default: true, parameters: { threshold: 12, lifetime: 120 } });
    });

    it.each([
      [{ modelOverrides: { lifetime: 0 } }, 400],
      [{ modelOverrides: { threshold: "high" } }, 400],
      [{ modelOverrides: { default_base_score: 10 } }, 400],
      [{ modelOverrides: "{broken" }, 400],
      [{ decayingModel: "abc" }, 400],
      [{ decayingModel: 987654 }, 404],
    ])("refuses bad decay parameters %j with a %i", async (body, status) => {
      const response = await search({ includeDecayScore: 1, ...body });
      expect(response.status).toBe(status);
      expect(response.json).toMatchObject({ name: expect.any(String), url: "/attributes/restSearch" });
    });

    it("drops only attributes that every applicable model finds decayed, and keeps unscored ones", async () => {
      const { attributes, headers } = await search({ excludeDecayed: 1 });
      const values = attributes.map((a: any) => a.value).sort();
      // 198.51.100.7 is 200 days old: decayed for NIDS (120 d) and Phishing (3 d).
      // month-old.example: decayed for Phishing, fresh for NIDS → kept. The md5 has no model → kept.
      expect(values).toEqual(["203.0.113.9", "d41d8cd98f00b204e9800998ecf8427e", "fresh.example", "month-old.example"]);
      expect(headers.get("x-result-count")).toBe("4");
    });

    it("filters before paginating: every page is full and X-Result-Count counts what is kept", async () => {
      const first = await search({ excludeDecayed: 1, limit: 2, page: 1 });
      const second = await search({ excludeDecayed: 1, limit: 2, page: 2 });
      expect(first.attributes).toHaveLength(2);
      expect(second.attributes).toHaveLength(2);
      expect(first.headers.get("x-result-count")).toBe("4");
      expect(new Set([...first.attributes, ...second.attributes].map((a: any) => a.id)).size).toBe(4);
    });

    it("gives the same answer from the decay index (site admin) and from batched scoring (overrides that change nothing)", async () => {
      const indexed = (await search({ excludeDecayed: 1 })).attributes.map((a: any) => a.id);
      const computed = (await search({ excludeDecayed: 1, modelOverrides: { lifetime: 120 }, decayingModel: `${nids},${phishing}` })).attributes
        .filter((a: any) => a.type !== "md5")
        .map((a: any) => a.id);
      expect(computed).toEqual(indexed.filter((id: string) => id !== ids["d41d8cd98f00b204e9800998ecf8427e"]));
    });

    it("gives the same scores from the index's stored base scores as from a computation per page", async () => {
      const fromIndex = (await search({ includeDecayScore: 1 })).attributes;
      const computed = (await search({ includeDecayScore: 1, decayingModel: `${nids},${phishing}` })).attributes;
      for (const attribute of fromIndex.filter((a: any) => a.decay_score)) {
        const other = computed.find((a: any) => a.id === attribute.id);
        for (const entry of attribute.decay_score) {
          const twin = other.decay_score.find((e: any) => e.DecayingModel.id === entry.DecayingModel.id);
          expect(entry.score).toBeCloseTo(twin.score, 9);
          expect(entry.base_score).toBeCloseTo(twin.base_score, 9);
          expect(entry.decayed).toBe(twin.decayed);
        }
      }
    });

    it("counts the fresh attributes of the whole store (the index's fast count) without the deleted ones", async () => {
      const whole = async () => {
        const response = await server.call("POST", "/attributes/restSearch", { returnFormat: "json", excludeDecayed: 1 });
        return { count: Number(response.headers.get("x-result-count")), values: response.json.response.Attribute.map((a: any) => a.value) as string[] };
      };
      const before = await whole();
      expect(before.count).toBe(before.values.length);
      const added = await server.call("POST", `/attributes/add/${sightedEventId}`, { type: "domain", value: "soon-deleted.example", to_ids: 1 });
      expect(added.status).toBe(200);
      const withIt = await whole();
      expect(withIt.values).toContain("soon-deleted.example");
      expect(withIt.count).toBe(before.count + 1);
      expect((await server.call("POST", `/attributes/delete/${added.json.Attribute.id}`)).status).toBe(200);
      const after = await whole();
      expect(after.values).not.toContain("soon-deleted.example");
      expect(after.count).toBe(before.count);
      expect(after.count).toBe(after.values.length);
    });

    it("counts the fresh IDS attributes of the whole store (the summary's to_ids) as the flags change", async () => {
      const fresh = async (toIds: 0 | 1) => {
        const response = await server.call("POST", "/attributes/restSearch", { returnFormat: "json", excludeDecayed: 1, to_ids: toIds });
        return { count: Number(response.headers.get("x-result-count")), ids: response.json.response.Attribute.map((a: any) => a.id) as string[] };
      };
      const [on, off] = [await fresh(1), await fresh(0)];
      expect(on.count).toBe(on.ids.length);
      expect(off.count).toBe(off.ids.length);
      const flipped = on.ids.find((id) => id === ids["fresh.example"]) ?? on.ids[0]!;
      expect((await server.call("POST", `/attributes/edit/${flipped}`, { to_ids: 0 })).status).toBe(200);
      const [onAfter, offAfter] = [await fresh(1), await fresh(0)];
      expect(onAfter.count).toBe(on.count - 1);
      expect(offAfter.count).toBe(off.count + 1);
      expect(onAfter.ids).not.toContain(flipped);
      expect(offAfter.ids).toContain(flipped);
      expect(onAfter.count).toBe(onAfter.ids.length);
      expect((await server.call("POST", `/attributes/edit/${flipped}`, { to_ids: 1 })).status).toBe(200);
      expect((await fresh(1)).count).toBe(on.count);
    });

    it("restarts decay at a true-positive sighting, and ignores a false positive", async () => {
      const value = "192.0.2.200";
      await server.call("POST", `/sightings/add/${ids[value]}`, { type: "1", timestamp: String(NOW - DAY) });
      expect((await search({ excludeDecayed: 1, eventid: sightedEventId, value })).attributes).toHaveLength(0);
      await server.call("POST", `/sightings/add/${ids[value]}`, { type: "0", timestamp: String(NOW - DAY) });
      const { attributes } = await search({ excludeDecayed: 1, eventid: sightedEventId, value });
      expect(attributes).toHaveLength(1);
      expect(attributes[0].decay_score.find((e: any) => e.DecayingModel.id === nids).score).toBeCloseTo(95 * (1 - Math.sqrt(1 / 120)), 10);
    });

    it("counts only the sightings a viewer may see (policy 0: another organisation sees only its own)", async () => {
      const value = "policy.example";
      await server.call("POST", `/sightings/add/${ids[value]}`, { type: "0", timestamp: String(NOW) });
      const mine = (await search({ includeDecayScore: 1, eventid: sightedEventId, value, decayingModel: nids })).attributes[0].decay_score[0];
      const theirs = (await search({ includeDecayScore: 1, eventid: sightedEventId, value, decayingModel: nids }, partner.key)).attributes[0].decay_score[0];
      expect(mine.score).toBe(95);
      expect(theirs.score).toBeCloseTo(95 * (1 - Math.sqrt(30 / 120)), 10);
    });

    it("scores every attribute of events/view with includeDecayScore, and the event itself with includeScoresOnEvent", async () => {
      const view = await server.call("GET", `/events/view/${eventId}/includeDecayScore:1`);
      const scored = view.json.Event.Attribute.filter((a: any) => a.decay_score);
      expect(scored.length).toBe(4);
      const plain = await server.call("GET", `/events/view/${eventId}`);
      expect(plain.json.Event.Attribute.some((a: any) => a.decay_score)).toBe(false);
      const events = await server.call("POST", "/events/restSearch", { eventid: eventId, includeDecayScore: 1, includeScoresOnEvent: 1 });
      const event = events.json.response[0].Event;
      expect(event.event_scores.map((s: any) => s.DecayingModel.name).sort()).toEqual(["NIDS Simple Decaying Model", "Phishing model"]);
      expect(event.Attribute.filter((a: any) => a.decay_score)).toHaveLength(4);
    });

    it("adds MISP's two CSV columns: the mean score and whether any model says decayed", async () => {
      const response = await server.call("POST", "/attributes/restSearch", { returnFormat: "csv", eventid: eventId, value: "month-old.example", includeDecayScore: 1 });
      const [header, row] = response.text.trim().split("\n");
      expect(header!.split(",").slice(-2)).toEqual(["decay_score_score", "decay_score_decayed"]);
      const cells = row!.split(",");
      expect(cells.at(-1)).toBe("true");
      expect(Number(cells.at(-2))).toBeGreaterThan(0);
    });

    it("simulates one attribute over time with the core's replay, honouring a modelOverride named parameter", async () => {
      const attributeId = ids["203.0.113.9"]!;
      const overrides = encodeURIComponent(JSON.stringify({ threshold: 50 }));
      const { status, json } = await server.call("GET", `/decayingModel/decayingToolComputeSimulation/${nids}/${attributeId}/modelOverride:${overrides}`);
      expect(status).toBe(200);
      expect(json.threshold).toBe(50);
      expect(json.csv.split("\n")[0]).toBe("date,value");
      const nidsModel = (await server.call("GET", `/decayingModel/view/${nids}`)).json.DecayingModel;
      const attribute = (await search({ value: "203.0.113.9", includeEventTags: 1 })).attributes[0];
      const core = scoreOverTime(
        { formula: "Polynomial", parameters: { ...nidsModel.parameters, threshold: 50 } },
        {
          timestamp: attribute.timestamp,
          last_seen: null,
          AttributeTag: [{ Tag: { name: 'false-positive:risk="low"', numerical_value: 75 } }],
          EventTag: [{ Tag: { name: 'estimative-language:confidence-in-analytic-judgment="high"', numerical_value: 95 } }],
          Sighting: [],
        },
        { now: NOW },
      );
      expect(json.points.length).toBe(core.points.length);
      expect(json.points.slice(0, 50)).toEqual(core.points.slice(0, 50));
      expect(json.current_score).toBeCloseTo(core.current.score, 10);
      expect(json.base_score_config.base_score).toBe(85);
    });

    it("keeps another organisation's private model out of its searches (404)", async () => {
      const id = (await server.call("POST", "/decayingModel/add", { name: "Mine only", all_orgs: 0, formula: "Polynomial", parameters: { lifetime: 5, decay_speed: 1, threshold: 10 } })).json.data.DecayingModel.id;
      expect((await search({ includeDecayScore: 1, decayingModel: id }, partner.key)).status).toBe(404);
      expect((await server.call("GET", `/decayingModel/decayingToolComputeSimulation/${id}/${ids["fresh.example"]}`, undefined, { key: partner.key })).status).toBe(404);
    });
  });
}
