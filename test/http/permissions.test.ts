// Who may see and do what, with two (or three) organisations: distribution, ownership, the role
// permissions, and the sightings policy applied to every listing.
import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { NOW, startInProcess, type InProcessApp } from "../support/in-process.js";

const DAY = 86_400;

function eventBody(overrides: Record<string, unknown> = {}) {
  return {
    info: `Permissions ${randomUUID().slice(0, 8)}`,
    distribution: 1,
    Attribute: [
      { type: "domain", value: `shared-${randomUUID().slice(0, 8)}.example`, distribution: 5 },
      { type: "domain", value: `private-${randomUUID().slice(0, 8)}.example`, distribution: 0 },
    ],
    ...overrides,
  };
}

describe("permissions across organisations", () => {
  let api: InProcessApp;
  let alpha: { user: string; publisher: string; readOnly: string; tagEditor: string };
  let bravo: { user: string; orgAdmin: string };

  beforeAll(async () => {
    api = await startInProcess();
    alpha = {
      user: (await api.addUser({ org: "Alpha", role: "User" })).key,
      publisher: (await api.addUser({ org: "Alpha", role: "Publisher" })).key,
      readOnly: (await api.addUser({ org: "Alpha", role: "Read Only" })).key,
      tagEditor: (await api.addUser({ org: "Alpha", role: "Org Admin" })).key,
    };
    bravo = {
      user: (await api.addUser({ org: "Bravo", role: "User" })).key,
      orgAdmin: (await api.addUser({ org: "Bravo", role: "Org Admin" })).key,
    };
  });
  afterAll(async () => {
    await api?.close();
  });

  async function addAs(key: string, overrides: Record<string, unknown> = {}) {
    const answer = await api.call("POST", "/events/add", eventBody(overrides), { key });
    expect(answer.status, answer.text).toBe(200);
    return answer.json.Event;
  }

  it("shows an organisation-only event to its owner alone, everywhere", async () => {
    const event = await addAs(alpha.user, { distribution: 0 });
    expect((await api.call("GET", `/events/view/${event.id}`, undefined, { key: alpha.readOnly })).status).toBe(200);
    const hidden = await api.call("GET", `/events/view/${event.id}`, undefined, { key: bravo.user });
    expect(hidden.status).toBe(404);
    expect(hidden.json.message).toBe("Invalid event");
    expect((await api.call("POST", "/events/index", { eventid: event.id }, { key: bravo.user })).json).toEqual([]);
    expect((await api.call("POST", "/attributes/restSearch", { eventid: event.id }, { key: bravo.user })).json.response.Attribute).toEqual([]);
    expect((await api.call("POST", "/events/restSearch", { eventid: event.id }, { key: bravo.user })).json.response).toEqual([]);
    expect((await api.call("POST", "/sightings/add", { value: event.Attribute[0].value }, { key: bravo.user })).json.message).toMatch(/No valid attributes/);
    // The site admin sees everything.
    expect((await api.call("GET", `/events/view/${event.id}`)).status).toBe(200);
  });

  it("treats a sharing-group event as organisation-only", async () => {
    const event = await addAs(alpha.user, { distribution: 4, sharing_group_id: 1 });
    expect((await api.call("GET", `/events/view/${event.id}`, undefined, { key: bravo.user })).status).toBe(404);
    expect((await api.call("GET", `/events/view/${event.id}`, undefined, { key: alpha.user })).status).toBe(200);
  });

  it("shows a community event to others without its organisation-only attributes", async () => {
    const event = await addAs(alpha.user);
    const [shared, secret] = event.Attribute;
    const view = await api.call("GET", `/events/view/${event.uuid}`, undefined, { key: bravo.user });
    expect(view.status).toBe(200);
    expect(view.json.Event.Attribute.map((a: any) => a.uuid)).toEqual([shared.uuid]);
    const found = await api.call("POST", "/attributes/restSearch", { eventid: event.id }, { key: bravo.user });
    expect(found.json.response.Attribute.map((a: any) => a.uuid)).toEqual([shared.uuid]);
    expect((await api.call("GET", `/attributes/view/${secret.id}`, undefined, { key: bravo.user })).status).toBe(404);
    expect((await api.call("POST", `/sightings/add/${secret.uuid}`, {}, { key: bravo.user })).json.message).toMatch(/No valid attributes/);
  });

  it("refuses changes to another organisation's event with 403, and keeps it as it was", async () => {
    const event = await addAs(alpha.user);
    const shared = event.Attribute[0];
    for (const [method, path, body] of [
      ["POST", `/events/edit/${event.id}`, { info: "hijacked" }],
      ["POST", `/events/delete/${event.id}`, undefined],
      ["POST", `/attributes/add/${event.id}`, { type: "domain", value: "planted.example" }],
      ["POST", `/attributes/edit/${shared.uuid}`, { to_ids: 0 }],
      ["POST", `/attributes/delete/${shared.id}`, undefined],
      ["POST", `/events/publish/${event.id}`, undefined],
      ["POST", "/events/addTag", { event: event.id, tag: "tlp:red" }],
      ["POST", "/tags/attachTagToObject", { uuid: shared.uuid, tag: "tlp:red" }],
    ] as const) {
      for (const key of [bravo.user, bravo.orgAdmin]) {
        const answer = await api.call(method, path, body, { key });
        expect(answer.status, `${path}: ${answer.text}`).toBe(403);
        expect(answer.json).toMatchObject({ name: expect.any(String), message: expect.any(String), url: path });
        // Not MISP's "You do not have permission to do that.", which makes PyMISP retry as a proposal.
        expect(answer.json.message).not.toBe("You do not have permission to do that.");
      }
    }
    const after = (await api.call("GET", `/events/view/${event.id}`)).json.Event;
    expect(after).toMatchObject({ info: event.info, published: false, timestamp: event.timestamp });
    expect(after.Attribute.map((a: any) => [a.uuid, a.to_ids, a.deleted])).toEqual(event.Attribute.map((a: any) => [a.uuid, true, false]));
    expect(after.Tag).toEqual([]);
    // Within the organisation, perm_modify_org lets another user edit it.
    expect((await api.call("POST", `/events/edit/${event.id}`, { info: "renamed in house" }, { key: alpha.publisher })).status).toBe(200);
  });

  it("lets only users with perm_publish publish", async () => {
    const event = await addAs(alpha.user);
    const refused = await api.call("POST", `/events/publish/${event.id}`, undefined, { key: alpha.user });
    expect(refused.status).toBe(403);
    expect(refused.json.message).toBe("You do not have permission to use this functionality.");
    expect((await api.call("POST", `/events/unpublish/${event.id}`, undefined, { key: alpha.user })).status).toBe(403);
    expect((await api.call("POST", `/events/alert/${event.id}`, undefined, { key: alpha.user })).status).toBe(403);
    expect((await api.call("GET", `/events/view/${event.id}`)).json.Event.published).toBe(false);
    expect((await api.call("POST", `/events/publish/${event.id}`, undefined, { key: alpha.publisher })).status).toBe(200);
    // A user without perm_publish cannot publish by creating or editing a published event either.
    const sneaky = await addAs(alpha.user, { published: true });
    expect(sneaky.published).toBe(false);
    expect((await api.call("POST", `/events/edit/${sneaky.id}`, { published: 1 }, { key: alpha.user })).json.Event.published).toBe(false);
  });

  it("lets a Read Only user read but not add, sight or tag", async () => {
    const event = await addAs(alpha.user);
    const attribute = event.Attribute[0];
    expect((await api.call("GET", `/events/view/${event.id}`, undefined, { key: alpha.readOnly })).status).toBe(200);
    expect((await api.call("POST", "/attributes/restSearch", { eventid: event.id }, { key: alpha.readOnly })).status).toBe(200);
    for (const [path, body] of [
      ["/events/add", eventBody()],
      [`/sightings/add/${attribute.id}`, { type: 1 }],
      ["/sightings/add", { value: attribute.value }],
      ["/events/addTag", { event: event.id, tag: "tlp:green" }],
      ["/attributes/addTag", { attribute: attribute.id, tag: "tlp:green" }],
    ] as const) {
      const before = await api.counts();
      const answer = await api.call("POST", path, body, { key: alpha.readOnly });
      expect(answer.status, `${path}: ${answer.text}`).toBe(403);
      expect(await api.counts()).toEqual(before);
    }
    expect((await api.call("GET", "/servers/getVersion", undefined, { key: alpha.readOnly })).json.perm_sighting).toBe(false);
  });

  it("lets a tagger attach existing tags, and only a tag editor create new ones", async () => {
    const event = await addAs(alpha.user);
    const newName = `custom:${randomUUID().slice(0, 8)}`;
    await api.call("POST", "/tags/add", { name: "tlp:amber" });
    expect((await api.call("POST", "/events/addTag", { event: event.id, tag: "tlp:amber" }, { key: alpha.user })).status).toBe(200);
    const refused = await api.call("POST", "/events/addTag", { event: event.id, tag: newName }, { key: alpha.user });
    expect(refused.status).toBe(403);
    expect(refused.json.message).toBe("You do not have permission to create tags.");
    expect((await api.call("POST", "/tags/add", { name: newName }, { key: alpha.user })).status).toBe(403);
    expect((await api.call("GET", `/tags/index/searchall:${newName}`)).json.Tag).toEqual([]);
    expect((await api.call("POST", "/tags/edit/1", { colour: "#000000" }, { key: alpha.user })).status).toBe(403);

    // On events/add, as in MISP, tags the user may not create are dropped and the event is kept.
    const dropped = await addAs(alpha.user, { Tag: [{ name: "tlp:amber" }, { name: `${newName}-2` }] });
    expect(dropped.Tag.map((t: any) => t.name)).toEqual(["tlp:amber"]);

    const created = await api.call("POST", "/events/addTag", { event: event.id, tag: newName }, { key: alpha.tagEditor });
    expect(created.status, created.text).toBe(200);
    expect((await api.call("GET", `/events/view/${event.id}`)).json.Event.Tag.map((t: any) => t.name)).toEqual(["tlp:amber", newName]);
  });

  it("lets an organisation delete only its own sightings", async () => {
    const event = await addAs(alpha.user);
    const mine = await api.call("POST", `/sightings/add/${event.Attribute[0].id}`, { type: 1 }, { key: bravo.user });
    expect(mine.status).toBe(200);
    expect((await api.call("POST", `/sightings/delete/${mine.json.Sighting.id}`, undefined, { key: alpha.user })).status).toBe(404);
    expect((await api.call("POST", `/sightings/delete/${mine.json.Sighting.id}`, undefined, { key: bravo.orgAdmin })).status).toBe(200);
  });

  it("lets an organisation admin manage the users of their own organisation only", async () => {
    const created = await api.call("POST", "/halflife/users", { email: `new-${randomUUID().slice(0, 6)}@bravo.test`, role: "User" }, { key: bravo.orgAdmin });
    expect(created.status, created.text).toBe(201);
    expect(created.json.key).toMatch(/^[A-Za-z0-9]{40}$/);
    const me = await api.call("GET", "/users/view/me", undefined, { key: created.json.key });
    expect(me.json.Organisation.name).toBe("Bravo");
    expect((await api.call("POST", "/halflife/users", { email: "x@alpha.test", org: "Alpha" }, { key: bravo.orgAdmin })).status).toBe(403);
    expect((await api.call("POST", "/halflife/users", { email: "root@bravo.test", role: "admin" }, { key: bravo.orgAdmin })).status).toBe(403);
    expect((await api.call("POST", "/halflife/orgs", { name: "Charlie" }, { key: bravo.orgAdmin })).status).toBe(403);
    expect((await api.call("GET", "/halflife/users", undefined, { key: bravo.orgAdmin })).json.every((u: any) => u.org_id === me.json.User.org_id * 1)).toBe(true);
  });
});

/**
 * MISP's sightings policy, for an event of org Alpha with sightings from Alpha (the owner), Bravo
 * and the host organisation: what Alpha, Bravo and Charlie (no sightings) each see.
 */
const POLICIES: Array<{ policy: 0 | 1 | 2 | 3; alpha: string[]; bravo: string[]; charlie: string[] }> = [
  { policy: 0, alpha: ["alpha", "bravo", "host"], bravo: ["bravo"], charlie: [] },
  { policy: 1, alpha: ["alpha", "bravo", "host"], bravo: ["alpha", "bravo", "host"], charlie: [] },
  { policy: 2, alpha: ["alpha", "bravo", "host"], bravo: ["alpha", "bravo", "host"], charlie: ["alpha", "bravo", "host"] },
  { policy: 3, alpha: ["alpha", "bravo", "host"], bravo: ["bravo", "host"], charlie: ["host"] },
];

describe.each(POLICIES)("the sightings policy $policy", ({ policy, ...expected }) => {
  let api: InProcessApp;
  const keys: Record<string, string> = {};
  const sources: Record<string, string> = {};
  let event: any;

  beforeAll(async () => {
    api = await startInProcess({ sightingsPolicy: policy });
    for (const org of ["Alpha", "Bravo", "Charlie"]) keys[org.toLowerCase()] = (await api.addUser({ org, role: "User" })).key;
    event = (await api.call("POST", "/events/add", eventBody(), { key: keys.alpha })).json.Event;
    const attribute = event.Attribute[0];
    for (const [who, key] of [["alpha", keys.alpha], ["bravo", keys.bravo], ["host", undefined]] as const) {
      const answer = await api.call("POST", `/sightings/add/${attribute.id}`, { type: 1, source: who, timestamp: NOW - DAY }, key ? { key } : {});
      expect(answer.status).toBe(200);
      sources[answer.json.Sighting.id] = who;
    }
  });
  afterAll(async () => {
    await api?.close();
  });

  const seen = (list: any[]) => list.map((s: any) => s.source ?? s.Sighting?.source).sort();

  it.each(["alpha", "bravo", "charlie"] as const)("shows %s the sightings the policy allows, in every listing", async (who) => {
    const key = keys[who]!;
    const want = expected[who];
    const view = await api.call("GET", `/events/view/${event.id}`, undefined, { key });
    expect(seen(view.json.Event.Attribute[0].Sighting)).toEqual(want);
    const search = await api.call("POST", "/attributes/restSearch", { eventid: event.id, includeSightings: 1 }, { key });
    expect(seen(search.json.response.Attribute[0].Sighting)).toEqual(want);
    const sightings = await api.call("POST", "/sightings/restSearch/attribute", { id: Number(event.Attribute[0].id) }, { key });
    expect(seen(sightings.json.response)).toEqual(want);
    const listed = await api.call("POST", "/sightings/listSightings", { context: "event", id: event.id }, { key });
    expect(seen(listed.json)).toEqual(want);
  });

  it("shows the site admin every sighting", async () => {
    const view = await api.call("GET", `/events/view/${event.id}`);
    expect(seen(view.json.Event.Attribute[0].Sighting)).toEqual(["alpha", "bravo", "host"]);
  });
});
