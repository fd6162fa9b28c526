// Write routes check everything before they write, and write in one transaction (issue 9, item
// 14): a refused request leaves every table as it was, on both stores. Also tags/add's checks and
// its organisation and user restrictions.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { postgresAvailable } from "../support/databases.js";
import { startInProcess, type InProcessApp } from "../support/in-process.js";

const dialects = [
  { name: "sqlite", available: true },
  { name: "postgres", available: postgresAvailable() },
] as const;

const model = (name: string, parameters: Record<string, unknown> = {}) => ({
  name,
  parameters: { lifetime: 30, decay_speed: 1, threshold: 30, default_base_score: 80, ...parameters },
  attribute_types: ["domain"],
});

for (const dialect of dialects) {
  describe.skipIf(!dialect.available)(`refusals write nothing, on ${dialect.name}`, () => {
    let api: InProcessApp;

    beforeAll(async () => {
      api = await startInProcess({ dialect: dialect.name });
    });
    afterAll(async () => {
      await api?.close();
    });

    async function refused(method: string, path: string, body: unknown, status: number, message: RegExp, key?: string) {
      const before = await api.signature();
      const answer = await api.call(method, path, body, key === undefined ? {} : { key });
      expect(answer.status, answer.text.slice(0, 300)).toBe(status);
      expect(answer.json.message).toMatch(message);
      expect(await api.signature(), `${method} ${path} wrote something`).toEqual(before);
    }

    it("refuses tags/add with a negative numerical value, and keeps no tag", async () => {
      await refused("POST", "/tags/add", { name: "negative-tag", numerical_value: -5 }, 400, /^numerical_value must not be negative/);
      expect((await api.call("GET", "/tags/view/negative-tag")).status).toBe(404);
    });

    it("checks a colour on tags/add as on tags/edit", async () => {
      await refused("POST", "/tags/add", { name: "red-tag", colour: "red" }, 400, /^colour /);
      const added = await api.call("POST", "/tags/add", { name: "red-tag", colour: "#ff0000", numerical_value: 60 });
      expect(added.status, added.text).toBe(200);
      expect(added.json.Tag).toMatchObject({ name: "red-tag", colour: "#ff0000", numerical_value: "60", org_id: "0", user_id: "0" });
      await refused("POST", `/tags/edit/${added.json.Tag.id}`, { colour: "#12345" }, 400, /^colour /);
    });

    it("refuses decayingModel/import of [valid, invalid], naming the second, and keeps neither", async () => {
      await refused("POST", "/decayingModel/import", [model("first of two"), model("second of two", { threshold: "x" })], 400, /^DecayingModel\[1\]\.parameters\.threshold/);
      const index = await api.call("GET", "/decayingModel/index");
      expect(index.json.map((m: any) => m.DecayingModel.name)).not.toContain("first of two");
      const both = await api.call("POST", "/decayingModel/import", [model("first of two"), model("second of two")]);
      expect(both.status, both.text).toBe(200);
      expect(both.json.data).toHaveLength(2);
    });

    it("stores a tag's organisation restriction and lets only that organisation attach or see it", async () => {
      const owner = await api.addUser({ role: "Org Admin" });
      const outsider = await api.addUser({ role: "Org Admin" });
      const restricted = await api.call("POST", "/tags/add", { name: "owners-only", org_id: owner.principal.org.id }, { key: owner.key });
      expect(restricted.status, restricted.text).toBe(200);
      expect(restricted.json.Tag.org_id).toBe(String(owner.principal.org.id));
      const ownEvent = await api.call("POST", "/events/add", { info: "owner's" }, { key: owner.key });
      const outsiderEvent = await api.call("POST", "/events/add", { info: "outsider's", Tag: [{ name: "owners-only" }] }, { key: outsider.key });
      expect(outsiderEvent.status).toBe(200);
      // On events/add a tag the caller may not use is left out, as an unknown one would be.
      expect(outsiderEvent.json.Event.Tag ?? []).toEqual([]);
      await refused("POST", `/events/addTag/${outsiderEvent.json.Event.id}/owners-only`, undefined, 404, /Invalid Tag/, outsider.key);
      await refused("POST", `/events/addTag/${outsiderEvent.json.Event.id}/${restricted.json.Tag.id}`, undefined, 404, /Invalid Tag/, outsider.key);
      expect((await api.call("GET", `/tags/view/${restricted.json.Tag.id}`, undefined, { key: outsider.key })).status).toBe(404);
      expect((await api.call("GET", "/tags/index", undefined, { key: outsider.key })).json.Tag.map((t: any) => t.name)).not.toContain("owners-only");
      const attached = await api.call("POST", `/events/addTag/${ownEvent.json.Event.id}/owners-only`, undefined, { key: owner.key });
      expect(attached.status, attached.text).toBe(200);
      // Only site admins restrict a tag to another organisation.
      await refused("POST", "/tags/add", { name: "theirs", org_id: outsider.principal.org.id }, 403, /another organisation/, owner.key);
      await refused("POST", "/tags/add", { name: "nobody's", org_id: 987654 }, 400, /^org_id /);
      const byAdmin = await api.call("POST", "/tags/add", { name: "outsiders-only", org_id: outsider.principal.org.id, user_id: outsider.principal.user.id });
      expect(byAdmin.json.Tag).toMatchObject({ org_id: String(outsider.principal.org.id), user_id: String(outsider.principal.user.id) });
    });
  });
}
