// Events with sightings for sweep tests, written through the real API (events/add), so that the
// sweep meets data exactly as a MISP client would have left it.
import { randomUUID } from "node:crypto";
import { expect } from "vitest";
import type { TestServer } from "./server.js";

export interface SweepAttributeSpec {
  value: string;
  type?: string;
  to_ids?: boolean;
  /** Dates (Unix seconds) of true-positive sightings. */
  tp?: number[];
  /** Dates of false-positive sightings. */
  fp?: number[];
  /** Dates of expiration sightings. */
  expiration?: number[];
}

export interface CreatedEvent {
  id: number;
  uuid: string;
  /** Attribute ids by value. */
  ids: Record<string, number>;
  uuids: Record<string, string>;
}

/** The MISP JSON of an event whose attributes carry their sightings. */
export function sweepEventJson(info: string, attributes: SweepAttributeSpec[], overrides: Record<string, unknown> = {}) {
  const sighting = (type: number) => (date: number) => ({ uuid: randomUUID(), type, date_sighting: date });
  return {
    uuid: randomUUID(),
    info,
    distribution: "1",
    threat_level_id: "2",
    analysis: "0",
    published: true,
    Attribute: attributes.map((a) => ({
      uuid: randomUUID(),
      type: a.type ?? "domain",
      category: "Network activity",
      value: a.value,
      to_ids: a.to_ids ?? true,
      Sighting: [...(a.tp ?? []).map(sighting(0)), ...(a.fp ?? []).map(sighting(1)), ...(a.expiration ?? []).map(sighting(2))],
    })),
    ...overrides,
  };
}

/** Adds an event through events/add (as the admin, or `key`), published, and returns its ids. */
export async function addSweepEvent(server: TestServer, info: string, attributes: SweepAttributeSpec[], key?: string): Promise<CreatedEvent> {
  const answer = await server.call("POST", "/events/add", sweepEventJson(info, attributes), key === undefined ? {} : { key });
  expect(answer.status, answer.text).toBe(200);
  const event = answer.json.Event;
  // events/add keeps a new event unpublished for anyone without the publish right; publish it.
  await server.call("POST", `/events/publish/${event.id}`, undefined, key === undefined ? {} : { key });
  const ids: Record<string, number> = {};
  const uuids: Record<string, string> = {};
  for (const attribute of event.Attribute) {
    ids[attribute.value] = Number(attribute.id);
    uuids[attribute.value] = attribute.uuid;
  }
  return { id: Number(event.id), uuid: event.uuid, ids, uuids };
}

/** An attribute as the API shows it now. */
export async function attributeNow(server: TestServer, id: number): Promise<{ to_ids: boolean; timestamp: number }> {
  const record = await server.context.store.attributes.byId(id);
  return { to_ids: record!.to_ids, timestamp: record!.timestamp };
}

export async function eventNow(server: TestServer, id: number): Promise<{ published: boolean; publish_timestamp: number; timestamp: number }> {
  const record = await server.context.store.events.byId(id);
  return { published: record!.published, publish_timestamp: record!.publish_timestamp, timestamp: record!.timestamp };
}
