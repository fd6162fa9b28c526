// A plain User (the default role has perm_decaying) may change their organisation's models, as in
// MISP, and each change rebuilds the model's decay index. One organisation has one such change in
// progress at a time: a second, sent while the first rebuilds, is refused with 409 and changes
// nothing; site admins are not held back. (The guard lives in the use-cases, above the store: one
// database shows it.)
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { fillBusyStore } from "../support/busy-store.js";
import { startInProcess, type InProcessApp } from "../support/in-process.js";

describe("model changes that rebuild the decay index", () => {
  let api: InProcessApp;
  let user: string;
  let modelId: number;

  beforeAll(async () => {
    api = await startInProcess();
    await fillBusyStore(api.context.store, { attributes: 20_000, orgId: api.admin.org.id, userId: api.admin.user.id, now: api.now(), sightingsPerAttribute: 1 });
    user = (await api.addUser({ role: "User" })).key;
    const added = await api.call(
      "POST",
      "/decayingModel/add",
      { DecayingModel: { name: "Private domains", formula: "Polynomial", parameters: { lifetime: 30, decay_speed: 2, threshold: 30 }, attribute_types: ["domain"], all_orgs: 0 } },
      { key: user },
    );
    expect(added.status, added.text).toBe(200);
    modelId = Number(added.json.data.DecayingModel.id);
  }, 120_000);
  afterAll(async () => {
    await api?.close();
  });

  it("refuses a second change from the same organisation while the first rebuilds, and lets it through afterwards", async () => {
    let firstDone = false;
    const first = api.call("POST", `/decayingModel/enable/${modelId}`, {}, { key: user }).finally(() => (firstDone = true));
    // Sent once the first is under way: the rebuild of 20,000 rows takes far longer than this.
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(firstDone).toBe(false);
    const second = await api.call("POST", `/decayingModel/disable/${modelId}`, {}, { key: user });
    expect((await first).status).toBe(200);
    expect(second.status).toBe(409);
    expect(second.json.message).toMatch(/still rebuilding the decay index; try again when it is done/);
    expect((await api.call("GET", `/decayingModel/view/${modelId}`, undefined, { key: user })).json.DecayingModel.enabled).toBe(true);
    expect((await api.call("POST", `/decayingModel/disable/${modelId}`, {}, { key: user })).status).toBe(200);
  });

  it("does not hold back a site admin", async () => {
    const answers = await Promise.all([api.call("POST", `/decayingModel/enable/${modelId}`), api.call("POST", `/decayingModel/disable/${modelId}`)]);
    expect(answers.map((a) => a.status)).toEqual([200, 200]);
  });
});
