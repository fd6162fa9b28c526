// attributes/restSearch: every filter SPEC §5 names, paging with X-Result-Count, the csv and text
// formats, and the parameter checks, over a small fixed data set on each store.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { postgresAvailable } from "../support/databases.js";
import { NOW, startInProcess, type InProcessApp } from "../support/in-process.js";

const DAY = 86_400;

const dialects = [
  { name: "sqlite", available: true },
  { name: "postgres", available: postgresAvailable() },
] as const;

/** Values of the attributes a search answers, sorted. */
type Search = (params: Record<string, unknown>) => Promise<string[]>;

for (const dialect of dialects) {
  describe.skipIf(!dialect.available)(`attributes/restSearch on ${dialect.name}`, () => {
    let api: InProcessApp;
    let search: Search;
    const ids: Record<string, string> = {};
    const uuids: Record<string, string> = {};
    let phishing: any;
    let scanner: any;

    beforeAll(async () => {
      api = await startInProcess({ dialect: dialect.name });
      const add = async (body: Record<string, unknown>) => {
        const answer = await api.call("POST", "/events/add", body);
        expect(answer.status, answer.text).toBe(200);
        for (const a of answer.json.Event.Attribute) {
          ids[a.value] = a.id;
          uuids[a.value] = a.uuid;
        }
        return answer.json.Event;
      };
      api.setNow(NOW - 20 * DAY);
      phishing = await add({
        info: "Phishing wave against finance",
        date: "2025-12-01",
        distribution: 1,
        Tag: [{ name: "tlp:green" }],
        Attribute: [
          { type: "domain", value: "evil.example", to_ids: true, timestamp: NOW - 10 * DAY, Tag: [{ name: 'false-positive:risk="low"' }] },
          { type: "ip-dst", value: "203.0.113.10", to_ids: true, timestamp: NOW - 10 * DAY, Tag: [{ name: "tlp:amber" }] },
          { type: "domain|ip", value: "combo.example|198.51.100.9", to_ids: false, timestamp: NOW - 2 * DAY },
          { type: "url", category: "Payload delivery", value: "https://evil.example/login", to_ids: false, timestamp: NOW - 2 * DAY },
        ],
      });
      api.setNow(NOW - 5 * DAY);
      expect((await api.call("POST", `/events/publish/${phishing.id}`)).status).toBe(200);
      api.setNow(NOW - 30 * DAY);
      scanner = await add({
        info: "Scanner noise",
        date: "2025-06-01",
        distribution: 1,
        Tag: [{ name: "tlp:white" }],
        Attribute: [
          { type: "ip-src", value: "192.0.2.44", to_ids: true, timestamp: NOW - 30 * DAY, Tag: [{ name: 'false-positive:risk="high"' }] },
          { type: "domain", value: "benign.example", to_ids: false, timestamp: NOW - 30 * DAY },
          { type: "md5", category: "Payload delivery", value: "d41d8cd98f00b204e9800998ecf8427e", to_ids: true, timestamp: NOW - 30 * DAY },
        ],
      });
      api.setNow(NOW - 30 * DAY);
      expect((await api.call("POST", `/attributes/delete/${ids["benign.example"]}`)).status).toBe(200);
      api.setNow(NOW);
      search = async (params) => {
        const answer = await api.call("POST", "/attributes/restSearch", params);
        expect(answer.status, `${JSON.stringify(params)}: ${answer.text.slice(0, 300)}`).toBe(200);
        return answer.json.response.Attribute.map((a: any) => a.value).sort();
      };
    });
    afterAll(async () => {
      await api?.close();
    });

    const LIVE = ["192.0.2.44", "203.0.113.10", "combo.example|198.51.100.9", "d41d8cd98f00b204e9800998ecf8427e", "evil.example", "https://evil.example/login"];

    it("finds every live attribute without filters, and leaves soft-deleted ones out", async () => {
      expect(await search({})).toEqual(LIVE);
    });

    it("filters on values: exact, with % wildcards, negated, and either half of a composite value", async () => {
      expect(await search({ value: "evil.example" })).toEqual(["evil.example"]);
      expect(await search({ value: "EVIL.example" })).toEqual([]);
      expect(await search({ value: "%evil.example%" })).toEqual(["evil.example", "https://evil.example/login"]);
      expect(await search({ value: "%.EXAMPLE" })).toEqual(["combo.example|198.51.100.9", "evil.example"]);
      expect(await search({ value: ["evil.example", "192.0.2.44"] })).toEqual(["192.0.2.44", "evil.example"]);
      expect(await search({ value: "!evil.example", eventid: phishing.id })).toEqual(["203.0.113.10", "combo.example|198.51.100.9", "https://evil.example/login"]);
      expect(await search({ value: "combo.example" })).toEqual(["combo.example|198.51.100.9"]);
      expect(await search({ value: "198.51.100.9" })).toEqual(["combo.example|198.51.100.9"]);
      expect(await search({ value: "combo.example|198.51.100.9" })).toEqual(["combo.example|198.51.100.9"]);
      expect(await search({ value1: "203.0.113.10" })).toEqual(["203.0.113.10"]);
    });

    it("filters on type and category, with lists and negation", async () => {
      expect(await search({ type: "domain" })).toEqual(["evil.example"]);
      expect(await search({ type: ["ip-src", "ip-dst"] })).toEqual(["192.0.2.44", "203.0.113.10"]);
      expect(await search({ type: { OR: ["md5"], NOT: ["url"] } })).toEqual(["d41d8cd98f00b204e9800998ecf8427e"]);
      expect(await search({ type: "!domain", eventid: phishing.id })).toEqual(["203.0.113.10", "combo.example|198.51.100.9", "https://evil.example/login"]);
      expect(await search({ category: "Payload delivery" })).toEqual(["d41d8cd98f00b204e9800998ecf8427e", "https://evil.example/login"]);
      expect(await search({ category: "!Network activity" })).toEqual(["d41d8cd98f00b204e9800998ecf8427e", "https://evil.example/login"]);
    });

    it("filters on attribute and event tags, with !, % and AND/OR/NOT", async () => {
      const phishingValues = LIVE.filter((v) => !["192.0.2.44", "d41d8cd98f00b204e9800998ecf8427e"].includes(v));
      expect(await search({ tags: "tlp:green" })).toEqual(phishingValues);
      expect(await search({ tags: 'false-positive:risk="low"' })).toEqual(["evil.example"]);
      expect(await search({ tags: "false-positive:%" })).toEqual(["192.0.2.44", "evil.example"]);
      expect(await search({ tags: "FALSE-POSITIVE:%" })).toEqual(["192.0.2.44", "evil.example"]);
      expect(await search({ tags: "!tlp:green" })).toEqual(["192.0.2.44", "d41d8cd98f00b204e9800998ecf8427e"]);
      expect(await search({ tags: ["tlp:amber", "tlp:white"] })).toEqual(["192.0.2.44", "203.0.113.10", "d41d8cd98f00b204e9800998ecf8427e"]);
      expect(await search({ tags: { AND: ["tlp:green", "false-positive:%"] } })).toEqual(["evil.example"]);
      expect(await search({ tags: { OR: ["tlp:green"], NOT: ["tlp:amber"] } })).toEqual(phishingValues.filter((v) => v !== "203.0.113.10"));
      expect(await search({ tags: { NOT: ["tlp:%"] } })).toEqual([]);
      expect(await search({ tags: "no-such-tag" })).toEqual([]);
    });

    it("filters on event ids and on attribute or event uuids", async () => {
      expect(await search({ eventid: scanner.id })).toEqual(["192.0.2.44", "d41d8cd98f00b204e9800998ecf8427e"]);
      expect(await search({ eventid: [phishing.id, scanner.id] })).toEqual(LIVE);
      expect(await search({ eventid: Number(scanner.id) })).toEqual(["192.0.2.44", "d41d8cd98f00b204e9800998ecf8427e"]);
      expect(await search({ uuid: uuids["evil.example"] })).toEqual(["evil.example"]);
      expect(await search({ uuid: uuids["evil.example"]!.toUpperCase() })).toEqual(["evil.example"]);
      expect(await search({ uuid: scanner.uuid })).toEqual(["192.0.2.44", "d41d8cd98f00b204e9800998ecf8427e"]);
    });

    it("filters on to_ids and published as MISP clients send them", async () => {
      const ids = ["192.0.2.44", "203.0.113.10", "d41d8cd98f00b204e9800998ecf8427e", "evil.example"];
      for (const value of [1, "1", true]) expect(await search({ to_ids: value })).toEqual(ids);
      for (const value of [0, "0", false]) expect(await search({ to_ids: value })).toEqual(LIVE.filter((v) => !ids.includes(v)));
      expect(await search({ published: 1 })).toEqual(LIVE.filter((v) => !["192.0.2.44", "d41d8cd98f00b204e9800998ecf8427e"].includes(v)));
      expect(await search({ published: "0" })).toEqual(["192.0.2.44", "d41d8cd98f00b204e9800998ecf8427e"]);
    });

    it("shows soft-deleted attributes with deleted, and only them with deleted: only", async () => {
      expect(await search({ deleted: 1 })).toEqual([...LIVE, "benign.example"].sort());
      expect(await search({ deleted: [0, 1] })).toEqual([...LIVE, "benign.example"].sort());
      expect(await search({ deleted: "only" })).toEqual(["benign.example"]);
      expect(await search({ deleted: 0 })).toEqual(LIVE);
    });

    it("filters on timestamps, event dates and publication time", async () => {
      expect(await search({ timestamp: "5d" })).toEqual(["combo.example|198.51.100.9", "https://evil.example/login"]);
      expect(await search({ timestamp: NOW - 15 * DAY })).toEqual(["203.0.113.10", "combo.example|198.51.100.9", "evil.example", "https://evil.example/login"]);
      expect(await search({ timestamp: [NOW - 15 * DAY, NOW - 5 * DAY] })).toEqual(["203.0.113.10", "evil.example"]);
      expect(await search({ from: "2025-11-01" })).toEqual(["203.0.113.10", "combo.example|198.51.100.9", "evil.example", "https://evil.example/login"]);
      expect(await search({ to: "2025-07-01" })).toEqual(["192.0.2.44", "d41d8cd98f00b204e9800998ecf8427e"]);
      expect(await search({ from: "2025-05-01", to: "2025-07-01" })).toEqual(["192.0.2.44", "d41d8cd98f00b204e9800998ecf8427e"]);
      // last: events published within the window.
      expect(await search({ last: "7d" })).toEqual(["203.0.113.10", "combo.example|198.51.100.9", "evil.example", "https://evil.example/login"]);
      expect(await search({ last: "4d" })).toEqual([]);
    });

    it("includes sightings and event tags when asked", async () => {
      await api.call("POST", `/sightings/add/${ids["192.0.2.44"]}`, { type: 1, timestamp: NOW - DAY });
      const plain = await api.call("POST", "/attributes/restSearch", { value: "192.0.2.44" });
      expect(plain.json.response.Attribute[0]).not.toHaveProperty("Sighting");
      expect(plain.json.response.Attribute[0].Tag.map((t: any) => t.name)).toEqual(['false-positive:risk="high"']);
      const full = await api.call("POST", "/attributes/restSearch", { value: "192.0.2.44", includeSightings: 1, includeEventTags: "1" });
      const attribute = full.json.response.Attribute[0];
      expect(attribute.Sighting).toEqual([expect.objectContaining({ type: "1", date_sighting: String(NOW - DAY), attribute_uuid: uuids["192.0.2.44"] })]);
      expect(attribute.Tag).toEqual([
        expect.objectContaining({ name: 'false-positive:risk="high"', local: 0 }),
        expect.objectContaining({ name: "tlp:white", inherited: 1 }),
      ]);
      const empty = await api.call("POST", "/attributes/restSearch", { value: "evil.example", includeSightings: true });
      expect(empty.json.response.Attribute[0].Sighting).toEqual([]);
    });

    it("pages with page and limit, and counts every match in X-Result-Count", async () => {
      const pages: string[][] = [];
      for (let page = 1; page <= 4; page++) {
        const answer = await api.call("POST", "/attributes/restSearch", { page, limit: 2 });
        expect(answer.headers.get("x-result-count")).toBe(String(LIVE.length));
        pages.push(answer.json.response.Attribute.map((a: any) => a.id));
      }
      expect(pages.map((p) => p.length)).toEqual([2, 2, 2, 0]);
      const all = pages.flat();
      expect(new Set(all).size).toBe(LIVE.length);
      expect(all).toEqual([...all].sort((a, b) => Number(a) - Number(b)));
      expect((await api.call("POST", "/attributes/restSearch", { limit: "3" })).json.response.Attribute).toHaveLength(3);
      expect((await api.call("POST", "/attributes/restSearch", { page: 2 })).status).toBe(400);
      expect((await api.call("POST", "/attributes/restSearch", { limit: 0 })).status).toBe(400);
    });

    it("answers csv with MISP's columns, and text with one value a line", async () => {
      const csv = await api.call("POST", "/attributes/restSearch", { returnFormat: "csv", eventid: phishing.id });
      expect(csv.status).toBe(200);
      expect(csv.headers.get("content-type")).toContain("text/csv");
      const lines = csv.text.trimEnd().split("\n");
      expect(lines[0]).toBe("uuid,event_id,category,type,value,comment,to_ids,date,object_relation,attribute_tag,object_uuid,object_name,object_meta_category");
      expect(lines).toHaveLength(5);
      expect(lines).toContain(`${uuids["evil.example"]},${phishing.id},Network activity,domain,evil.example,,1,${new Date((NOW - 10 * DAY) * 1000).toISOString().slice(0, 10).replaceAll("-", "")},,"false-positive:risk=""low""",,,`);
      const headerless = await api.call("POST", "/attributes/restSearch", { returnFormat: "csv", eventid: phishing.id, headerless: 1, requested_attributes: ["value", "type"] });
      expect(headerless.text.trimEnd().split("\n").sort()).toEqual(["203.0.113.10,ip-dst", "combo.example|198.51.100.9,domain|ip", "evil.example,domain", "https://evil.example/login,url"]);
      // text: the values of IDS attributes of published events, as MISP's text export.
      const text = await api.call("POST", "/attributes/restSearch", { returnFormat: "text" });
      expect(text.headers.get("content-type")).toContain("text/plain");
      expect(text.text.trimEnd().split("\n").sort()).toEqual(["203.0.113.10", "evil.example"]);
    });

    it("takes parameters from a GET query string too", async () => {
      const answer = await api.call("GET", "/attributes/restSearch?type=md5&returnFormat=json");
      expect(answer.json.response.Attribute.map((a: any) => a.value)).toEqual(["d41d8cd98f00b204e9800998ecf8427e"]);
    });

    it("refuses unknown parameters with a hint, and names known ones it does not implement", async () => {
      const unknown = await api.call("POST", "/attributes/restSearch", { tag: "tlp:green" });
      expect(unknown.status).toBe(400);
      expect(unknown.json.message).toBe("tag is not a restSearch parameter; did you mean tags?");
      const ignored = await api.call("POST", "/attributes/restSearch", { type: "md5", includeContext: 1, enforceWarninglist: 1, includeWarninglistHits: 0, sharinggroup: 3 });
      expect(ignored.status).toBe(200);
      expect(ignored.headers.get("x-halflife-ignored-parameters")?.split(",").sort()).toEqual(["enforceWarninglist", "includeContext", "sharinggroup"]);
      expect(ignored.json.response.Attribute.map((a: any) => a.value)).toEqual(["d41d8cd98f00b204e9800998ecf8427e"]);
    });
  });
}
