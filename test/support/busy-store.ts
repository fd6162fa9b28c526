// A store with enough rows that long work takes seconds: many to_ids attributes, a tenth of them
// reported mostly as false positives, so that a sweep has thousands to pull. Written through the
// store's own bulk inserts, so it works on SQLite and PostgreSQL alike, a batch of events per
// transaction.
import { performance } from "node:perf_hooks";
import type { Store } from "../../src/store/store.js";

export interface BusyStoreOptions {
  attributes: number;
  /** Attributes per event. */
  perEvent?: number;
  sightingsPerAttribute?: number;
  orgId: number;
  userId: number;
  /** Unix seconds; sightings are dated in the 20 days before it. */
  now: number;
  type?: string;
}

export interface BusyStore {
  eventIds: number[];
  /** The attributes most of whose sightings are false positives: what a sweep pulls. */
  noisy: number[];
  firstAttributeId: number;
  lastAttributeId: number;
}

/** A small deterministic generator, so that each run builds the same store. */
function random(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}

export async function fillBusyStore(store: Store, options: BusyStoreOptions): Promise<BusyStore> {
  const perEvent = options.perEvent ?? 200;
  const perAttribute = options.sightingsPerAttribute ?? 5;
  const rnd = random(7);
  const out: BusyStore = { eventIds: [], noisy: [], firstAttributeId: 0, lastAttributeId: 0 };
  const events = Math.ceil(options.attributes / perEvent);
  const eventsPerTransaction = Math.max(1, Math.floor(5_000 / perEvent));
  let made = 0;
  let sightingSerial = 0;
  const prefix = Math.floor(performance.now() * 1000).toString(16).padStart(8, "0").slice(-8);
  for (let first = 0; first < events; first += eventsPerTransaction) {
    await store.transaction(async (tx) => {
      for (let e = first; e < Math.min(events, first + eventsPerTransaction); e++) {
        const event = await tx.events.insert({
          uuid: crypto.randomUUID(),
          org_id: options.orgId,
          orgc_id: options.orgId,
          user_id: options.userId,
          info: `busy event ${e}`,
          date: "2025-12-01",
          threat_level_id: 2,
          analysis: 2,
          distribution: 1,
          sharing_group_id: 0,
          published: true,
          publish_timestamp: options.now - 86_400,
          timestamp: options.now - 86_400,
          locked: false,
          disable_correlation: false,
          extends_uuid: "",
        });
        out.eventIds.push(event.id);
        const count = Math.min(perEvent, options.attributes - made);
        const ids = await tx.attributes.insertMany(
          Array.from({ length: count }, (_, i) => ({
            uuid: crypto.randomUUID(),
            event_id: event.id,
            object_id: 0,
            object_relation: null,
            category: "Network activity",
            type: options.type ?? "domain",
            value: `host${made + i}.busy.example`,
            to_ids: true,
            comment: "",
            distribution: 5,
            sharing_group_id: 0,
            timestamp: options.now - 30 * 86_400,
            first_seen: null,
            last_seen: null,
            deleted: false,
            disable_correlation: false,
          })),
        );
        made += count;
        const sightings = [];
        for (const id of ids) {
          const noisy = rnd() < 0.1;
          if (noisy) out.noisy.push(id);
          for (let s = 0; s < perAttribute; s++) {
            sightings.push({
              uuid: `${prefix}-0000-4000-8000-${(++sightingSerial).toString(16).padStart(12, "0")}`,
              attribute_id: id,
              event_id: event.id,
              org_id: options.orgId,
              date_sighting: options.now - 1 - Math.floor(rnd() * 20 * 86_400),
              source: "",
              type: (rnd() < (noisy ? 0.8 : 0.03) ? 1 : 0) as 0 | 1,
            });
          }
        }
        await tx.sightings.insertMany(sightings);
        if (out.firstAttributeId === 0) out.firstAttributeId = ids[0]!;
        out.lastAttributeId = ids.at(-1)!;
      }
    });
  }
  return out;
}
