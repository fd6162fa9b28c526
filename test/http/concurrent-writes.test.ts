// Writes racing each other, as they do behind a load balancer: the same event pushed several times
// at once, the same tag created twice, the same sighting type from many analysts. Each request
// gets a 2xx or a 409, never a 5xx, and the store holds one copy.
import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { postgresAvailable } from "../support/databases.js";
import { startInProcess, type InProcessApp } from "../support/in-process.js";

const dialects = [
  { name: "sqlite", available: true },
  { name: "postgres", available: postgresAvailable() },
] as const;

for (const dialect of dialects) {
  describe.skipIf(!dialect.available)(`concurrent writes on ${dialect.name}`, () => {
    let api: InProcessApp;

    beforeAll(async () => {
      api = await startInProcess({ dialect: dialect.name });
    });
    afterAll(async () => {
      await api?.close();
    });

    it("creates an event pushed several times at once exactly once", async () => {
      const body = { uuid: randomUUID(), info: "pushed twice", Tag: [{ name: `race:${randomUUID().slice(0, 6)}` }], Attribute: [{ uuid: randomUUID(), type: "domain", value: "race.example" }] };
      const answers = await Promise.all(Array.from({ length: 6 }, () => api.call("POST", "/events/add", body)));
      const statuses = answers.map((a) => a.status).sort();
      expect(statuses.filter((s) => s === 200)).toHaveLength(1);
      expect(statuses.every((s) => s === 200 || s === 409 || s === 400), statuses.join(",")).toBe(true);
      for (const answer of answers.filter((a) => a.status !== 200)) expect(answer.json).toMatchObject({ name: expect.any(String), url: "/events/add" });
      const found = await api.call("POST", "/attributes/restSearch", { uuid: body.Attribute[0]!.uuid });
      expect(found.json.response.Attribute).toHaveLength(1);
      expect(api.unexpectedErrors).toEqual([]);
    });

    it("creates a new tag named by several requests at once exactly once", async () => {
      const event = (await api.call("POST", "/events/add", { info: "tag race" })).json.Event;
      const name = `race:${randomUUID().slice(0, 6)}`;
      const answers = await Promise.all(Array.from({ length: 6 }, () => api.call("POST", "/events/addTag", { event: event.id, tag: name })));
      expect(answers.map((a) => a.status).every((s) => s === 200 || s === 409), answers.map((a) => a.text).join("\n")).toBe(true);
      const tags = (await api.call("GET", `/tags/index/searchall:${name}`)).json.Tag;
      expect(tags).toHaveLength(1);
      expect((await api.call("GET", `/events/view/${event.id}`)).json.Event.Tag.map((t: any) => t.name)).toEqual([name]);
      expect(api.unexpectedErrors).toEqual([]);
    });

    it("records every sighting of many analysts reporting at once", async () => {
      const event = (await api.call("POST", "/events/add", { info: "sighting race", Attribute: [{ type: "ip-dst", value: "192.0.2.77" }] })).json.Event;
      const answers = await Promise.all(Array.from({ length: 10 }, (_, i) => api.call("POST", "/sightings/add", { value: "192.0.2.77", type: i % 2 })));
      expect(answers.every((a) => a.status === 200 && a.json.Sighting)).toBe(true);
      const listed = await api.call("POST", "/sightings/listSightings", { context: "event", id: event.id });
      expect(listed.json).toHaveLength(10);
    });
  });
}
