// Bulk inserts of attributes and objects give back the new ids in the order given, inside a
// transaction (SQLite's cached single-row statement) and outside one (multi-row INSERTs), on both
// stores; a failing transaction leaves none of the rows behind.
import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Store, StoreSession } from "../../src/store/store.js";
import type { AttributeRecord, ObjectRecord } from "../../src/core/domain.js";
import { openTestStore, postgresAvailable } from "../support/databases.js";

const dialects = [
  { name: "sqlite", available: true },
  { name: "postgres", available: postgresAvailable() },
] as const;

function attribute(eventId: number, overrides: Partial<AttributeRecord> = {}): Omit<AttributeRecord, "id"> {
  return {
    uuid: randomUUID(),
    event_id: eventId,
    object_id: 0,
    object_relation: null,
    category: "Network activity",
    type: "domain|ip",
    value: `d${randomUUID().slice(0, 8)}.example|192.0.2.1`,
    to_ids: true,
    comment: "",
    distribution: 5,
    sharing_group_id: 0,
    timestamp: 100,
    first_seen: null,
    last_seen: 1_700_000_000_000_000,
    deleted: false,
    disable_correlation: false,
    ...overrides,
  };
}

function object(eventId: number, overrides: Partial<ObjectRecord> = {}): Omit<ObjectRecord, "id"> {
  return {
    uuid: randomUUID(),
    event_id: eventId,
    name: "file",
    meta_category: "file",
    description: "",
    template_uuid: "",
    template_version: "",
    comment: "",
    distribution: 5,
    sharing_group_id: 0,
    timestamp: 100,
    first_seen: null,
    last_seen: null,
    deleted: false,
    ...overrides,
  };
}

for (const dialect of dialects) {
  describe.skipIf(!dialect.available)(`bulk inserts on ${dialect.name}`, () => {
    let store: Store;
    let closeStore: (() => Promise<void>) | undefined;
    let eventId: number;

    beforeAll(async () => {
      ({ store, close: closeStore } = await openTestStore(dialect.name, "halflife-bulk"));
      const org = await store.orgs.create({ uuid: randomUUID(), name: "Org", description: "", local: true, created: 1 });
      eventId = (
        await store.events.insert({
          uuid: randomUUID(), org_id: org.id, orgc_id: org.id, user_id: 1, info: "bulk", date: "2026-01-01", threat_level_id: 4, analysis: 0,
          distribution: 1, sharing_group_id: 0, published: false, publish_timestamp: 0, timestamp: 100, locked: false, disable_correlation: false, extends_uuid: "",
        })
      ).id;
    });
    afterAll(() => closeStore?.());

    async function check(session: StoreSession) {
      const objects = Array.from({ length: 30 }, (_, i) => object(eventId, { comment: `o${i}`, deleted: i % 2 === 0 }));
      const objectIds = await session.objects.insertMany(objects);
      const attributes = Array.from({ length: 2_500 }, (_, i) => attribute(eventId, { object_id: i < 30 ? objectIds[i]! : 0, comment: `a${i}`, to_ids: i % 3 === 0 }));
      const ids = await session.attributes.insertMany(attributes);
      expect(new Set(ids).size).toBe(attributes.length);
      const stored = await session.attributes.byIds(ids);
      ids.forEach((id, i) => expect({ ...stored.get(id)!, id: 0 }).toEqual({ ...attributes[i]!, id: 0 }));
      const storedObjects = await session.objects.byEvents([eventId], { includeDeleted: true });
      objectIds.forEach((id, i) => expect(storedObjects.find((o) => o.id === id)).toMatchObject({ uuid: objects[i]!.uuid, comment: `o${i}`, deleted: i % 2 === 0 }));
      // Composite values are split for value searches, whichever path wrote them.
      const [first] = await session.attributes.byValues(["192.0.2.1"], { orgId: 0, siteAdmin: true, sightingsPolicy: 0, hostOrgId: 0 });
      expect(first).toBeDefined();
      return ids;
    }

    it("returns ids in order inside a transaction", async () => {
      await store.transaction((tx) => check(tx));
    });

    it("returns ids in order outside a transaction", async () => {
      await check(store);
    });

    it("keeps every character of hostile text, whichever path wrote it", async () => {
      // PostgreSQL's bulk path sends each column as one array literal: quotes, backslashes, braces,
      // commas, the word NULL and empty strings must all come back as they went in.
      const hostile = ['a"b', "back\\slash\\", "{braces}", "x,y", "NULL", "", " padded ", "tab\tnew\nline", "ünïcødé ✓ 𝄞", "'quote'", "\\N", "x".repeat(5_000)];
      const attributes = hostile.map((text, i) =>
        attribute(eventId, { type: "text", category: "Other", value: text === "" ? "empty-value" : text, comment: text, object_relation: i % 2 ? text : null, first_seen: i % 3 ? null : 1_700_000_000_000_001 }),
      );
      const objects = hostile.map((text) => object(eventId, { name: text === "" ? "n" : text, description: text, template_version: text }));
      for (const session of ["transaction", "plain"] as const) {
        const write = async (s: StoreSession) => ({ objectIds: await s.objects.insertMany(objects.map((o) => ({ ...o, uuid: randomUUID() }))), ids: await s.attributes.insertMany(attributes.map((a) => ({ ...a, uuid: randomUUID() }))) });
        const { objectIds, ids } = session === "transaction" ? await store.transaction(write) : await write(store);
        const stored = await store.attributes.byIds(ids);
        ids.forEach((id, i) => expect(stored.get(id)).toMatchObject({ value: attributes[i]!.value, comment: attributes[i]!.comment, object_relation: attributes[i]!.object_relation, first_seen: attributes[i]!.first_seen }));
        const storedObjects = new Map((await store.objects.byEvents([eventId], { includeDeleted: true })).map((o) => [o.id, o]));
        objectIds.forEach((id, i) => expect(storedObjects.get(id)).toMatchObject({ name: objects[i]!.name, description: objects[i]!.description, template_version: objects[i]!.template_version }));
      }
    });

    it("leaves nothing behind when the transaction fails", async () => {
      const before = await store.attributes.count({ deleted: "both" }, { orgId: 0, siteAdmin: true, sightingsPolicy: 0, hostOrgId: 0 });
      await expect(
        store.transaction(async (tx) => {
          await tx.objects.insertMany([object(eventId)]);
          await tx.attributes.insertMany([attribute(eventId), attribute(eventId)]);
          throw new Error("fails after the inserts");
        }),
      ).rejects.toThrow("fails after the inserts");
      expect(await store.attributes.count({ deleted: "both" }, { orgId: 0, siteAdmin: true, sightingsPolicy: 0, hostOrgId: 0 })).toBe(before);
      // A duplicate uuid fails the statement, and the rows before it in the batch go too.
      const taken = attribute(eventId);
      await store.transaction((tx) => tx.attributes.insertMany([taken]));
      await expect(store.transaction((tx) => tx.attributes.insertMany([attribute(eventId), { ...attribute(eventId), uuid: taken.uuid }]))).rejects.toThrow();
      expect(await store.attributes.count({ deleted: "both" }, { orgId: 0, siteAdmin: true, sightingsPolicy: 0, hostOrgId: 0 })).toBe(before + 1);
    });
  });
}
