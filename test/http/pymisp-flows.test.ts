// PyMISP's requests, as captured from PyMISP 2.5.34.1 (../shared/reference/misp-rest-api.md), sent
// over real HTTP to a real server on each store, with the answers PyMISP needs.
import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { MispClient } from "../../src/misp/client.js";
import { postgresAvailable } from "../support/databases.js";
import { hasSharedData, readSharedJson } from "../support/data.js";
import { ADMIN_KEY, startTestServer, type TestServer } from "../support/server.js";

const NOW = 1_767_225_600;
const DAY = 86_400;

/** The body PyMISP's add_event(MISPEvent) sends: bare, ints as strings, uuids made by the client. */
function capturedEvent(overrides: Record<string, unknown> = {}) {
  return {
    uuid: randomUUID(),
    Attribute: [
      {
        uuid: randomUUID(),
        Tag: [{ name: 'false-positive:risk="low"' }],
        type: "domain",
        value: `evil-${randomUUID().slice(0, 8)}.example`,
        category: "Network activity",
        to_ids: true,
        disable_correlation: false,
        comment: "c1",
      },
      { uuid: randomUUID(), type: "ip-dst", value: "203.0.113.5", category: "Network activity", to_ids: true, disable_correlation: false },
    ],
    Tag: [{ name: "tlp:green" }],
    info: "capture event",
    distribution: "0",
    threat_level_id: "4",
    analysis: "0",
    ...overrides,
  };
}

/** The exact body of search('attributes', to_ids=1, include_sightings=1). */
const SCRIPT_SEARCH = {
  returnFormat: "json",
  withAttachments: 0,
  metadata: 0,
  enforceWarninglist: 0,
  to_ids: 1,
  includeEventUuid: 0,
  includeEventTags: 0,
  sgReferenceOnly: 0,
  includeContext: 0,
  headerless: 0,
  includeSightings: 1,
  includeDecayScore: 0,
  includeCorrelations: 0,
  excludeDecayed: 0,
};

const dialects = [
  { name: "sqlite", available: true },
  { name: "postgres", available: postgresAvailable() },
] as const;

for (const dialect of dialects) {
  describe.skipIf(!dialect.available)(`PyMISP against Halflife on ${dialect.name}, over HTTP`, () => {
    let server: TestServer;

    beforeAll(async () => {
      server = await startTestServer({ dialect: dialect.name, now: NOW });
    });
    afterAll(async () => {
      await server?.close();
    });
    beforeEach(() => server.setNow(NOW));

    async function addEvent(overrides: Record<string, unknown> = {}) {
      const body = capturedEvent(overrides);
      const answer = await server.call("POST", "/events/add", body);
      expect(answer.status, answer.text).toBe(200);
      return { body, event: answer.json.Event };
    }

    it("answers the three calls PyMISP makes when it connects", async () => {
      const version = await server.call("GET", "/servers/getVersion");
      expect(version.status).toBe(200);
      // PyMISP parses every dot-part as an integer.
      expect(version.json.version).toMatch(/^\d+(\.\d+)+$/);
      expect(version.json.pymisp_recommended_version).toMatch(/^\d+\.\d+\.\d+$/);
      expect(version.json).not.toHaveProperty("response");

      const me = await server.call("GET", "/users/view/me");
      expect(me.status).toBe(200);
      expect(me.json.User).toMatchObject({ id: expect.any(String), org_id: expect.any(String), email: "admin@halflife.test", password: "*****" });
      expect(me.json.Role).toMatchObject({ perm_add: true, perm_publish: true, perm_sighting: true, perm_site_admin: true });
      expect(me.json.UserSetting).toEqual([]);
      expect(me.json.Organisation).toMatchObject({ id: me.json.User.org_id, name: expect.any(String) });

      const types = await server.call("GET", "/attributes/describeTypes.json");
      expect(types.status).toBe(200);
      expect(Object.keys(types.json.result).sort()).toEqual(["categories", "category_type_mappings", "sane_defaults", "types"]);
    });

    it.skipIf(!hasSharedData)("serves the same describeTypes document as MISP", async () => {
      const types = await server.call("GET", "/attributes/describeTypes.json");
      const shared = readSharedJson<{ result: Record<string, unknown> }>("describeTypes.json");
      expect(types.json.result.types).toEqual(shared.result.types);
      expect(types.json.result.categories).toEqual(shared.result.categories);
      expect(types.json.result.sane_defaults).toEqual(shared.result.sane_defaults);
      expect(types.json.result.category_type_mappings).toEqual(shared.result.category_type_mappings);
    });

    it("keeps the client's uuids, reads numbers sent as strings and attaches tags by name on add_event", async () => {
      const { body, event } = await addEvent();
      expect(event).toMatchObject({
        uuid: body.uuid,
        info: "capture event",
        distribution: "0",
        threat_level_id: "4",
        analysis: "0",
        published: false,
        date: "2026-01-01",
        timestamp: String(NOW),
      });
      expect(event.Tag.map((t: any) => t.name)).toEqual(["tlp:green"]);
      expect(event.Attribute.map((a: any) => a.uuid)).toEqual(body.Attribute.map((a) => a.uuid));
      const [domain, ip] = event.Attribute;
      expect(domain).toMatchObject({ type: "domain", value: body.Attribute[0]!.value, to_ids: true, comment: "c1", event_id: event.id, object_id: "0" });
      expect(domain.Tag.map((t: any) => t.name)).toEqual(['false-positive:risk="low"']);
      // The tag takes its numerical value from the built-in scoring taxonomy.
      expect(domain.Tag[0].numerical_value).toBe("75");
      expect(ip).toMatchObject({ type: "ip-dst", value: "203.0.113.5", to_ids: true });
      expect(ip).not.toHaveProperty("Tag");
    });

    it("answers search('attributes', to_ids=1, include_sightings=1) with the captured body", async () => {
      const { body, event } = await addEvent({
        Attribute: [
          { uuid: randomUUID(), type: "domain", value: `ids-${randomUUID().slice(0, 8)}.example`, category: "Network activity", to_ids: true },
          { uuid: randomUUID(), type: "domain", value: `noids-${randomUUID().slice(0, 8)}.example`, category: "Network activity", to_ids: false },
        ],
      });
      const [ids, noIds] = event.Attribute;
      const sighted = await server.call("POST", `/sightings/add/${ids.uuid}`, { type: "1", timestamp: String(NOW - DAY) });
      expect(sighted.status).toBe(200);

      const answer = await server.call("POST", "/attributes/restSearch", SCRIPT_SEARCH);
      expect(answer.status, answer.text).toBe(200);
      expect(answer.headers.get("x-result-count")).toMatch(/^\d+$/);
      const attributes = answer.json.response.Attribute as any[];
      const found = attributes.find((a) => a.uuid === ids.uuid);
      expect(found).toMatchObject({ id: ids.id, event_id: event.id, value: ids.value, to_ids: true, Event: { id: event.id, uuid: body.uuid } });
      expect(found.Sighting).toEqual([
        expect.objectContaining({ type: "1", date_sighting: String(NOW - DAY), attribute_id: ids.id, attribute_uuid: ids.uuid, Organisation: expect.objectContaining({ name: expect.any(String) }) }),
      ]);
      expect(attributes.some((a) => a.uuid === noIds.uuid)).toBe(false);
      expect(attributes.every((a) => Array.isArray(a.Sighting))).toBe(true);
      // Nothing PyMISP sends is reported as ignored: at 0 the flags ask for nothing.
      expect(answer.headers.get("x-halflife-ignored-parameters")).toBeNull();
    });

    it("runs the false-positive script's calls: get_event, update_attribute by uuid, then publish with an empty body", async () => {
      const { event } = await addEvent();
      const attribute = event.Attribute[0];
      expect((await server.call("POST", `/events/publish/${event.id}`)).status).toBe(200);

      server.setNow(NOW + 60);
      const view = await server.call("GET", `/events/view/${event.id}`);
      expect(view.json.Event.info).toBe("capture event");

      server.setNow(NOW + 120);
      const edited = await server.call("POST", `/attributes/edit/${attribute.uuid}`, { uuid: attribute.uuid, to_ids: 0 });
      expect(edited.status, edited.text).toBe(200);
      expect(edited.json.Attribute).toMatchObject({ uuid: attribute.uuid, to_ids: false, timestamp: String(NOW + 120), value: attribute.value, comment: "c1" });
      const unpublished = (await server.call("GET", `/events/view/${event.id}`)).json.Event;
      expect(unpublished).toMatchObject({ published: false, timestamp: String(NOW + 120) });

      server.setNow(NOW + 180);
      // PyMISP sends Content-Length: 0 with content-type: application/json.
      const published = await server.call("POST", `/events/publish/${event.id}`, undefined, { raw: "" });
      expect(published.status, published.text).toBe(200);
      expect(published.json).toEqual({
        saved: true,
        success: true,
        name: "Event published without alerts",
        message: "Event published without alerts",
        url: `/events/publish/${event.id}`,
        id: event.id,
      });
      const after = (await server.call("GET", `/events/view/${event.id}`)).json.Event;
      expect(after).toMatchObject({ published: true, publish_timestamp: String(NOW + 180) });
      expect(after.Attribute.find((a: any) => a.uuid === attribute.uuid).to_ids).toBe(false);
    });

    it("publishes an already published event again, stamping publish_timestamp once per call", async () => {
      const { event } = await addEvent();
      server.setNow(NOW + 10);
      expect((await server.call("POST", `/events/publish/${event.id}`)).status).toBe(200);
      server.setNow(NOW + 20);
      const again = await server.call("POST", `/events/publish/${event.uuid}`);
      expect(again.status).toBe(200);
      const view = (await server.call("GET", `/events/view/${event.id}`)).json.Event;
      expect(view).toMatchObject({ published: true, publish_timestamp: String(NOW + 20) });
      // Publishing does not count as a change to the event.
      expect(view.timestamp).toBe(String(NOW));
    });

    it("adds sightings in every form PyMISP sends", async () => {
      const value = `sighted-${randomUUID().slice(0, 8)}.example`;
      const { event } = await addEvent({
        Attribute: [
          { uuid: randomUUID(), type: "domain", value, category: "Network activity", to_ids: true },
          { uuid: randomUUID(), type: "ip-dst", value: "198.51.100.77", category: "Network activity", to_ids: true },
        ],
      });
      const [domain, ip] = event.Attribute;
      const forms: Array<{ path: string; body: Record<string, unknown>; attribute: any; type: string; date: number; source?: string }> = [
        { path: `/sightings/add/${domain.uuid}`, body: { type: "0" }, attribute: domain, type: "0", date: NOW },
        { path: `/sightings/add/${domain.uuid}`, body: { type: "1", timestamp: String(NOW - 100), source: "x" }, attribute: domain, type: "1", date: NOW - 100, source: "x" },
        { path: `/sightings/add/${ip.id}`, body: { type: 1, timestamp: NOW - 200 }, attribute: ip, type: "1", date: NOW - 200 },
        { path: "/sightings/add", body: { uuid: ip.uuid, type: 1, timestamp: NOW - 300 }, attribute: ip, type: "1", date: NOW - 300 },
        { path: "/sightings/add", body: { value, type: 2 }, attribute: domain, type: "2", date: NOW },
        { path: "/sightings/add", body: { id: ip.id, type: "0", timestamp: NOW - 400 }, attribute: ip, type: "0", date: NOW - 400 },
      ];
      for (const form of forms) {
        const answer = await server.call("POST", form.path, form.body);
        expect(answer.status, `${form.path} ${JSON.stringify(form.body)}: ${answer.text}`).toBe(200);
        expect(answer.json.Sighting).toMatchObject({
          attribute_id: form.attribute.id,
          event_id: event.id,
          org_id: server.admin.org.id.toString(),
          date_sighting: String(form.date),
          type: form.type,
          source: form.source ?? "",
          uuid: expect.stringMatching(/^[0-9a-f-]{36}$/),
        });
      }
      const listed = await server.call("POST", "/sightings/listSightings", { context: "event", id: event.id });
      expect(listed.json).toHaveLength(forms.length);
    });

    it("answers a sighting that matches nothing with 200 and MISP's message", async () => {
      for (const [path, body] of [
        ["/sightings/add", { value: "never-seen.example", type: 0 }],
        [`/sightings/add/${randomUUID()}`, { type: "1" }],
        ["/sightings/add/987654321", {}],
      ] as const) {
        const answer = await server.call("POST", path, body);
        expect(answer.status).toBe(200);
        expect(answer.json).toEqual({ message: "Could not add the Sighting. Reason: No valid attributes found that match the criteria." });
      }
    });

    it("searches sightings of the last 30 days by default, by context, and between from and to", async () => {
      const { event } = await addEvent();
      const [first, second] = event.Attribute;
      for (const [attribute, days, type] of [
        [first, 40, 1],
        [first, 10, 0],
        [second, 5, 1],
      ] as const) {
        expect((await server.call("POST", `/sightings/add/${attribute.id}`, { type, timestamp: NOW - days * DAY })).status).toBe(200);
      }

      // search_sightings(context='attribute', context_id=7, date_from=..., date_to=...)
      const byAttribute = await server.call("POST", "/sightings/restSearch/attribute", { returnFormat: "json", id: Number(first.id) });
      expect(byAttribute.status, byAttribute.text).toBe(200);
      expect(byAttribute.json.response.map((r: any) => r.Sighting.date_sighting)).toEqual([String(NOW - 10 * DAY)]);
      expect(byAttribute.json.response[0].Sighting).toMatchObject({ attribute_id: first.id, event_id: event.id, value: first.value, type: "0", Organisation: { name: expect.any(String) } });

      const window = await server.call("POST", "/sightings/restSearch/attribute", { returnFormat: "json", id: Number(first.id), from: NOW - 50 * DAY, to: NOW - 20 * DAY });
      expect(window.json.response.map((r: any) => r.Sighting.date_sighting)).toEqual([String(NOW - 40 * DAY)]);

      const byEvent = await server.call("POST", "/sightings/restSearch/event", { returnFormat: "json", id: Number(event.id), last: "60d" });
      expect(byEvent.json.response).toHaveLength(3);

      // search_sightings(publish_timestamp='30d', type_sighting='1', include_attribute=True, include_event_meta=True)
      const fps = await server.call("POST", "/sightings/restSearch", { returnFormat: "json", type: "1", last: "30d", includeAttribute: true, includeEvent: true });
      const mine = fps.json.response.filter((r: any) => r.Sighting.event_id === event.id);
      expect(mine).toHaveLength(1);
      expect(mine[0].Sighting).toMatchObject({ type: "1", Attribute: { id: second.id, uuid: second.uuid, type: "ip-dst" }, Event: { id: event.id, info: "capture event" } });

      const bad = await server.call("POST", "/sightings/restSearch/nonsense", { returnFormat: "json", id: 1 });
      expect(bad.status).toBe(400);
      expect(bad.json).toMatchObject({ name: expect.stringContaining("Invalid context"), url: "/sightings/restSearch/nonsense" });
    });

    it("lists the sightings of an attribute newest first, and deletes one", async () => {
      const { event } = await addEvent();
      const attribute = event.Attribute[0];
      for (const days of [3, 1, 2]) await server.call("POST", `/sightings/add/${attribute.uuid}`, { type: "0", timestamp: NOW - days * DAY });

      const listed = await server.call("POST", "/sightings/listSightings", { context: "attribute", id: attribute.id });
      expect(listed.status).toBe(200);
      expect(listed.json.map((row: any) => row.Sighting.date_sighting)).toEqual([1, 2, 3].map((d) => String(NOW - d * DAY)));
      expect(listed.json[0]).toEqual({ Sighting: expect.objectContaining({ attribute_id: attribute.id, type: "0" }), Organisation: { name: expect.any(String) } });

      const newest = listed.json[0].Sighting.id;
      const deleted = await server.call("POST", `/sightings/delete/${newest}`);
      expect(deleted.status, deleted.text).toBe(200);
      expect(deleted.json).toMatchObject({ saved: true, success: true });
      const after = await server.call("POST", "/sightings/listSightings", { context: "attribute", id: attribute.id });
      expect(after.json.map((row: any) => row.Sighting.id)).not.toContain(newest);
      expect(after.json).toHaveLength(2);
      expect((await server.call("POST", `/sightings/delete/${newest}`)).status).toBe(404);
    });

    it("deletes an event with its attributes; viewing it afterwards is MISP's 404", async () => {
      const { event } = await addEvent();
      const deleted = await server.call("POST", `/events/delete/${event.id}`);
      expect(deleted.status).toBe(200);
      expect(deleted.json).toMatchObject({ saved: true, success: true, id: event.id });
      const view = await server.call("GET", `/events/view/${event.id}`);
      expect(view.status).toBe(404);
      expect(view.json).toEqual({ name: "Invalid event", message: "Invalid event", url: `/events/view/${event.id}` });
      const search = await server.call("POST", "/attributes/restSearch", { eventid: event.id });
      expect(search.json.response.Attribute).toEqual([]);
      expect((await server.call("POST", `/events/delete/${event.id}`)).status).toBe(404);
    });

    it("accepts .json suffixes, named parameters, uuids in paths, and wrapped bodies", async () => {
      const { event } = await addEvent();
      const attribute = event.Attribute[0];
      await server.call("POST", `/sightings/add/${attribute.id}`, { type: "0" });

      const suffixed = await server.call("GET", `/events/view/${event.id}.json`);
      expect(suffixed.json.Event.id).toBe(event.id);
      const byUuid = await server.call("GET", `/events/view/${event.uuid}`);
      expect(byUuid.json.Event.id).toBe(event.id);
      expect(byUuid.json.Event.Attribute[0].Sighting).toHaveLength(1);
      const noSightings = await server.call("GET", `/events/view/${event.id}/noSightings:1`);
      expect(noSightings.status).toBe(200);
      expect(noSightings.json.Event.Attribute[0]).not.toHaveProperty("Sighting");
      const named = await server.call("POST", "/events/add/metadata:1", capturedEvent({ info: "named parameter" }));
      expect(named.status, named.text).toBe(200);
      expect(named.json.Event.info).toBe("named parameter");
      const breakOnDuplicate = await server.call("POST", `/attributes/add/${event.id}/breakOnDuplicate:0`, { type: "domain", value: "added.example" });
      expect(breakOnDuplicate.status, breakOnDuplicate.text).toBe(200);
      expect(breakOnDuplicate.json.Attribute).toMatchObject({ value: "added.example", event_id: event.id, category: "Network activity" });
      expect((await server.call("GET", "/servers/getPyMISPVersion.json")).json.version).toMatch(/^\d+\.\d+\.\d+$/);

      const wrappedEvent = await server.call("POST", "/events/add", { Event: capturedEvent({ info: "wrapped in Event" }) });
      expect(wrappedEvent.json.Event.info).toBe("wrapped in Event");
      const wrappedRequest = await server.call("POST", "/events/add", { request: { Event: capturedEvent({ info: "wrapped in request" }) } });
      expect(wrappedRequest.json.Event.info).toBe("wrapped in request");
      const wrappedSearch = await server.call("POST", "/attributes/restSearch", { request: { eventid: event.id, includeSightings: 1 } });
      expect(wrappedSearch.json.response.Attribute.map((a: any) => a.uuid)).toEqual([...event.Attribute.map((a: any) => a.uuid), breakOnDuplicate.json.Attribute.uuid]);
      const wrappedEdit = await server.call("POST", `/attributes/edit/${attribute.id}`, { Attribute: { comment: "wrapped edit" } });
      expect(wrappedEdit.json.Attribute.comment).toBe("wrapped edit");
      const wrappedSighting = await server.call("POST", "/sightings/add", { request: { Sighting: { uuid: attribute.uuid, type: "1" } } });
      expect(wrappedSighting.json.Sighting.type).toBe("1");
    });

    it("answers the typed MISP client as a remote MISP would", async () => {
      const misp = new MispClient({ baseUrl: `${server.url}/`, key: ADMIN_KEY, retries: 0 });
      try {
        expect((await misp.getVersion()).version).toMatch(/^\d+\.\d+\.\d+$/);
        expect((await misp.whoAmI()).User.email).toBe("admin@halflife.test");
        const { event } = await misp.addEvent(capturedEvent({ info: "through the client" }) as never);
        const attribute = (event.Attribute ?? [])[0]!;
        const sighting = await misp.addSighting({ type: "1", timestamp: String(NOW - DAY) } as never, attribute.uuid);
        expect(sighting.type).toBe("1");
        const found = await misp.restSearchAttributes({ eventid: event.id, includeSightings: 1 } as never);
        expect(found.map((a) => a.uuid)).toContain(attribute.uuid);
        const pages = [];
        for await (const page of misp.pageAttributes({ eventid: event.id } as never, { pageSize: 1 })) pages.push(page.attributes.map((a) => a.uuid));
        expect(pages).toEqual([[attribute.uuid], [(event.Attribute ?? [])[1]!.uuid]]);
        expect((await misp.editAttribute(attribute.uuid, { to_ids: false } as never)).to_ids).toBe(false);
        expect((await misp.publishEvent(event.id)).saved).toBe(true);
        expect((await misp.getEvent(event.uuid)).published).toBe(true);
        expect((await misp.deleteEvent(event.id)).saved).toBe(true);
        await expect(misp.getEvent(event.id)).rejects.toMatchObject({ code: "NOT_FOUND" });
      } finally {
        await misp.close();
      }
    });
  });
}
