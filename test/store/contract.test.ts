// One contract for the store, run against a real SQLite file and a real PostgreSQL server.
import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Store, Viewer } from "../../src/store/store.js";
import type { AttributeRecord, EventRecord } from "../../src/core/domain.js";
import { openTestStore, postgresAvailable } from "../support/databases.js";

const dialects = [
  { name: "sqlite", available: true },
  { name: "postgres", available: postgresAvailable() },
] as const;

for (const dialect of dialects) {
  describe.skipIf(!dialect.available)(`the ${dialect.name} store`, () => {
    let store: Store;
    let closeStore: (() => Promise<void>) | undefined;
    let orgA: number;
    let orgB: number;

    beforeAll(async () => {
      ({ store, close: closeStore } = await openTestStore(dialect.name, "halflife-contract"));
      orgA = (await store.orgs.create({ uuid: randomUUID(), name: "Org A", description: "", local: true, created: 1 })).id;
      orgB = (await store.orgs.create({ uuid: randomUUID(), name: "Org B", description: "", local: true, created: 1 })).id;
    });
    afterAll(() => closeStore?.());

    const viewer = (orgId: number, siteAdmin = false, sightingsPolicy: Viewer["sightingsPolicy"] = 0): Viewer => ({ orgId, siteAdmin, sightingsPolicy, hostOrgId: orgA });

    async function event(orgId: number, overrides: Partial<EventRecord> = {}): Promise<EventRecord> {
      return store.events.insert({
        uuid: randomUUID(),
        org_id: orgId,
        orgc_id: orgId,
        user_id: 1,
        info: "event",
        date: "2026-01-01",
        threat_level_id: 4,
        analysis: 0,
        distribution: 1,
        sharing_group_id: 0,
        published: false,
        publish_timestamp: 0,
        timestamp: 100,
        locked: false,
        disable_correlation: false,
        extends_uuid: "",
        ...overrides,
      });
    }

    function attribute(eventId: number, overrides: Partial<AttributeRecord> = {}): Omit<AttributeRecord, "id"> {
      return {
        uuid: randomUUID(),
        event_id: eventId,
        object_id: 0,
        object_relation: null,
        category: "Network activity",
        type: "domain",
        value: `d${randomUUID().slice(0, 8)}.example`,
        to_ids: true,
        comment: "",
        distribution: 5,
        sharing_group_id: 0,
        timestamp: 100,
        first_seen: null,
        last_seen: null,
        deleted: false,
        disable_correlation: false,
        ...overrides,
      };
    }

    it("seeds MISP's six default roles with MISP's ids", async () => {
      const roles = await store.users.roles();
      expect(roles.map((r) => [r.id, r.name])).toEqual([
        [1, "admin"],
        [2, "Org Admin"],
        [3, "User"],
        [4, "Publisher"],
        [5, "Sync user"],
        [6, "Read Only"],
      ]);
      expect(roles[0]!.perm_site_admin).toBe(true);
      expect(roles[2]!.perm_publish).toBe(false);
    });

    it("finds a principal by key hash, and not once the key is revoked or expired", async () => {
      const user = await store.users.create({ org_id: orgA, role_id: 3, email: `u${randomUUID()}@x.test`, disabled: false, created: 1, last_login: null });
      const hash = `h-${randomUUID()}`;
      const key = await store.keys.create({ user_id: user.id, key_hash: hash, key_start: "abcd", key_end: "wxyz", comment: "", created: 1, expires_at: 500 });
      expect((await store.keys.listForUser(user.id)).map((k) => k.id)).toEqual([key.id]);
      const found = await store.keys.principalByHash(hash, 100);
      expect(found?.user.id).toBe(user.id);
      expect(found?.org.name).toBe("Org A");
      expect(found?.role.name).toBe("User");
      expect(await store.keys.principalByHash(hash, 600)).toBeNull();
      await store.keys.revoke(key.id, 50);
      expect(await store.keys.principalByHash(hash, 100)).toBeNull();
    });

    it("finds no principal for a disabled user", async () => {
      const user = await store.users.create({ org_id: orgA, role_id: 3, email: `u${randomUUID()}@x.test`, disabled: true, created: 1, last_login: null });
      const hash = `h-${randomUUID()}`;
      await store.keys.create({ user_id: user.id, key_hash: hash, key_start: "abcd", key_end: "wxyz", comment: "", created: 1, expires_at: null });
      expect(await store.keys.principalByHash(hash, 100)).toBeNull();
    });

    it("keeps a web UI session until it expires, its key is revoked or it is deleted", async () => {
      const user = await store.users.create({ org_id: orgA, role_id: 3, email: `u${randomUUID()}@x.test`, disabled: false, created: 1, last_login: null });
      const key = await store.keys.create({ user_id: user.id, key_hash: `h-${randomUUID()}`, key_start: "abcd", key_end: "wxyz", comment: "", created: 1, expires_at: null });
      const hash = `s-${randomUUID()}`;
      const created = await store.uiSessions.create({ token_hash: hash, user_id: user.id, key_id: key.id, created: 100, expires_at: 200 });
      expect(await store.uiSessions.active(hash, 150)).toEqual(created);
      expect(await store.uiSessions.active(hash, 200)).toBeNull();
      expect(await store.uiSessions.active(`s-${randomUUID()}`, 150)).toBeNull();
      await store.keys.revoke(key.id, 120);
      expect(await store.uiSessions.active(hash, 150)).toBeNull();

      const other = await store.keys.create({ user_id: user.id, key_hash: `h-${randomUUID()}`, key_start: "abcd", key_end: "wxyz", comment: "", created: 1, expires_at: null });
      const second = `s-${randomUUID()}`;
      await store.uiSessions.create({ token_hash: second, user_id: user.id, key_id: other.id, created: 100, expires_at: 300 });
      await store.users.update(user.id, { disabled: true });
      expect(await store.uiSessions.active(second, 150)).toBeNull();
      await store.users.update(user.id, { disabled: false });
      expect(await store.uiSessions.active(second, 150)).not.toBeNull();
      await store.uiSessions.delete(second);
      expect(await store.uiSessions.active(second, 150)).toBeNull();
    });

    it("forgets expired web UI sessions", async () => {
      const user = await store.users.create({ org_id: orgA, role_id: 3, email: `u${randomUUID()}@x.test`, disabled: false, created: 1, last_login: null });
      const key = await store.keys.create({ user_id: user.id, key_hash: `h-${randomUUID()}`, key_start: "abcd", key_end: "wxyz", comment: "", created: 1, expires_at: null });
      const live = `s-${randomUUID()}`;
      await store.uiSessions.create({ token_hash: `s-${randomUUID()}`, user_id: user.id, key_id: key.id, created: 1, expires_at: 10 });
      await store.uiSessions.create({ token_hash: live, user_id: user.id, key_id: key.id, created: 1, expires_at: 10_000 });
      expect(await store.uiSessions.deleteExpired(5_000)).toBeGreaterThanOrEqual(1);
      expect(await store.uiSessions.active(live, 5_000)).not.toBeNull();
    });

    it("inserts attributes in bulk, splitting composite values, and finds them by either half", async () => {
      const e = await event(orgA);
      const ids = await store.attributes.insertMany([
        attribute(e.id, { type: "domain|ip", value: "pair.example|192.0.2.1" }),
        attribute(e.id, { type: "url", value: "https://x.example/a|b" }),
      ]);
      expect(ids).toHaveLength(2);
      const search = (values: string[]) => store.attributes.search({ values, eventIds: [e.id] }, viewer(orgA), { limit: 10 });
      expect((await search(["192.0.2.1"])).map((a) => a.id)).toEqual([ids[0]]);
      expect((await search(["pair.example|192.0.2.1"])).map((a) => a.id)).toEqual([ids[0]]);
      expect((await search(["https://x.example/a|b"])).map((a) => a.id)).toEqual([ids[1]]);
      expect((await search(["%X.EXAMPLE%"])).map((a) => a.id)).toEqual([ids[1]]);
    });

    it("filters by type, to_ids, deletion, timestamps and tags on the attribute or its event", async () => {
      const e = await event(orgA, { timestamp: 500 });
      const [keep, other, gone] = await store.attributes.insertMany([
        attribute(e.id, { type: "ip-dst", value: "198.51.100.1", timestamp: 300 }),
        attribute(e.id, { type: "ip-dst", value: "198.51.100.2", to_ids: false, timestamp: 200 }),
        attribute(e.id, { type: "ip-dst", value: "198.51.100.3", deleted: true }),
      ]);
      const tag = await store.tags.create({ name: `t-${randomUUID()}`, colour: "#000000", exportable: true, hide_tag: false, numerical_value: 5, is_galaxy: false, is_custom_galaxy: false, local_only: false, org_id: 0, user_id: 0 });
      await store.tags.attachToAttribute(keep!, e.id, tag.id, false);
      const eventTag = await store.tags.create({ name: `e-${randomUUID()}`, colour: "#000000", exportable: true, hide_tag: false, numerical_value: null, is_galaxy: false, is_custom_galaxy: false, local_only: false, org_id: 0, user_id: 0 });
      await store.tags.attachToEvent(e.id, eventTag.id, false);
      const ids = async (filter: Parameters<Store["attributes"]["search"]>[0]) =>
        (await store.attributes.search({ eventIds: [e.id], ...filter }, viewer(orgA), { limit: 100 })).map((a) => a.id);

      expect(await ids({ types: ["ip-dst"] })).toEqual([keep, other]);
      expect(await ids({ toIds: true })).toEqual([keep]);
      expect(await ids({ deleted: true })).toEqual([gone]);
      expect(await ids({ deleted: "both" })).toEqual([keep, other, gone]);
      expect(await ids({ timestampFrom: 250 })).toEqual([keep]);
      expect(await ids({ tagIdGroups: [[tag.id]] })).toEqual([keep]);
      expect(await ids({ tagIdGroups: [[eventTag.id]] })).toEqual([keep, other]);
      expect(await ids({ notTagIds: [tag.id] })).toEqual([other]);
      expect(await store.attributes.count({ eventIds: [e.id] }, viewer(orgA))).toBe(2);
      expect(await ids({ eventTimestampFrom: 600 })).toEqual([]);
    });

    it("pages in id order after a given id", async () => {
      const e = await event(orgA);
      const ids = await store.attributes.insertMany(Array.from({ length: 7 }, () => attribute(e.id)));
      const first = await store.attributes.search({ eventIds: [e.id] }, viewer(orgA), { limit: 3 });
      const second = await store.attributes.search({ eventIds: [e.id] }, viewer(orgA), { limit: 3, afterId: first.at(-1)!.id });
      expect([...first, ...second].map((a) => a.id)).toEqual(ids.slice(0, 6));
    });

    it("hides an organisation-only event and its attributes from other organisations", async () => {
      const e = await event(orgA, { distribution: 0 });
      await store.attributes.insertMany([attribute(e.id)]);
      expect(await store.attributes.count({ eventIds: [e.id] }, viewer(orgA))).toBe(1);
      expect(await store.attributes.count({ eventIds: [e.id] }, viewer(orgB))).toBe(0);
      expect(await store.attributes.count({ eventIds: [e.id] }, viewer(orgB, true))).toBe(1);
      expect(await store.events.count({ ids: [e.id] }, viewer(orgB))).toBe(0);
    });

    it("hides an organisation-only attribute of a shared event from other organisations", async () => {
      const e = await event(orgA, { distribution: 3 });
      const [open, closed] = await store.attributes.insertMany([attribute(e.id), attribute(e.id, { distribution: 0 })]);
      const seen = (await store.attributes.search({ eventIds: [e.id] }, viewer(orgB), { limit: 10 })).map((a) => a.id);
      expect(seen).toEqual([open]);
      expect(seen).not.toContain(closed);
    });

    it.each([
      [0, ["A on A", "B on A"], ["B on A"]],
      [2, ["A on A", "B on A"], ["A on A", "B on A"]],
      [3, ["A on A", "B on A"], ["A on A", "B on A"]],
    ] as const)("applies sightings policy %i: owner sees %j, the other organisation sees %j", async (policy, forOwner, forOther) => {
      const e = await event(orgA);
      const [id] = await store.attributes.insertMany([attribute(e.id)]);
      await store.sightings.insertMany([
        { uuid: randomUUID(), attribute_id: id!, event_id: e.id, org_id: orgA, date_sighting: 10, source: "A on A", type: 0 },
        { uuid: randomUUID(), attribute_id: id!, event_id: e.id, org_id: orgB, date_sighting: 20, source: "B on A", type: 1 },
      ]);
      const sources = async (v: Viewer) => ((await store.sightings.forAttributes([id!], v)).get(id!) ?? []).map((s) => s.source);
      expect(await sources(viewer(orgA, false, policy))).toEqual(forOwner);
      expect(await sources(viewer(orgB, false, policy))).toEqual(forOther);
    });

    it("applies sightings policy 1: a reporting organisation sees every sighting of the event", async () => {
      const orgC = (await store.orgs.create({ uuid: randomUUID(), name: `Org C ${randomUUID()}`, description: "", local: true, created: 1 })).id;
      const e = await event(orgA);
      const [id] = await store.attributes.insertMany([attribute(e.id)]);
      await store.sightings.insertMany([
        { uuid: randomUUID(), attribute_id: id!, event_id: e.id, org_id: orgA, date_sighting: 10, source: "A", type: 0 },
        { uuid: randomUUID(), attribute_id: id!, event_id: e.id, org_id: orgB, date_sighting: 20, source: "B", type: 0 },
      ]);
      const sources = async (org: number) => ((await store.sightings.forAttributes([id!], viewer(org, false, 1))).get(id!) ?? []).map((s) => s.source);
      expect(await sources(orgB)).toEqual(["A", "B"]);
      expect(await sources(orgC)).toEqual([]);
    });

    it("deletes an event with everything in it", async () => {
      const e = await event(orgA);
      const [id] = await store.attributes.insertMany([attribute(e.id)]);
      await store.sightings.insertMany([{ uuid: randomUUID(), attribute_id: id!, event_id: e.id, org_id: orgA, date_sighting: 1, source: "", type: 0 }]);
      await store.events.delete(e.id);
      expect(await store.events.byId(e.id)).toBeNull();
      expect(await store.attributes.byId(id!)).toBeNull();
      expect(await store.sightings.list({ eventIds: [e.id] }, viewer(orgA, true))).toEqual([]);
    });

    it("writes nothing when a transaction fails halfway", async () => {
      const uuid = randomUUID();
      const shape = await eventShape();
      await expect(
        store.transaction(async (tx) => {
          // Inside a transaction only `tx` may be used: on SQLite the outer store waits for it.
          const e = await tx.events.insert({ ...shape, uuid });
          await tx.attributes.insertMany([attribute(e.id)]);
          throw new Error("boom");
        }),
      ).rejects.toThrow("boom");
      expect(await store.events.byUuid(uuid)).toBeNull();
    });

    async function eventShape(): Promise<Omit<EventRecord, "id">> {
      const e = await event(orgA);
      await store.events.delete(e.id);
      const { id: _id, ...rest } = e;
      return rest;
    }

    it("stores taxonomies with predicates and entries, reads them back, and prices tags from them", async () => {
      const taxonomy = {
        namespace: `ns-${randomUUID().slice(0, 6)}`,
        description: "d",
        version: 2,
        predicates: [
          { value: "p", expanded: "P", entries: [{ value: "a", numerical_value: 10 }, { value: "b" }] },
          { value: "flat", numerical_value: 42 },
        ],
      };
      const { record, created } = await store.taxonomies.upsert(taxonomy);
      expect(created).toBe(true);
      expect(await store.taxonomies.definition(record.id)).toEqual({ ...taxonomy, predicates: [{ ...taxonomy.predicates[0] }, taxonomy.predicates[1]] });
      const values = await store.taxonomies.valuesForTags([`${taxonomy.namespace}:p="a"`, `${taxonomy.namespace}:p="b"`, `${taxonomy.namespace}:flat`, "other:x"]);
      expect(Object.fromEntries(values)).toEqual({ [`${taxonomy.namespace}:p="a"`]: 10, [`${taxonomy.namespace}:flat`]: 42 });

      const tag = await store.tags.create({ name: `${taxonomy.namespace}:flat`, colour: "", exportable: true, hide_tag: false, numerical_value: null, is_galaxy: false, is_custom_galaxy: false, local_only: false, org_id: 0, user_id: 0 });
      expect(await store.taxonomies.syncTagValues(taxonomy.namespace)).toEqual([tag.id]);
      expect((await store.tags.byId(tag.id))!.numerical_value).toBe(42);
      const again = await store.taxonomies.upsert({ ...taxonomy, version: 3 });
      expect(again.created).toBe(false);
      expect(again.record.version).toBe(3);
    });

    it("refuses a duplicate uuid at the database, whatever the caller checked", async () => {
      const e = await event(orgA);
      const a = attribute(e.id);
      await store.attributes.insertMany([a]);
      await expect(store.attributes.insertMany([{ ...a }])).rejects.toThrow();
    });
  });
}
