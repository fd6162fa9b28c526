// The requests PyMISP 2.5.34's live test suite sends (tests/testlive_comprehensive.py), replayed
// over real HTTP on each store, with the answers MISP gives: events/restSearch order, tags and
// narrowing, csv and text, correlations, events/index sort and filters, the objects controller,
// metadata, default distribution, tag and taxonomy messages, sightings by uuid.
import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { postgresAvailable } from "../support/databases.js";
import { startTestServer, type TestServer } from "../support/server.js";

const NOW = 1_767_225_600;
const dialects = [
  { name: "sqlite", available: true },
  { name: "postgres", available: postgresAvailable() },
] as const;

for (const dialect of dialects) {
  describe.skipIf(!dialect.available)(`PyMISP's live-suite requests on ${dialect.name}`, () => {
    let server: TestServer;
    let user: { key: string };

    beforeAll(async () => {
      server = await startTestServer({ dialect: dialect.name, now: NOW });
      user = await server.addUser({ org: `Test Org ${randomUUID().slice(0, 6)}`, role: "User" });
    });
    afterAll(async () => {
      await server?.close();
    });
    beforeEach(() => server.setNow(NOW));

    /** Three events as the suite's environment() makes them (first and third by the admin). */
    async function environment() {
      const white = `tlp:white___${randomUUID().slice(0, 6)}`;
      const amber = `tlp:amber___${randomUUID().slice(0, 6)}`;
      const shared = `FIRST_EVENT${randomUUID()}`;
      const first = (
        await server.call("POST", "/events/add", {
          info: "First event - org only - low - completed",
          distribution: "0",
          threat_level_id: "3",
          analysis: "2",
          date: "2017-12-31",
          Attribute: [
            { type: "text", value: shared, Tag: [{ name: white }] },
            { type: "text", value: randomUUID() },
          ],
        })
      ).json.Event;
      const second = (
        await server.call(
          "POST",
          "/events/add",
          {
            info: "Second event - org only - medium - ongoing",
            distribution: "0",
            date: "2018-08-18",
            Attribute: [
              { type: "text", value: `SECOND_EVENT${randomUUID()}`, Tag: [{ name: white }] },
              { type: "ip-dst", value: "1.1.1.1", Tag: [{ name: amber }] },
              { type: "text", value: shared },
            ],
          },
          { key: user.key },
        )
      ).json.Event;
      const third = (
        await server.call("POST", "/events/add", {
          info: "Third event - all orgs - high - initial",
          distribution: "3",
          date: "2018-06-25",
          Tag: [{ name: white }],
          Attribute: [
            { type: "text", value: `THIRD_EVENT${randomUUID()}`, Tag: [{ name: amber }] },
            { type: "ip-src", value: "8.8.8.8", Tag: [{ name: amber }] },
            { type: "ip-dst", value: "9.9.9.9" },
          ],
        })
      ).json.Event;
      return { first, second, third, white, amber, shared };
    }

    it("answers events/restSearch in ascending id order, matching attribute tags and dropping attributes with a NOT tag", async () => {
      const { first, second, third, white, amber } = await environment();
      const byWhite = await server.call("POST", "/events/restSearch", { returnFormat: "json", tags: white });
      expect(byWhite.json.response.map((e: any) => e.Event.id)).toEqual([first.id, second.id, third.id]);

      const notAmber = await server.call("POST", "/events/restSearch", { returnFormat: "json", tags: { OR: [white], NOT: [amber] } });
      expect(notAmber.json.response.map((e: any) => e.Event.id)).toEqual([first.id, second.id, third.id]);
      for (const { Event } of notAmber.json.response) {
        for (const attribute of Event.Attribute) expect(attribute.Tag?.map((t: any) => t.name) ?? []).not.toContain(amber);
      }
      // As the user, the first event (the admin's, organisation only) is out of sight.
      const asUser = await server.call("POST", "/events/restSearch", { returnFormat: "json", tags: white }, { key: user.key });
      expect(asUser.json.response.map((e: any) => e.Event.id)).toEqual([second.id, third.id]);
    });

    it("returns only the attributes that match attribute-level filters inside each event", async () => {
      const { second, third } = await environment();
      const answer = await server.call("POST", "/events/restSearch", { returnFormat: "json", type: { OR: ["ip-src", "ip-dst"] }, eventid: [second.id, third.id] });
      expect(answer.json.response.map((e: any) => [e.Event.id, e.Event.Attribute.map((a: any) => a.value)])).toEqual([
        [second.id, ["1.1.1.1"]],
        [third.id, ["8.8.8.8", "9.9.9.9"]],
      ]);
    });

    it("exports whole matching events as csv from events/restSearch, and IDS values as text", async () => {
      const { second, third } = await environment();
      const csv = await server.call("POST", "/events/restSearch", { returnFormat: "csv", type: { OR: ["ip-src", "ip-dst"] }, eventid: [second.id, third.id] });
      expect(csv.status).toBe(200);
      expect(csv.headers.get("content-type")).toMatch(/^text\/csv/);
      const lines = csv.text.trim().split("\n");
      expect(lines[0]).toBe("uuid,event_id,category,type,value,comment,to_ids,date,object_relation,attribute_tag,object_uuid,object_name,object_meta_category");
      expect(lines).toHaveLength(7);
      await server.call("POST", `/events/publish/${third.id}`);
      const text = await server.call("POST", "/events/restSearch", { returnFormat: "text", eventid: third.id });
      expect(text.text).toBe("8.8.8.8\n9.9.9.9\n");
    });

    it("fills RelatedAttribute and RelatedEvent with the correlations the viewer may see", async () => {
      const { first, second, shared } = await environment();
      const admin = await server.call("POST", "/attributes/restSearch", { returnFormat: "json", value: shared, includeCorrelations: 1 });
      expect(admin.headers.get("x-halflife-ignored-parameters")).toBeNull();
      const related = admin.json.response.Attribute.map((a: any) => [a.event_id, a.RelatedAttribute.map((r: any) => r.Event.uuid)]);
      expect(related).toEqual([
        [first.id, [second.uuid]],
        [second.id, [first.uuid]],
      ]);
      const asUser = await server.call("POST", "/attributes/restSearch", { returnFormat: "json", value: shared, includeCorrelations: "True" }, { key: user.key });
      expect(asUser.json.response.Attribute.map((a: any) => a.RelatedAttribute)).toEqual([[]]);
      const events = await server.call("POST", "/events/restSearch", { returnFormat: "json", eventid: first.id, includeCorrelations: 1 });
      expect(events.json.response[0].Event.RelatedEvent.map((r: any) => r.Event.id)).toEqual([second.id]);
    });

    it("sorts events/index on a column and reads every search_index filter", async () => {
      const { first, second, third } = await environment();
      const ids = [first.id, second.id, third.id];
      const sorted = await server.call("POST", "/events/index", { eventid: ids, sort: "info", direction: "desc", desc: true, limit: 1 });
      expect(sorted.json.map((e: any) => e.id)).toEqual([third.id]);
      const ascending = await server.call("POST", "/events/index", { eventid: ids, sort: "info", direction: "asc" });
      expect(ascending.json.map((e: any) => e.id)).toEqual(ids);
      const filtered = await server.call("POST", "/events/index", { eventid: ids, threatlevel: ["!3"], distribution: [0], analysis: [0, 1] });
      expect(filtered.json.map((e: any) => e.id)).toEqual([second.id]);
      const all = await server.call("POST", "/events/index", { eventid: ids, all: "THIRD_EVENT" });
      expect(all.json.map((e: any) => e.id)).toEqual([third.id]);
      const bad = await server.call("POST", "/events/index", { sort: "nonsense" });
      expect(bad.status).toBe(400);
      expect(bad.json.errors).toEqual({ sort: ['sort must be one of id, info, date, timestamp, publish_timestamp, threat_level_id, analysis, distribution, org, published; got the text "nonsense"'] });
    });

    it("adds, views, edits and deletes objects, softly and for good", async () => {
      const event = (await server.call("POST", "/events/add", { info: "objects", Attribute: [{ type: "text", value: randomUUID() }] })).json.Event;
      const added = await server.call("POST", `/objects/add/${event.id}`, {
        Object: { name: "file", "meta-category": "file", first_seen: 1580147259.268763, Attribute: [{ object_relation: "filename", type: "filename", value: "blah.exe" }] },
      });
      expect(added.status).toBe(200);
      const object = added.json.Object;
      expect(object).toMatchObject({ name: "file", distribution: "5", deleted: false, first_seen: "2020-01-27T17:47:39.268763+00:00" });
      expect(object.Attribute.map((a: any) => [a.object_relation, a.value, a.distribution])).toEqual([["filename", "blah.exe", "5"]]);
      expect((await server.call("HEAD" as "GET", `/objects/view/${object.uuid}`)).status).toBe(200);

      const edited = await server.call("POST", `/objects/edit/${object.id}`, {
        Object: { ...object, comment: "edited", Attribute: [...object.Attribute, { object_relation: "size-in-bytes", type: "size-in-bytes", value: "42" }] },
      });
      expect(edited.json.Object.comment).toBe("edited");
      expect(edited.json.Object.Attribute.map((a: any) => a.value)).toEqual(["blah.exe", "42"]);

      const soft = await server.call("POST", `/objects/delete/${object.uuid}`);
      expect(soft.json).toEqual({ saved: true, success: true, name: "Object deleted", message: "Object deleted", url: `/objects/delete/${object.uuid}`, id: object.id });
      expect((await server.call("GET", `/objects/view/${object.id}`)).status).toBe(404);
      const withDeleted = await server.call("POST", `/events/view/${event.id}`, { deleted: [0, 1] });
      expect(withDeleted.json.Event.Object.map((o: any) => [o.deleted, o.Attribute.map((a: any) => a.deleted)])).toEqual([[true, [true, true]]]);

      const hard = await server.call("POST", `/objects/delete/${object.id}/1`);
      expect(hard.json.message).toBe("Object deleted");
      expect((await server.call("POST", `/events/view/${event.id}`, { deleted: [0, 1] })).json.Event.Object).toEqual([]);
    });

    it("finds objects with objects/restSearch by name", async () => {
      const name = `custom-${randomUUID().slice(0, 6)}`;
      const event = (await server.call("POST", "/events/add", { info: "search objects", Object: [{ name, Attribute: [{ object_relation: "x", type: "text", value: "foo" }] }] })).json.Event;
      const found = await server.call("POST", "/objects/restSearch", { object_name: name });
      expect(found.json.response.map((o: any) => [o.Object.event_id, o.Object.Attribute[0].value])).toEqual([[event.id, "foo"]]);
    });

    it("answers events/add/metadata:1 without attributes, and gives an event without distribution the instance default", async () => {
      const added = await server.call("POST", "/events/add/metadata:1", { info: "metadata", Attribute: [{ type: "ip-src", value: "9.9.9.9" }] });
      expect(added.json.Event.Attribute).toEqual([]);
      expect(added.json.Event.distribution).toBe("1");
      const full = await server.call("GET", `/events/view/${added.json.Event.id}`);
      expect(full.json.Event.Attribute.map((a: any) => a.distribution)).toEqual(["5"]);
    });

    it("refuses publishing without perm_publish with MISP's message", async () => {
      const event = (await server.call("POST", "/events/add", { info: "mine" }, { key: user.key })).json.Event;
      const refused = await server.call("POST", `/events/publish/${event.id}`, undefined, { key: user.key });
      expect(refused.status).toBe(403);
      expect(refused.json).toEqual({
        name: "You do not have permission to use this functionality.",
        message: "You do not have permission to use this functionality.",
        url: `/events/publish/${event.id}`,
        errors: { publish: ["You do not have permission to use this functionality."] },
      });
    });

    it("attaches and removes tags by uuid with MISP's messages, and deletes tags", async () => {
      const event = (await server.call("POST", "/events/add", { info: "tags" })).json.Event;
      const name = `generic_tag_test_${randomUUID().slice(0, 6)}`;
      const attached = await server.call("POST", "/tags/attachTagToObject", { uuid: event.uuid, tag: name, local: false });
      const tag = (await server.call("GET", `/tags/view/${encodeURIComponent(name)}`)).json;
      expect(attached.json.message).toBe(`Tag ${name}(${tag.id}) successfully attached to Event(${event.id}).`);
      const removed = await server.call("POST", "/tags/removeTagFromObject", { uuid: event.uuid, tag: name });
      expect(removed.json.message).toBe(`Tag ${name}(${tag.id}) successfully removed from Event(${event.id}).`);
      const unknown = await server.call("POST", "/tags/attachTagToObject", { uuid: randomUUID(), tag: name });
      expect(unknown.status).toBe(404);
      expect(unknown.json.message).toBe("Invalid Target.");
      const deleted = await server.call("POST", `/tags/delete/${tag.id}`);
      expect(deleted.json).toEqual({ saved: true, success: true, name: "Tag deleted.", message: "Tag deleted.", url: `/tags/delete/${tag.id}`, id: tag.id });
      expect((await server.call("GET", `/tags/view/${tag.id}`)).status).toBe(404);
    });

    it("says the taxonomies are up to date when nothing changed", async () => {
      const update = await server.call("POST", "/taxonomies/update");
      expect(update.json.message).toBe("All taxonomy libraries are up to date already.");
    });

    it("lists sightings by an organisation's uuid, records one for the attribute in the path from a list body, and deletes by uuid", async () => {
      const event = (await server.call("POST", "/events/add", { info: "sightings", Attribute: [{ type: "ip-dst", value: "198.51.100.7" }] })).json.Event;
      const attribute = event.Attribute[0];
      expect((await server.call("POST", `/sightings/add/${attribute.uuid}`, [{ Sighting: { id: "1" } }])).status).toBe(200);
      const me = (await server.call("GET", "/users/view/me")).json;
      const listed = await server.call("POST", `/sightings/listSightings/${attribute.id}/attribute`, { org_id: me.Organisation.uuid });
      expect(listed.json.map((s: any) => [s.Sighting.attribute_id, s.Sighting.org_id, s.Sighting.type])).toEqual([[attribute.id, me.Organisation.id, "0"]]);
      const sighting = listed.json[0].Sighting;
      const deleted = await server.call("POST", `/sightings/delete/${sighting.uuid}`);
      expect(deleted.json.message).toBe("Sighting successfully deleted.");
    });

    it("refuses a bad time value with a 400 naming the field, where MISP answers an empty list", async () => {
      const bad = await server.call("POST", "/events/restSearch", { returnFormat: "json", publish_timestamp: "5x" });
      expect(bad.status).toBe(400);
      expect(bad.json.errors).toEqual({ publish_timestamp: ['publish_timestamp must be a Unix timestamp, a duration such as 7d, or a date: "5x"'] });
    });

    it("adds an attribute its event already has only when asked to stamp it, and skips it in a list, with MISP's message", async () => {
      const event = (await server.call("POST", "/events/add", { info: "duplicates", Attribute: [{ type: "ip-dst", value: "1.2.3.4" }] }, { key: user.key })).json.Event;
      const similar = await server.call("POST", `/attributes/add/${event.id}`, { value: "1.2.3.4", type: "ip-dst" }, { key: user.key });
      expect(similar.status).toBe(409);
      expect(similar.json.errors).toEqual({ value: ["A similar attribute already exists for this event."] });
      server.setNow(NOW + 60);
      const stamped = await server.call("POST", `/attributes/add/${event.id}/breakOnDuplicate:0`, { value: "1.2.3.4", type: "ip-dst" }, { key: user.key });
      expect(stamped.status).toBe(200);
      expect(stamped.json.Attribute).toMatchObject({ id: event.Attribute[0].id, value: "1.2.3.4", timestamp: String(NOW + 60) });
      const list = await server.call(
        "POST",
        `/attributes/add/${event.id}`,
        [
          { value: "1.2.3.4", type: "ip-dst" },
          { value: "1.2.3.5", type: "ip-dst" },
          { value: "1.2.3.5", type: "ip-dst" },
          { value: "1.2.3.6", type: "ip-dst", Tag: [{ name: "tlp:amber" }] },
        ],
        { key: user.key },
      );
      expect(list.status).toBe(200);
      expect(list.json.Attribute.map((a: any) => a.value)).toEqual(["1.2.3.5", "1.2.3.6"]);
      expect(list.json.errors).toEqual({
        attribute_0: { value: ["A similar attribute already exists for this event."] },
        attribute_2: { value: ["A similar attribute already exists for this event."] },
      });
      // A deleted attribute does not count, nor does one inside an object.
      await server.call("POST", `/attributes/delete/${list.json.Attribute[0].id}`, {}, { key: user.key });
      expect((await server.call("POST", `/attributes/add/${event.id}`, { value: "1.2.3.5", type: "ip-dst" }, { key: user.key })).status).toBe(200);
    });

    it("keeps tags that are not exportable out of events/add, events/view and events/restSearch unless includeAllTags", async () => {
      const name = `non-exportable ${randomUUID().slice(0, 6)}`;
      expect((await server.call("POST", "/tags/add", { Tag: { name, exportable: false } })).status).toBe(200);
      const added = await server.call("POST", "/events/add", { info: "hidden tags", Tag: [{ name }], Attribute: [{ type: "ip-dst", value: "192.0.2.77", Tag: [{ name }] }] });
      const names = (event: any) => [...(event.Tag ?? []), ...event.Attribute.flatMap((a: any) => a.Tag ?? [])].map((t: any) => t.name);
      expect(names(added.json.Event)).toEqual([]);
      expect(names((await server.call("GET", `/events/view/${added.json.Event.id}`)).json.Event)).toEqual([]);
      const search = await server.call("POST", "/events/restSearch", { eventid: added.json.Event.id });
      expect(names(search.json.response[0].Event)).toEqual([]);
      const all = await server.call("POST", "/events/restSearch", { eventid: added.json.Event.id, includeAllTags: 1 });
      expect(names(all.json.response[0].Event)).toEqual([name, name]);
    });
  });
}
