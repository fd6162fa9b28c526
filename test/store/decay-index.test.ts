// The decay index, after random sequences of writes, must equal a from-scratch computation by the
// core, and agree with scoreAttribute on "decayed?" at any time — on SQLite and on PostgreSQL.
import { randomUUID } from "node:crypto";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { computeBaseScore } from "../../src/core/base-score.js";
import { formulas } from "../../src/core/formulas/registry.js";
import { computeReferenceTime } from "../../src/core/reference-time.js";
import { freshWindow, scoreAttribute } from "../../src/core/score.js";
import { validateParameters } from "../../src/core/models.js";
import { FOREVER } from "../../src/store/decay-index.js";
import type { Store, Viewer } from "../../src/store/store.js";
import type { DecayingModelRecord } from "../../src/core/domain.js";
import { openTestStore, postgresAvailable } from "../support/databases.js";

const T0 = 1_760_000_000;
const DAY = 86_400;
const TYPES = ["domain", "ip-dst", "url", "md5"] as const;
const TAGS = [
  ['phishing:state="active"', 100],
  ['phishing:state="down"', 0],
  ['false-positive:risk="low"', 75],
  ["retention:7d", 7],
  ["priority-level:high", 85],
  ["tlp:green", null],
] as const;

type Op =
  | { kind: "event"; tags: number[] }
  | { kind: "attribute"; event: number; type: number; tags: number[]; lastSeenDays: number | null; ageDays: number }
  | { kind: "edit"; attribute: number; ageDays: number; lastSeenDays: number | null; toIds: boolean }
  | { kind: "retype"; attribute: number; type: number }
  | { kind: "delete"; attribute: number }
  | { kind: "softDelete"; attribute: number; deleted: boolean }
  | { kind: "sweep"; attributes: number[]; ageDays: number }
  | { kind: "sighting"; attribute: number; type: 0 | 1 | 2; ageDays: number }
  | { kind: "tagAttribute"; attribute: number; tag: number; remove: boolean }
  | { kind: "tagEvent"; event: number; tag: number; remove: boolean }
  | { kind: "tagValue"; tag: number; value: number | null }
  | { kind: "toggleModel"; model: number }
  | { kind: "remap"; model: number; types: number[] }
  | { kind: "threshold"; model: number; threshold: number };

const index = fc.nat({ max: 30 });
const op: fc.Arbitrary<Op> = fc.oneof(
  fc.record({ kind: fc.constant("event" as const), tags: fc.array(fc.nat({ max: TAGS.length - 1 }), { maxLength: 2 }) }),
  fc.record({
    kind: fc.constant("attribute" as const),
    event: index,
    type: fc.nat({ max: TYPES.length - 1 }),
    tags: fc.array(fc.nat({ max: TAGS.length - 1 }), { maxLength: 3 }),
    lastSeenDays: fc.option(fc.integer({ min: -5, max: 100 }), { nil: null }),
    ageDays: fc.integer({ min: 0, max: 200 }),
  }),
  fc.record({ kind: fc.constant("edit" as const), attribute: index, ageDays: fc.integer({ min: 0, max: 200 }), lastSeenDays: fc.option(fc.integer({ min: -5, max: 100 }), { nil: null }), toIds: fc.boolean() }),
  fc.record({ kind: fc.constant("retype" as const), attribute: index, type: fc.nat({ max: TYPES.length - 1 }) }),
  fc.record({ kind: fc.constant("delete" as const), attribute: index }),
  fc.record({ kind: fc.constant("softDelete" as const), attribute: index, deleted: fc.boolean() }),
  fc.record({ kind: fc.constant("sweep" as const), attributes: fc.array(index, { maxLength: 4 }), ageDays: fc.integer({ min: 0, max: 60 }) }),
  fc.record({ kind: fc.constant("sighting" as const), attribute: index, type: fc.constantFrom(0 as const, 1 as const, 2 as const), ageDays: fc.integer({ min: -2, max: 150 }) }),
  fc.record({ kind: fc.constant("tagAttribute" as const), attribute: index, tag: fc.nat({ max: TAGS.length - 1 }), remove: fc.boolean() }),
  fc.record({ kind: fc.constant("tagEvent" as const), event: index, tag: fc.nat({ max: TAGS.length - 1 }), remove: fc.boolean() }),
  fc.record({ kind: fc.constant("tagValue" as const), tag: fc.nat({ max: TAGS.length - 1 }), value: fc.option(fc.integer({ min: 0, max: 120 }), { nil: null }) }),
  fc.record({ kind: fc.constant("toggleModel" as const), model: fc.nat({ max: 3 }) }),
  fc.record({ kind: fc.constant("remap" as const), model: fc.nat({ max: 3 }), types: fc.array(fc.nat({ max: TYPES.length - 1 }), { minLength: 1, maxLength: 3 }) }),
  fc.record({ kind: fc.constant("threshold" as const), model: fc.nat({ max: 3 }), threshold: fc.integer({ min: 0, max: 90 }) }),
);

const everything: Viewer = { orgId: 1, siteAdmin: true, sightingsPolicy: 2, hostOrgId: 1 };

async function seed(store: Store) {
  const org = await store.orgs.create({ uuid: randomUUID(), name: "Org", description: "", local: true, created: 1 });
  const tags = [];
  for (const [name, value] of TAGS) {
    tags.push(await store.tags.create({ name, colour: "", exportable: true, hide_tag: false, numerical_value: value, is_galaxy: false, is_custom_galaxy: false, local_only: false, org_id: 0, user_id: 0 }));
  }
  const weights = { "phishing:state": 1, "false-positive:risk": 1, "priority-level": 0.5, retention: 0.2 };
  const definitions = [
    { name: "poly", formula: "Polynomial", parameters: { lifetime: 30, decay_speed: 2, threshold: 30, default_base_score: 70, base_score_config: weights }, types: ["domain", "ip-dst"], isDefault: false },
    { name: "ext", formula: "PolynomialExtended", parameters: { lifetime: 60, decay_speed: 0.7, threshold: 20, default_base_score: 60, base_score_config: weights }, types: ["domain"], isDefault: false },
    { name: "sight", formula: "Sightings", parameters: { threshold: 50, default_base_score: 90, base_score_config: {}, settings: { minimum_sightings: 2 } }, types: ["ip-dst", "url"], isDefault: false },
    { name: "default", formula: "Polynomial", parameters: { lifetime: 10, decay_speed: 1, threshold: 40, default_base_score: 80, base_score_config: weights }, types: ["url"], isDefault: true },
  ];
  const models: DecayingModelRecord[] = [];
  await store.transaction(async (tx) => {
    for (const d of definitions) {
      const model = await tx.models.create({
        uuid: d.isDefault ? randomUUID() : null,
        name: d.name,
        description: "",
        formula: d.formula,
        parameters: validateParameters(d.formula, d.parameters, formulas),
        attribute_types: d.isDefault ? d.types : [],
        org_id: org.id,
        enabled: true,
        all_orgs: true,
        ref: null,
        version: "1",
        default: d.isDefault,
      });
      if (!d.isDefault) await tx.models.setMappings(model.id, d.types);
      models.push(model);
    }
  });
  return { org, tags, models };
}

async function apply(store: Store, ops: readonly Op[], seeded: Awaited<ReturnType<typeof seed>>, afterEach: () => Promise<void>) {
  const events: number[] = [];
  const attributes: Array<{ id: number; event: number }> = [];
  const pick = <T>(list: T[], i: number) => (list.length ? list[i % list.length] : undefined);
  for (const o of ops) {
    await afterEach();
    await store.transaction(async (tx) => {
      switch (o.kind) {
        case "event": {
          const e = await tx.events.insert({ uuid: randomUUID(), org_id: seeded.org.id, orgc_id: seeded.org.id, user_id: 1, info: "e", date: "2025-01-01", threat_level_id: 4, analysis: 0, distribution: 1, sharing_group_id: 0, published: false, publish_timestamp: 0, timestamp: T0, locked: false, disable_correlation: false, extends_uuid: "" });
          for (const t of o.tags) await tx.tags.attachToEvent(e.id, seeded.tags[t]!.id, false);
          events.push(e.id);
          break;
        }
        case "attribute": {
          const event = pick(events, o.event);
          if (event === undefined) return;
          const type = TYPES[o.type]!;
          const value = type === "md5" ? "d41d8cd98f00b204e9800998ecf8427e" : type === "ip-dst" ? "192.0.2.1" : type === "url" ? "https://x.example/" : "x.example";
          const [id] = await tx.attributes.insertMany([
            { uuid: randomUUID(), event_id: event, object_id: 0, object_relation: null, category: "Network activity", type, value, to_ids: true, comment: "", distribution: 5, sharing_group_id: 0, timestamp: T0 - o.ageDays * DAY, first_seen: null, last_seen: o.lastSeenDays === null ? null : (T0 - o.lastSeenDays * DAY) * 1_000_000, deleted: false, disable_correlation: false },
          ]);
          for (const t of new Set(o.tags)) await tx.tags.attachToAttribute(id!, event, seeded.tags[t]!.id, false);
          attributes.push({ id: id!, event });
          break;
        }
        case "edit": {
          const a = pick(attributes, o.attribute);
          if (a) await tx.attributes.update(a.id, { timestamp: T0 - o.ageDays * DAY, last_seen: o.lastSeenDays === null ? null : (T0 - o.lastSeenDays * DAY) * 1_000_000, to_ids: o.toIds });
          break;
        }
        case "retype": {
          const a = pick(attributes, o.attribute);
          if (a) await tx.attributes.update(a.id, { type: TYPES[o.type]!, value: "d41d8cd98f00b204e9800998ecf8427e" });
          break;
        }
        case "delete": {
          const a = pick(attributes, o.attribute);
          if (a) {
            await tx.attributes.delete(a.id);
            attributes.splice(attributes.indexOf(a), 1);
          }
          break;
        }
        case "softDelete": {
          const a = pick(attributes, o.attribute);
          if (a) await tx.attributes.update(a.id, { deleted: o.deleted });
          break;
        }
        case "sweep": {
          // The false-positive sweep's bulk write: to_ids off, timestamp stamped.
          const ids = o.attributes.map((i) => pick(attributes, i)?.id).filter((id): id is number => id !== undefined);
          if (ids.length) await tx.attributes.setToIds(ids, false, T0 - o.ageDays * DAY);
          break;
        }
        case "sighting": {
          const a = pick(attributes, o.attribute);
          if (a) await tx.sightings.insertMany([{ uuid: randomUUID(), attribute_id: a.id, event_id: a.event, org_id: seeded.org.id, date_sighting: T0 - o.ageDays * DAY, source: "", type: o.type }]);
          break;
        }
        case "tagAttribute": {
          const a = pick(attributes, o.attribute);
          if (!a) return;
          if (o.remove) await tx.tags.detachFromAttribute(a.id, seeded.tags[o.tag]!.id);
          else await tx.tags.attachToAttribute(a.id, a.event, seeded.tags[o.tag]!.id, false);
          break;
        }
        case "tagEvent": {
          const e = pick(events, o.event);
          if (e === undefined) return;
          if (o.remove) await tx.tags.detachFromEvent(e, seeded.tags[o.tag]!.id);
          else await tx.tags.attachToEvent(e, seeded.tags[o.tag]!.id, false);
          break;
        }
        case "tagValue":
          await tx.tags.update(seeded.tags[o.tag]!.id, { numerical_value: o.value });
          break;
        case "toggleModel": {
          const model = (await tx.models.byId(seeded.models[o.model]!.id))!;
          await tx.models.update(model.id, { enabled: !model.enabled });
          break;
        }
        case "remap": {
          const model = seeded.models[o.model]!;
          await tx.models.setMappings(model.id, o.types.map((t) => TYPES[t]!));
          break;
        }
        case "threshold": {
          const model = (await tx.models.byId(seeded.models[o.model]!.id))!;
          await tx.models.update(model.id, { parameters: { ...model.parameters, threshold: o.threshold } });
          break;
        }
      }
    });
  }
  await afterEach();
}

/** What the index should hold, computed from scratch with the core over the current data. */
async function expected(store: Store) {
  const models = (await store.models.list()).filter((m) => m.enabled);
  const mappings = await store.models.mappings(models.map((m) => m.id));
  const events = await store.events.list({}, everything, { limit: 1000, offset: 0 });
  const attributes = await store.attributes.byEvents(events.map((e) => e.id), { includeDeleted: true });
  const [attributeTags, eventTags, sightings] = await Promise.all([
    store.attributes.tags(attributes.map((a) => a.id)),
    store.events.tags(events.map((e) => e.id)),
    store.sightings.forAttributes(attributes.map((a) => a.id), everything),
  ]);
  const links = (list: Array<{ tag: { name: string; numerical_value: number | null } }> = []) => list.map((l) => ({ Tag: { name: l.tag.name, numerical_value: l.tag.numerical_value } }));
  const rows = new Map<string, { base_score: number; ref_time: number; fresh_from: number; fresh_until: number; input: any; model: any }>();
  for (const a of attributes) {
    const input = {
      timestamp: a.timestamp,
      last_seen: a.last_seen === null ? null : Math.floor(a.last_seen / 1_000_000),
      EventTag: links(eventTags.get(a.event_id)),
      AttributeTag: links(attributeTags.get(a.id)),
      Sighting: (sightings.get(a.id) ?? []).map((s) => ({ type: s.type, date_sighting: s.date_sighting })),
    };
    for (const m of models) {
      const types = new Set([...(m.default ? m.attribute_types : []), ...(mappings.get(m.id) ?? []).map((r) => r.attribute_type)]);
      if (!types.has(a.type)) continue;
      const model = { formula: m.formula, parameters: m.parameters };
      const formula = formulas.get(m.formula);
      const { baseScore } = computeBaseScore(model, input);
      const ref = computeReferenceTime(input);
      const window = freshWindow(formula, model, input, baseScore, ref)!;
      const clamp = (t: number) => (t === Infinity ? FOREVER : t === -Infinity ? -FOREVER : t);
      rows.set(`${a.id}/${m.id}`, { base_score: baseScore, ref_time: ref, fresh_from: clamp(window.from), fresh_until: clamp(window.until), input, model });
    }
  }
  return {
    rows,
    attributeIds: attributes.map((a) => a.id),
    modelIds: models.map((m) => m.id),
    live: new Set(attributes.filter((a) => !a.deleted).map((a) => a.id)),
    toIds: new Map(attributes.map((a) => [a.id, a.to_ids])),
  };
}

const dialects = [
  { name: "sqlite", available: true, runs: 20 },
  { name: "postgres", available: postgresAvailable(), runs: 6 },
] as const;

for (const dialect of dialects) {
  describe.skipIf(!dialect.available)(`the decay index on ${dialect.name}`, () => {
    it("equals a from-scratch computation by the core after random sequences of writes", async () => {
      await fc.assert(
        fc.asyncProperty(fc.array(op, { minLength: 3, maxLength: 30 }), fc.array(fc.integer({ min: -30 * DAY, max: 200 * DAY }), { minLength: 3, maxLength: 3 }), async (ops, offsets) => {
          const { store, close } = await openTestStore(dialect.name, "halflife-index");
          try {
            const seeded = await seed(store);
            // The index is compared with the truth after every single write, so that a later
            // rebuild (a model change) cannot hide a write that forgot to update it.
            const check = async () => {
              const truth = await expected(store);
              const actual = await store.decayIndex.rows(truth.attributeIds, (await store.models.list()).map((m) => m.id));
              const byKey = new Map(actual.map((r) => [`${r.attribute_id}/${r.model_id}`, r]));
              expect([...byKey.keys()].sort()).toEqual([...truth.rows.keys()].sort());
              // The summary: for each live attribute with rows, the union of its non-empty windows,
              // and its to_ids flag.
              const summary = await store.decayIndex.summary(truth.attributeIds);
              for (const id of truth.attributeIds) {
                const windows = [...truth.rows.entries()].filter(([key]) => key.startsWith(`${id}/`)).map(([, row]) => row);
                const live = truth.live.has(id);
                if (!live || windows.length === 0) {
                  expect(summary.has(id), `summary of ${id}`).toBe(false);
                  continue;
                }
                const open = windows.filter((w) => w.fresh_until > w.fresh_from);
                const window = open.length
                  ? { fresh_from: Math.min(...open.map((w) => w.fresh_from)), fresh_until: Math.max(...open.map((w) => w.fresh_until)) }
                  : { fresh_from: 0, fresh_until: 0 };
                // The summary also carries the attribute's to_ids flag, for counting IDS exports.
                const want = { ...window, to_ids: truth.toIds.get(id) };
                expect(summary.get(id), `summary of ${id}`).toEqual(want);
              }
              for (const [key, want] of truth.rows) {
                const got = byKey.get(key)!;
                expect(got.base_score).toBeCloseTo(want.base_score, 9);
                expect({ ref: got.ref_time, from: got.fresh_from, until: got.fresh_until }).toEqual({ ref: want.ref_time, from: want.fresh_from, until: want.fresh_until });
                for (const offset of offsets) {
                  const now = want.ref_time + offset;
                  const indexSaysFresh = got.fresh_from <= now && now < got.fresh_until;
                  const core = scoreAttribute(want.model, want.input, { now, formulas });
                  expect(indexSaysFresh, `${key} at ref${offset >= 0 ? "+" : ""}${offset}s`).toBe(!core.decayed);
                }
              }
            };
            // Events first, so that attribute operations have somewhere to go.
            await apply(store, [{ kind: "event", tags: [0] }, { kind: "event", tags: [] }, ...ops], seeded, check);
          } finally {
            await close();
          }
        }),
        { numRuns: dialect.runs },
      );
    }, 240_000);
  });
}
