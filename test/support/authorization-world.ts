// The world of the authorization matrix: three organisations, a user of every role, events of
// every distribution (published or not) owned by two of them, attributes and objects of every
// distribution, soft-deleted ones, and sightings from all three organisations; with MISP's access
// rules written out once more, independently of src/store/visibility.ts, as the oracle each cell
// of the matrix is checked against.
import { randomUUID } from "node:crypto";
import { expect } from "vitest";
import type { Dialect } from "./server.js";
import { NOW, startInProcess, type InProcessApp } from "./in-process.js";

export type OrgName = "A" | "B" | "C";
export type Policy = 0 | 1 | 2 | 3;

export interface WorldViewer {
  name: string;
  org: OrgName;
  role: string;
  /** undefined: the site admin's key (the harness's default). */
  key: string | undefined;
  siteAdmin: boolean;
  sync: boolean;
  orgAdmin: boolean;
  canSight: boolean;
  /** May edit the events of its own organisation (perm_modify_org). */
  canModifyOrg: boolean;
  canDecay: boolean;
}

export interface WorldObject {
  id: string;
  uuid: string;
  distribution: number;
  deleted: boolean;
}

export interface WorldAttribute {
  id: string;
  uuid: string;
  value: string;
  distribution: number;
  deleted: boolean;
  object: WorldObject | null;
  event: WorldEvent;
}

export interface WorldEvent {
  id: string;
  uuid: string;
  org: OrgName;
  distribution: number;
  published: boolean;
  attributes: WorldAttribute[];
  objects: WorldObject[];
}

export interface WorldSighting {
  id: string;
  uuid: string;
  org: OrgName;
  attribute: WorldAttribute;
}

export interface World {
  api: InProcessApp;
  policy: Policy;
  orgIds: Record<OrgName, number>;
  viewers: WorldViewer[];
  events: WorldEvent[];
  attributes: WorldAttribute[];
  sightings: WorldSighting[];
}

/** Roles per organisation: every role in the host organisation, the non-admin ones elsewhere too. */
const ROLES: Array<[OrgName, string]> = [
  ["A", "Org Admin"],
  ["A", "User"],
  ["A", "Publisher"],
  ["A", "Read Only"],
  ["A", "Sync user"],
  ["B", "Org Admin"],
  ["B", "User"],
  ["B", "Read Only"],
  ["B", "Sync user"],
  ["C", "User"],
];

const SHARED = new Set([1, 2, 3]);
const PASSES_ON = new Set([1, 2, 3, 5]);

// ---- The oracle: MISP's rules, stated for one item and one viewer. ----

export function seesEvent(v: WorldViewer, e: WorldEvent): boolean {
  return v.siteAdmin || v.org === e.org || SHARED.has(e.distribution);
}

export function seesObject(v: WorldViewer, e: WorldEvent, o: WorldObject): boolean {
  if (v.siteAdmin || v.org === e.org) return true;
  return SHARED.has(e.distribution) && PASSES_ON.has(o.distribution) && (!o.deleted || v.sync);
}

export function seesAttribute(v: WorldViewer, a: WorldAttribute): boolean {
  const e = a.event;
  if (v.siteAdmin || v.org === e.org) return true;
  if (!SHARED.has(e.distribution) || !PASSES_ON.has(a.distribution)) return false;
  if (a.deleted && !v.sync) return false;
  return a.object === null || seesObject(v, e, a.object);
}

export function seesSighting(world: World, v: WorldViewer, s: WorldSighting): boolean {
  if (!seesAttribute(v, s.attribute)) return false;
  if (v.siteAdmin || world.policy === 2 || s.org === v.org || s.attribute.event.org === v.org) return true;
  if (world.policy === 3 && s.org === "A") return true;
  if (world.policy === 1) return world.sightings.some((other) => other.org === v.org && other.attribute.event === s.attribute.event);
  return false;
}

/** What a listing shows: visible, and not deleted unless deleted items were asked for. */
export function listsAttribute(v: WorldViewer, a: WorldAttribute, withDeleted: boolean): boolean {
  return seesAttribute(v, a) && (withDeleted || !a.deleted);
}

export function listsObject(v: WorldViewer, e: WorldEvent, o: WorldObject, withDeleted: boolean): boolean {
  return seesObject(v, e, o) && (withDeleted || !o.deleted);
}

export function canModify(v: WorldViewer, e: WorldEvent): boolean {
  return v.siteAdmin || (v.org === e.org && v.canModifyOrg);
}

// ---- Building it. ----

function eventBody(tag: string, distribution: number, published: boolean) {
  const domain = (what: string) => `${what}-${tag}.example`;
  const objectAttribute = (what: string, d = 5) => [{ type: "domain", object_relation: "domain", value: domain(what), distribution: d }];
  return {
    info: `matrix ${tag}`,
    distribution,
    published,
    Attribute: [
      ...[0, 1, 2, 3, 4, 5].map((d) => ({ type: "domain", value: domain(`plain${d}`), distribution: d })),
      { type: "domain", value: domain("deleted"), distribution: 5, deleted: true },
    ],
    Object: [
      ...[0, 1, 2, 3, 4, 5].map((d) => ({ name: "domain-ip", distribution: d, Attribute: objectAttribute(`object${d}`) })),
      { name: "domain-ip", distribution: 5, Attribute: objectAttribute("object5-attribute0", 0) },
      { name: "domain-ip", distribution: 5, deleted: true, Attribute: objectAttribute("deleted-object") },
    ],
  };
}

/** Events: the host organisation's of every distribution, published or not; a few of B's. */
const EVENTS: Array<{ org: OrgName; distribution: number; published: boolean }> = [
  ...[0, 1, 2, 3, 4].flatMap((distribution) => [false, true].map((published) => ({ org: "A" as const, distribution, published }))),
  { org: "B", distribution: 0, published: true },
  { org: "B", distribution: 1, published: false },
  { org: "B", distribution: 4, published: true },
];

/** Attributes that get a sighting from each organisation (kinds by value prefix). */
const SIGHTED = ["plain5-", "plain0-", "object0-", "object5-", "deleted-", "deleted-object-"];

export async function buildWorld(dialect: Dialect, policy: Policy): Promise<World> {
  const api = await startInProcess({ dialect, sightingsPolicy: policy });
  const hostOrg = (await api.context.store.orgs.byId(api.context.hostOrgId()))!.name;
  const suffix = randomUUID().slice(0, 6);
  const orgNames: Record<OrgName, string> = { A: hostOrg, B: `Bravo ${suffix}`, C: `Charlie ${suffix}` };
  const viewers: WorldViewer[] = [
    { name: "A site admin", org: "A", role: "admin", key: undefined, siteAdmin: true, sync: true, orgAdmin: true, canSight: true, canModifyOrg: true, canDecay: true },
  ];
  for (const [org, role] of ROLES) {
    const { key, principal } = await api.addUser({ org: orgNames[org], role });
    viewers.push({
      name: `${org} ${role}`,
      org,
      role,
      key,
      siteAdmin: false,
      sync: principal.role.perm_sync,
      orgAdmin: principal.role.perm_admin,
      canSight: principal.role.perm_sighting,
      canModifyOrg: principal.role.perm_modify_org,
      canDecay: principal.role.perm_decaying,
    });
  }
  const orgIds = { A: api.context.hostOrgId(), B: 0, C: 0 };
  for (const org of ["B", "C"] as const) orgIds[org] = (await api.context.store.orgs.byName(orgNames[org]))!.id;

  const creatorOf = (org: OrgName) => viewers.find((v) => v.org === org && v.role === "Org Admin")!.key;
  const events: WorldEvent[] = [];
  for (const [i, spec] of EVENTS.entries()) {
    const tag = `${spec.org}${spec.distribution}${spec.published ? "p" : "u"}-${i}-${suffix}`;
    const answer = await api.call("POST", "/events/add", eventBody(tag, spec.distribution, spec.published), { key: creatorOf(spec.org) ?? null });
    expect(answer.status, answer.text).toBe(200);
    const stored = answer.json.Event;
    // The answer hides deleted items; the site admin's view with deleted:1 shows the whole event.
    const whole = (await api.call("GET", `/events/view/${stored.id}/deleted:1`)).json.Event;
    const event: WorldEvent = { id: String(whole.id), uuid: whole.uuid, org: spec.org, distribution: spec.distribution, published: spec.published, attributes: [], objects: [] };
    for (const a of whole.Attribute) {
      event.attributes.push({ id: String(a.id), uuid: a.uuid, value: a.value, distribution: Number(a.distribution), deleted: Boolean(a.deleted), object: null, event });
    }
    for (const o of whole.Object ?? []) {
      const object: WorldObject = { id: String(o.id), uuid: o.uuid, distribution: Number(o.distribution), deleted: Boolean(o.deleted) };
      event.objects.push(object);
      for (const a of o.Attribute) {
        event.attributes.push({ id: String(a.id), uuid: a.uuid, value: a.value, distribution: Number(a.distribution), deleted: Boolean(a.deleted), object, event });
      }
    }
    expect(event.attributes).toHaveLength(15);
    expect(event.objects).toHaveLength(8);
    events.push(event);
  }
  const attributes = events.flatMap((e) => e.attributes);

  // Sightings from every organisation, written straight into the store: MISP's history can hold a
  // sighting on an attribute that its reporter no longer sees (the event's distribution changed).
  // The plain attributes of distribution 5 also get four false positives from C, so that a sweep
  // has something to pull from detection.
  const wanted = attributes.filter((a) => SIGHTED.some((prefix) => a.value.startsWith(prefix)));
  const sighting = (a: WorldAttribute, org: OrgName, type: 0 | 1) => ({
    uuid: randomUUID(),
    attribute_id: Number(a.id),
    event_id: Number(a.event.id),
    org_id: orgIds[org],
    date_sighting: NOW - 86_400,
    source: `${org}:${a.value}`,
    type,
  });
  const rows = [
    ...wanted.flatMap((a) => (["A", "B", "C"] as const).map((org) => sighting(a, org, 0))),
    ...wanted.filter((a) => a.value.startsWith("plain5-")).flatMap((a) => [1, 2, 3, 4].map(() => sighting(a, "C", 1))),
  ];
  const inserted = await api.context.store.transaction((tx) => tx.sightings.insertMany(rows));
  const byAttribute = new Map(attributes.map((a) => [Number(a.id), a]));
  const orgOf = new Map(Object.entries(orgIds).map(([name, id]) => [id, name as OrgName]));
  const sightings = inserted.map((s) => ({ id: String(s.id), uuid: s.uuid, org: orgOf.get(s.org_id)!, attribute: byAttribute.get(s.attribute_id)! }));
  return { api, policy, orgIds, viewers, events, attributes, sightings };
}

/** Sorted copy, for set comparisons that print well when they fail. */
export function sorted(values: Iterable<string>): string[] {
  return [...values].sort();
}
