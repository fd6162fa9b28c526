// Events: add, view, edit, delete, publish, alert, unpublish, index and restSearch; objects and
// their attributes; tags on events and attributes by every route MISP clients use. Both stores.
import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { postgresAvailable } from "../support/databases.js";
import { NOW, startInProcess, type InProcessApp } from "../support/in-process.js";

/** An event with one plain attribute and one file object, with overrides. */
function eventWithObject(overrides: Record<string, unknown> = {}) {
  const tag = randomUUID().slice(0, 8);
  return {
    uuid: randomUUID(),
    info: `Dropper ${tag}`,
    date: "2025-12-24",
    distribution: "1",
    threat_level_id: "2",
    analysis: "1",
    Tag: [{ name: "tlp:amber" }],
    Attribute: [{ uuid: randomUUID(), type: "domain", value: `c2-${tag}.example`, to_ids: true, comment: "beacon" }],
    Object: [
      {
        uuid: randomUUID(),
        name: "file",
        "meta-category": "file",
        description: "File object describing a file with meta-information",
        template_uuid: "688c46fb-5edb-40a3-8273-1af7923e2215",
        template_version: "22",
        comment: "the dropper",
        Attribute: [
          { uuid: randomUUID(), type: "filename", object_relation: "filename", value: `invoice-${tag}.pdf.exe`, to_ids: false },
          { uuid: randomUUID(), type: "md5", object_relation: "md5", value: "D41D8CD98F00B204E9800998ECF8427E", to_ids: true, Tag: [{ name: 'false-positive:risk="medium"' }] },
        ],
      },
    ],
    ...overrides,
  };
}

const dialects = [
  { name: "sqlite", available: true },
  { name: "postgres", available: postgresAvailable() },
] as const;

for (const dialect of dialects) {
  describe.skipIf(!dialect.available)(`events on ${dialect.name}`, () => {
    let api: InProcessApp;

    beforeAll(async () => {
      api = await startInProcess({ dialect: dialect.name });
    });
    afterAll(async () => {
      await api?.close();
    });
    beforeEach(() => api.setNow(NOW));

    async function add(body: Record<string, unknown> = eventWithObject()) {
      const answer = await api.call("POST", "/events/add", body);
      expect(answer.status, answer.text).toBe(200);
      return answer.json.Event;
    }

    it("keeps objects with their attributes, relations and tags through add and view", async () => {
      const body = eventWithObject();
      await add(body);
      const view = (await api.call("GET", `/events/view/${body.uuid}`)).json.Event;
      expect(view).toMatchObject({ info: body.info, date: "2025-12-24", threat_level_id: "2", analysis: "1", distribution: "1", attribute_count: "3" });
      expect(view.Attribute.map((a: any) => a.uuid)).toEqual([body.Attribute[0]!.uuid]);
      expect(view.Object).toHaveLength(1);
      const object = view.Object[0];
      const sent = body.Object[0]!;
      expect(object).toMatchObject({ uuid: sent.uuid, name: "file", "meta-category": "file", template_uuid: sent.template_uuid, template_version: "22", comment: "the dropper", event_id: view.id });
      expect(object.Attribute.map((a: any) => [a.uuid, a.object_relation, a.type, a.value, a.to_ids, a.object_id])).toEqual([
        [sent.Attribute[0]!.uuid, "filename", "filename", sent.Attribute[0]!.value, false, object.id],
        // Hashes are kept in lower case, as MISP does.
        [sent.Attribute[1]!.uuid, "md5", "md5", "d41d8cd98f00b204e9800998ecf8427e", true, object.id],
      ]);
      expect(object.Attribute[1].Tag.map((t: any) => t.name)).toEqual(['false-positive:risk="medium"']);
      expect(object.Attribute[0].category).toBe("Payload delivery");

      // A flattened search marks object attributes with their object.
      const found = await api.call("POST", "/attributes/restSearch", { eventid: view.id, object_relation: "md5" });
      expect(found.json.response.Attribute).toHaveLength(1);
      expect(found.json.response.Attribute[0].Object).toMatchObject({ id: object.id });
    });

    it("refuses an event whose uuid exists with 409, and attribute or object uuids that exist with 400", async () => {
      const body = eventWithObject();
      const first = await add(body);
      const again = await api.call("POST", "/events/add", { ...eventWithObject(), uuid: body.uuid, info: "impostor" });
      expect(again.status).toBe(409);
      expect(again.json).toMatchObject({ message: "Event already exists, if you would like to edit it, use the url in the location header.", url: "/events/add" });
      expect((await api.call("GET", `/events/view/${first.id}`)).json.Event.info).toBe(body.info);
      const reused = await api.call("POST", "/events/add", { ...eventWithObject(), Attribute: [{ ...body.Attribute[0]! }] });
      expect(reused.status).toBe(400);
      const before = await api.counts();
      const reusedObject = await api.call("POST", "/events/add", { ...eventWithObject(), Object: [{ ...eventWithObject().Object[0]!, uuid: body.Object[0]!.uuid }] });
      expect(reusedObject.status, reusedObject.text).toBe(400);
      expect(reusedObject.json.message).toMatch(/^Object\.uuid /);
      expect(await api.counts()).toEqual(before);
    });

    it("edits only the fields the request names, stamps the event and unpublishes it", async () => {
      const event = await add();
      await api.call("POST", `/events/publish/${event.id}`);
      api.setNow(NOW + 100);
      const newUuid = randomUUID();
      const edited = await api.call("POST", `/events/edit/${event.uuid}`, {
        Event: {
          info: "renamed",
          Attribute: [
            { uuid: event.Attribute[0].uuid, type: "domain", value: event.Attribute[0].value, to_ids: false, comment: "no longer IDS" },
            { uuid: newUuid, type: "ip-dst", value: "203.0.113.99" },
          ],
        },
      });
      expect(edited.status, edited.text).toBe(200);
      const view = edited.json.Event;
      expect(view).toMatchObject({ info: "renamed", date: event.date, threat_level_id: "2", analysis: "1", distribution: "1", published: false, timestamp: String(NOW + 100) });
      expect(view.Tag.map((t: any) => t.name)).toEqual(["tlp:amber"]);
      expect(view.Attribute.map((a: any) => [a.uuid, a.to_ids, a.comment])).toEqual([
        [event.Attribute[0].uuid, false, "no longer IDS"],
        [newUuid, true, ""],
      ]);
      expect(view.Object[0].Attribute).toHaveLength(2);

      const stale = await api.call("POST", `/events/edit/${event.id}`, { info: "older copy", timestamp: NOW });
      expect(stale.status).toBe(409);
      expect((await api.call("PUT", `/events/edit/${event.id}`, { analysis: 2 })).json.Event).toMatchObject({ info: "renamed", analysis: "2" });
    });

    it("adds the tags, attributes and objects of a whole event sent back by update_event", async () => {
      const event = await add();
      const other = await add();
      api.setNow(NOW + 30);
      // PyMISP sends the event as it read it, without the timestamps of what it changed.
      const sent = (await api.call("GET", `/events/view/${event.id}`)).json.Event;
      delete sent.timestamp;
      sent.Tag.push({ name: "tlp:red" });
      sent.Attribute[0].comment = "changed";
      delete sent.Attribute[0].timestamp;
      sent.Attribute.push({ uuid: randomUUID(), type: "ip-dst", value: "198.51.100.40", Tag: [{ name: "tlp:green" }] });
      const newObject = { uuid: randomUUID(), name: "domain-ip", "meta-category": "network", Attribute: [{ uuid: randomUUID(), type: "domain", object_relation: "domain", value: "obj.example" }] };
      sent.Object.push(newObject);
      sent.Object[0].Attribute[0].comment = "renamed dropper";
      delete sent.Object[0].Attribute[0].timestamp;
      const edited = await api.call("POST", `/events/edit/${event.id}`, sent);
      expect(edited.status, edited.text).toBe(200);
      const view = edited.json.Event;
      expect(view.Tag.map((t: any) => t.name)).toEqual(["tlp:amber", "tlp:red"]);
      expect(view.Attribute.map((a: any) => [a.type, a.comment, (a.Tag ?? []).map((t: any) => t.name)])).toEqual([
        ["domain", "changed", []],
        ["ip-dst", "", ["tlp:green"]],
      ]);
      expect(view.Attribute[0].timestamp).toBe(String(NOW + 30));
      expect(view.Object.map((o: any) => [o.uuid, o.Attribute.length])).toEqual([
        [event.Object[0].uuid, 2],
        [newObject.uuid, 1],
      ]);
      expect(view.Object[0].Attribute[0].comment).toBe("renamed dropper");
      expect(view.Object[1].Attribute[0]).toMatchObject({ object_relation: "domain", value: "obj.example", object_id: view.Object[1].id });
      expect(view.attribute_count).toBe("5");

      // Sending it again adds nothing.
      const again = await api.call("POST", `/events/edit/${event.id}`, { ...sent, Object: [...sent.Object.slice(0, 1), newObject] });
      expect(again.json.Event.attribute_count).toBe("5");
      expect(again.json.Event.Object).toHaveLength(2);
      const stolen = await api.call("POST", `/events/edit/${event.id}`, { Object: [other.Object[0]] });
      expect(stolen.status).toBe(409);
    });

    it("publishes, alerts and unpublishes", async () => {
      const event = await add();
      api.setNow(NOW + 5);
      const alert = await api.call("POST", `/events/alert/${event.id}`);
      expect(alert.status).toBe(200);
      expect(alert.json).toMatchObject({ saved: true, success: true, id: event.id, url: `/events/alert/${event.id}` });
      expect((await api.call("GET", `/events/view/${event.id}`)).json.Event).toMatchObject({ published: true, publish_timestamp: String(NOW + 5) });
      const unpublished = await api.call("POST", `/events/unpublish/${event.uuid}`);
      expect(unpublished.json).toMatchObject({ saved: true, name: "Event unpublished.", url: `/events/unpublish/${event.uuid}` });
      expect((await api.call("GET", `/events/view/${event.id}`)).json.Event).toMatchObject({ published: false, publish_timestamp: String(NOW + 5) });
    });

    it("adds, views, edits and deletes single attributes, soft and hard", async () => {
      const event = await add();
      const added = await api.call("POST", `/attributes/add/${event.uuid}`, [
        { type: "ip-src", value: "192.0.2.1" },
        { type: "url", value: "https://a.example/x", category: "Network activity", to_ids: false },
      ]);
      expect(added.status, added.text).toBe(200);
      expect(added.json.Attribute.map((a: any) => [a.type, a.to_ids, a.event_id])).toEqual([
        ["ip-src", true, event.id],
        ["url", false, event.id],
      ]);
      const [ip, url] = added.json.Attribute;
      expect((await api.call("GET", `/attributes/view/${ip.uuid}`)).json.Attribute.value).toBe("192.0.2.1");
      api.setNow(NOW + 50);
      const edited = await api.call("POST", `/attributes/edit/${ip.id}`, { comment: "scanner", value: "192.0.2.2" });
      expect(edited.json.Attribute).toMatchObject({ comment: "scanner", value: "192.0.2.2", to_ids: true, type: "ip-src", timestamp: String(NOW + 50) });

      expect((await api.call("POST", `/attributes/delete/${ip.id}`)).json).toEqual({ message: "Attribute deleted." });
      expect((await api.call("GET", `/attributes/view/${ip.id}`)).status).toBe(404);
      const withDeleted = await api.call("GET", `/events/view/${event.id}/deleted:1`);
      expect(withDeleted.json.Event.Attribute.find((a: any) => a.id === ip.id)).toMatchObject({ deleted: true });
      expect((await api.call("GET", `/events/view/${event.id}`)).json.Event.Attribute.some((a: any) => a.id === ip.id)).toBe(false);
      expect((await api.call("POST", `/attributes/delete/${url.id}/1`)).status).toBe(200);
      expect((await api.call("GET", `/events/view/${event.id}/deleted:1`)).json.Event.Attribute.some((a: any) => a.id === url.id)).toBe(false);
    });

    it("tags and untags events and attributes by id, uuid and name, through addTag and attachTagToObject", async () => {
      const event = await add();
      const attribute = event.Attribute[0];
      await api.call("POST", `/events/publish/${event.id}`);
      api.setNow(NOW + 10);

      // PyMISP's tag(): tags/attachTagToObject with a uuid and a tag name.
      const onEvent = await api.call("POST", "/tags/attachTagToObject", { uuid: event.uuid, tag: "tlp:red" });
      expect(onEvent.status, onEvent.text).toBe(200);
      const onAttribute = await api.call("POST", "/tags/attachTagToObject", { uuid: attribute.uuid, tag: 'false-positive:risk="high"' });
      expect(onAttribute.status).toBe(200);
      let view = (await api.call("GET", `/events/view/${event.id}`)).json.Event;
      expect(view.Tag.map((t: any) => t.name)).toEqual(["tlp:amber", "tlp:red"]);
      expect(view.Attribute[0].Tag.map((t: any) => t.name)).toEqual(['false-positive:risk="high"']);
      expect(view.Attribute[0].Tag[0].numerical_value).toBe("25");
      expect(view).toMatchObject({ published: false, timestamp: String(NOW + 10) });
      expect(view.Attribute[0].timestamp).toBe(String(NOW + 10));

      // MISP's own routes: by path, and by body.
      const tlpRed = view.Tag.find((t: any) => t.name === "tlp:red");
      expect((await api.call("POST", `/events/removeTag/${event.id}/${tlpRed.id}`)).json).toMatchObject({ saved: true, name: "Tag removed." });
      expect((await api.call("POST", "/events/addTag", { event: event.uuid, tag: "tlp:clear" })).json.name).toBe("Tag added.");
      expect((await api.call("POST", "/events/addTag", { event: event.uuid, tag: "tlp:clear" })).json.name).toBe("Tag is already attached to this event.");
      await api.call("POST", "/tags/add", { name: "tlp:green" });
      const green = (await api.call("GET", "/tags/index/searchall:tlp:green")).json.Tag.find((t: any) => t.name === "tlp:green");
      expect((await api.call("POST", `/attributes/addTag/${attribute.id}/${green.id}`)).json).toMatchObject({ saved: true, name: "Tag added." });
      // As in CakePHP, "tlp:green" in a path is a named parameter, not a tag: name it in the body.
      expect((await api.call("POST", `/attributes/addTag/${attribute.id}/tlp:green`)).status).toBe(400);
      expect((await api.call("POST", "/attributes/removeTag", { attribute: attribute.uuid, tag: 'false-positive:risk="high"' })).json.name).toBe("Tag removed.");
      expect((await api.call("POST", "/tags/removeTagFromObject", { uuid: attribute.uuid, tag: "tlp:green" })).status).toBe(200);
      view = (await api.call("GET", `/events/view/${event.id}`)).json.Event;
      expect(view.Tag.map((t: any) => t.name)).toEqual(["tlp:amber", "tlp:clear"]);
      expect(view.Attribute[0]).not.toHaveProperty("Tag");

      // A local tag changes neither the timestamp nor the publication.
      await api.call("POST", `/events/publish/${event.id}`);
      api.setNow(NOW + 20);
      expect((await api.call("POST", "/events/addTag", { event: event.id, tag: "workflow:todo", local: 1 })).status).toBe(200);
      view = (await api.call("GET", `/events/view/${event.id}`)).json.Event;
      expect(view).toMatchObject({ published: true, timestamp: String(NOW + 10) });
      expect(view.Tag.find((t: any) => t.name === "workflow:todo")).toMatchObject({ local: 1 });
    });

    it("lists events in the index with filters, paging and X-Result-Count", async () => {
      const marker = randomUUID().slice(0, 8);
      const events = [];
      for (const [i, date] of ["2025-01-10", "2025-02-10", "2025-03-10"].entries()) {
        api.setNow(NOW + i);
        events.push(await add(eventWithObject({ info: `Index ${marker} ${i}`, date })));
      }
      await api.call("POST", `/events/publish/${events[1].id}`);
      const index = async (params: Record<string, unknown>) => {
        const answer = await api.call("POST", "/events/index", { eventinfo: marker, ...params });
        expect(answer.status, answer.text).toBe(200);
        return answer;
      };
      const all = await index({});
      expect(all.json.map((e: any) => e.info)).toEqual([2, 1, 0].map((i) => `Index ${marker} ${i}`));
      expect(all.headers.get("x-result-count")).toBe("3");
      expect(all.json[0]).toMatchObject({ attribute_count: "3", Org: { name: expect.any(String) }, Orgc: { name: expect.any(String) } });
      expect(all.json[0].EventTag.map((t: any) => t.Tag.name)).toEqual(["tlp:amber"]);
      expect((await index({ published: 1 })).json.map((e: any) => e.id)).toEqual([events[1].id]);
      expect((await index({ datefrom: "2025-02-01", dateuntil: "2025-02-28" })).json.map((e: any) => e.id)).toEqual([events[1].id]);
      expect((await index({ eventid: events[0].id })).json.map((e: any) => e.id)).toEqual([events[0].id]);
      const page = await index({ limit: 2, page: 2 });
      expect(page.json.map((e: any) => e.id)).toEqual([events[0].id]);
      expect(page.headers.get("x-result-count")).toBe("3");
      const get = await api.call("GET", `/events/index?eventinfo=${marker}&limit=1`);
      expect(get.json.map((e: any) => e.id)).toEqual([events[2].id]);
    });

    it("searches events with restSearch: event filters, attribute filters and metadata", async () => {
      const marker = `rs-${randomUUID().slice(0, 8)}`;
      const tagged = await add(eventWithObject({ info: `${marker} tagged`, Tag: [{ name: "tlp:amber" }, { name: `${marker}:x` }] }));
      const plain = await add(eventWithObject({ info: `${marker} plain`, Tag: [] }));
      const search = async (params: Record<string, unknown>) => {
        const answer = await api.call("POST", "/events/restSearch", { returnFormat: "json", eventinfo: `%${marker}%`, ...params });
        expect(answer.status, answer.text).toBe(200);
        return answer;
      };
      const all = await search({});
      expect(all.json.response.map((r: any) => r.Event.uuid).sort()).toEqual([tagged.uuid, plain.uuid].sort());
      expect(all.headers.get("x-result-count")).toBe("2");
      expect(all.json.response[0].Event.Object).toHaveLength(1);
      expect((await search({ tags: `${marker}:x` })).json.response.map((r: any) => r.Event.uuid)).toEqual([tagged.uuid]);
      expect((await search({ tags: `!${marker}:x` })).json.response.map((r: any) => r.Event.uuid)).toEqual([plain.uuid]);
      expect((await search({ value: plain.Attribute[0].value })).json.response.map((r: any) => r.Event.uuid)).toEqual([plain.uuid]);
      expect((await search({ eventid: tagged.id })).json.response.map((r: any) => r.Event.uuid)).toEqual([tagged.uuid]);
      const metadata = await search({ metadata: 1 });
      expect(metadata.json.response.every((r: any) => r.Event.Attribute.length === 0 && r.Event.Object.length === 0)).toBe(true);
      expect(metadata.headers.get("x-halflife-ignored-parameters")).toBeNull();
      // csv and text are attribute exports (test/http/pymisp-live-behaviours.test.ts); other formats are refused.
      expect((await api.call("POST", "/events/restSearch", { returnFormat: "stix2" })).status).toBe(400);
    });
  });
}
