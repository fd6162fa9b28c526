// Eight clients edit one attribute (or one event) at once, each sending the same next
// `timestamp`, as eight PyMISP scripts that fetched the same copy would. MISP's rule is that a
// copy not newer than the stored one is stale: exactly one edit lands, the seven others are told
// their copy is stale, on both stores, round after round.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { postgresAvailable } from "../support/databases.js";
import { startInProcess, type InProcessApp } from "../support/in-process.js";

const dialects = [
  { name: "sqlite", available: true },
  { name: "postgres", available: postgresAvailable() },
] as const;

const CLIENTS = 8;
const ROUNDS = 20;

for (const dialect of dialects) {
  describe.skipIf(!dialect.available)(`edits racing with one timestamp on ${dialect.name}`, () => {
    let api: InProcessApp;

    beforeAll(async () => {
      api = await startInProcess({ dialect: dialect.name });
    });
    afterAll(async () => {
      await api?.close();
    });

    it("lets exactly one of eight attribute edits with the same next timestamp land, and tells the others their copy is stale", async () => {
      const event = (await api.call("POST", "/events/add", { info: "raced", Attribute: [{ type: "domain", value: "raced.example" }] })).json.Event;
      const attribute = event.Attribute[0];
      let timestamp = Number(attribute.timestamp);
      for (let round = 0; round < ROUNDS; round++) {
        timestamp += 1;
        const answers = await Promise.all(
          Array.from({ length: CLIENTS }, (_, client) => api.call("POST", `/attributes/edit/${attribute.id}`, { timestamp: String(timestamp), comment: `round ${round} client ${client}` })),
        );
        const winners = answers.filter((a) => a.status === 200);
        expect(winners, `round ${round}: ${answers.map((a) => a.status).join(",")}`).toHaveLength(1);
        for (const loser of answers.filter((a) => a.status !== 200)) {
          expect(loser.status).toBe(409);
          expect(loser.json.message).toBe("Attribute could not be saved: Attribute in the request not newer than the local copy.");
        }
        const stored = (await api.context.store.attributes.byId(Number(attribute.id)))!;
        expect(stored).toMatchObject({ timestamp, comment: winners[0]!.json.Attribute.comment });
      }
      expect(api.unexpectedErrors).toEqual([]);
    });

    it("lets exactly one of eight event edits with the same next timestamp land, and tells the others their copy is stale", async () => {
      const event = (await api.call("POST", "/events/add", { info: "raced event" })).json.Event;
      let timestamp = Number(event.timestamp);
      for (let round = 0; round < ROUNDS; round++) {
        timestamp += 1;
        const answers = await Promise.all(
          Array.from({ length: CLIENTS }, (_, client) => api.call("POST", `/events/edit/${event.id}`, { timestamp: String(timestamp), info: `round ${round} client ${client}` })),
        );
        const winners = answers.filter((a) => a.status === 200);
        expect(winners, `round ${round}: ${answers.map((a) => a.status).join(",")}`).toHaveLength(1);
        for (const loser of answers.filter((a) => a.status !== 200)) {
          expect(loser.status).toBe(409);
          expect(loser.json.message).toBe("Event could not be saved: Event in the request not newer than the local copy.");
        }
        expect((await api.context.store.events.byId(Number(event.id)))!).toMatchObject({ timestamp, info: winners[0]!.json.Event.info });
      }
      expect(api.unexpectedErrors).toEqual([]);
    });
  });
}
