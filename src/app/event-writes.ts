/**
 * Building and writing event trees (event, objects, attributes, tags, sightings) from MISP input.
 * events/add and `halflife import` share this, so an imported event and a pushed one are stored the
 * same way. Everything is validated before the first write.
 */
import { randomUUID } from "node:crypto";
import { HalflifeError, invalidInput } from "../core/errors.js";
import type { AttributeRecord, EventRecord, ObjectRecord, OrgRecord, Principal, SightingRecord, SightingType } from "../core/domain.js";
import { normaliseValue, toMicroseconds } from "../misp/attribute-values.js";
import { defaultCategory, defaultToIds, isKnownType, isValidCategoryForType } from "../misp/describe-types.js";
import type { AttributeInput, EventInput, ObjectInput } from "../misp/parse.js";
import type { New, StoreSession } from "../store/store.js";
import { tagsByName } from "./tags.js";

/** An attribute ready to insert, with what goes with it. */
export interface PreparedAttribute {
  record: Omit<New<AttributeRecord>, "event_id" | "object_id">;
  tags: Array<{ name: string; local: boolean }>;
  sightings: NonNullable<AttributeInput["Sighting"]>;
}

/**
 * Validates one attribute and fills MISP's defaults: the type's default category and to_ids,
 * distribution "inherit event" (5), now as timestamp.
 */
export function prepareAttribute(input: AttributeInput, now: number, field: string): PreparedAttribute {
  if (!isKnownType(input.type)) throw invalidInput(`${field}.type`, `is not a known attribute type: ${JSON.stringify(input.type)}`);
  // Known types always have a default category and IDS flag.
  const category = input.category ?? defaultCategory(input.type)!;
  if (!isValidCategoryForType(category, input.type)) {
    throw invalidInput(`${field}.category`, `${JSON.stringify(category)} is not a category for type ${input.type}`);
  }
  const firstSeen = toMicroseconds(input.first_seen, `${field}.first_seen`);
  const lastSeen = toMicroseconds(input.last_seen, `${field}.last_seen`);
  if (firstSeen !== null && lastSeen !== null && lastSeen < firstSeen) throw invalidInput(`${field}.last_seen`, "is before first_seen");
  return {
    record: {
      uuid: input.uuid ?? randomUUID(),
      object_relation: input.object_relation ?? null,
      category,
      type: input.type,
      value: normaliseValue(input.type, input.value, `${field}.value`),
      to_ids: input.to_ids ?? defaultToIds(input.type)!,
      comment: input.comment ?? "",
      distribution: (input.distribution ?? 5) as AttributeRecord["distribution"],
      sharing_group_id: input.sharing_group_id ?? 0,
      timestamp: input.timestamp ?? now,
      first_seen: firstSeen,
      last_seen: lastSeen,
      deleted: input.deleted ?? false,
      disable_correlation: input.disable_correlation ?? false,
    },
    tags: (input.Tag ?? []).map((t) => ({ name: t.name, local: t.local ?? false })),
    sightings: input.Sighting ?? [],
  };
}

/** An attribute of a deleted object is deleted with it, as MISP deletes an object's attributes with the object. */
function inObject(prepared: PreparedAttribute, object: ObjectInput): PreparedAttribute {
  return object.deleted ? { ...prepared, record: { ...prepared.record, deleted: true } } : prepared;
}

interface PreparedObject {
  uuid: string;
  input: ObjectInput;
  attributes: PreparedAttribute[];
}

export interface PreparedEvent {
  event: Omit<New<EventRecord>, "org_id" | "orgc_id" | "user_id">;
  tags: Array<{ name: string; local: boolean }>;
  attributes: PreparedAttribute[];
  objects: PreparedObject[];
}

export function prepareEvent(input: EventInput, now: number, defaults: { distribution: EventRecord["distribution"] } = { distribution: 1 }): PreparedEvent {
  const seen = new Set<string>();
  const unique = (uuid: string, field: string) => {
    if (seen.has(uuid)) throw invalidInput(field, `repeats the uuid ${uuid}`);
    seen.add(uuid);
    return uuid;
  };
  const attributes = (input.Attribute ?? []).map((a, i) => {
    const prepared = prepareAttribute(a, now, `Attribute.${i}`);
    unique(prepared.record.uuid, `Attribute.${i}.uuid`);
    return prepared;
  });
  const objects = (input.Object ?? []).map((o, i) => ({
    uuid: unique(o.uuid ?? randomUUID(), `Object.${i}.uuid`),
    input: o,
    attributes: (o.Attribute ?? []).map((a, j) => {
      const prepared = inObject(prepareAttribute(a, now, `Object.${i}.Attribute.${j}`), o);
      unique(prepared.record.uuid, `Object.${i}.Attribute.${j}.uuid`);
      return prepared;
    }),
  }));
  const today = new Date(now * 1000).toISOString().slice(0, 10);
  return {
    event: {
      uuid: input.uuid ?? randomUUID(),
      info: input.info,
      date: input.date ?? today,
      threat_level_id: input.threat_level_id ?? 4,
      analysis: input.analysis ?? 0,
      distribution: (input.distribution ?? defaults.distribution) as EventRecord["distribution"],
      sharing_group_id: input.sharing_group_id ?? 0,
      published: input.published ?? false,
      publish_timestamp: input.publish_timestamp ?? 0,
      timestamp: input.timestamp ?? now,
      locked: false,
      disable_correlation: input.disable_correlation ?? false,
      extends_uuid: input.extends_uuid ?? "",
    },
    tags: (input.Tag ?? []).map((t) => ({ name: t.name, local: t.local ?? false })),
    attributes,
    objects,
  };
}

export interface WriteOptions {
  principal: Principal;
  /** The creator organisation (orgc); the principal's organisation unless importing. */
  orgc: OrgRecord;
  now: number;
  /** May tags that do not exist yet be created? */
  createTags: boolean;
  /** Organisation for sightings that name none (imports map them by Organisation uuid/name). */
  sightingOrg: (sighting: PreparedAttribute["sightings"][number]) => Promise<number>;
}

/** Inserts a prepared event tree. Refuses a uuid that already exists (event, object or attribute). */
export async function writeEvent(tx: StoreSession, prepared: PreparedEvent, options: WriteOptions): Promise<EventRecord> {
  if (await tx.events.byUuid(prepared.event.uuid)) {
    throw new HalflifeError("CONFLICT", "Event already exists, if you would like to edit it, use the url in the location header.", {
      field: "uuid",
    });
  }
  const allAttributes = [...prepared.attributes, ...prepared.objects.flatMap((o) => o.attributes)];
  const taken = await tx.attributes.existingUuids(allAttributes.map((a) => a.record.uuid));
  if (taken.size > 0) throw invalidInput("Attribute.uuid", `an attribute with uuid ${[...taken][0]} already exists`);
  const takenObjects = await tx.objects.existingUuids(prepared.objects.map((o) => o.uuid));
  if (takenObjects.size > 0) throw invalidInput("Object.uuid", `an object with uuid ${[...takenObjects][0]} already exists`);

  const event = await tx.events.insert({
    ...prepared.event,
    org_id: options.principal.org.id,
    orgc_id: options.orgc.id,
    user_id: options.principal.user.id,
  });

  const tagNames = [...prepared.tags, ...allAttributes.flatMap((a) => a.tags)].map((t) => t.name);
  const tags = await tagsByName(tx, tagNames, options.createTags);
  for (const link of prepared.tags) {
    const tag = tags.get(link.name);
    if (tag) await tx.tags.attachToEvent(event.id, tag.id, link.local);
  }

  const rows: Array<{ prepared: PreparedAttribute; objectId: number }> = prepared.attributes.map((p) => ({ prepared: p, objectId: 0 }));
  const objectIds = await tx.objects.insertMany(prepared.objects.map((object) => objectRecord(object, event.id, options.now)));
  prepared.objects.forEach((object, i) => rows.push(...object.attributes.map((p) => ({ prepared: p, objectId: objectIds[i]! }))));

  const ids = await tx.attributes.insertMany(rows.map((r) => ({ ...r.prepared.record, event_id: event.id, object_id: r.objectId })));
  const links: Array<{ attribute_id: number; event_id: number; tag_id: number; local: boolean }> = [];
  const sightings: Array<New<SightingRecord>> = [];
  for (const [i, row] of rows.entries()) {
    for (const link of row.prepared.tags) {
      const tag = tags.get(link.name);
      if (tag) links.push({ attribute_id: ids[i]!, event_id: event.id, tag_id: tag.id, local: link.local });
    }
    for (const s of row.prepared.sightings) {
      sightings.push({
        uuid: s.uuid ?? randomUUID(),
        attribute_id: ids[i]!,
        event_id: event.id,
        org_id: await options.sightingOrg(s),
        date_sighting: s.date_sighting ?? options.now,
        source: s.source ?? "",
        type: (s.type ?? 0) as SightingType,
      });
    }
  }
  await tx.tags.attachManyToAttributes(links);
  // A sighting already known (same uuid) is not recorded twice.
  const knownSightings = await tx.sightings.existingUuids(sightings.map((s) => s.uuid));
  const fresh = sightings.filter((s) => !knownSightings.has(s.uuid) && (knownSightings.add(s.uuid), true));
  if (fresh.length) await tx.sightings.insertMany(fresh);
  return event;
}

/** The object's own fields from MISP input, with MISP's defaults (distribution "inherit event"). */
export function objectRecord({ uuid, input: o }: { uuid: string; input: ObjectInput }, eventId: number, now: number): New<ObjectRecord> {
  return {
    uuid,
    event_id: eventId,
    name: o.name,
    meta_category: o["meta-category"] ?? o.meta_category ?? "",
    description: o.description ?? "",
    template_uuid: o.template_uuid ?? "",
    template_version: o.template_version ?? "",
    comment: o.comment ?? "",
    distribution: (o.distribution ?? 5) as EventRecord["distribution"],
    sharing_group_id: o.sharing_group_id ?? 0,
    timestamp: o.timestamp ?? now,
    first_seen: toMicroseconds(o.first_seen, "Object.first_seen"),
    last_seen: toMicroseconds(o.last_seen, "Object.last_seen"),
    deleted: o.deleted ?? false,
  };
}

/** The object fields an edit names (objects/edit, and known objects inside events/edit). */
export function objectChanges(input: Partial<ObjectInput>, now: number): Partial<ObjectRecord> {
  const changes: Partial<ObjectRecord> = { timestamp: input.timestamp ?? now };
  if (input.comment !== undefined) changes.comment = input.comment;
  if (input.description !== undefined) changes.description = input.description;
  if (input.distribution !== undefined) changes.distribution = input.distribution as ObjectRecord["distribution"];
  if (input.sharing_group_id !== undefined) changes.sharing_group_id = input.sharing_group_id;
  if (input.first_seen !== undefined) changes.first_seen = toMicroseconds(input.first_seen, "first_seen");
  if (input.last_seen !== undefined) changes.last_seen = toMicroseconds(input.last_seen, "last_seen");
  if (input.deleted !== undefined) changes.deleted = input.deleted;
  return changes;
}

/**
 * events/edit's content: the event tags, attributes and objects a request names. Tags are added
 * when missing; attributes and objects are added (new uuid) or their attributes updated (known
 * uuid). Nothing is removed by leaving it out: removing takes removeTag or attributes/delete.
 */
export async function mergeIntoEvent(
  tx: StoreSession,
  event: EventRecord,
  edit: { Tag?: EventInput["Tag"]; Attribute?: EventInput["Attribute"]; Object?: EventInput["Object"] },
  options: { now: number; createTags: boolean },
): Promise<void> {
  const { now } = options;
  const seen = new Set<string>();
  const unique = (uuid: string | undefined, field: string) => {
    if (uuid === undefined) return;
    if (seen.has(uuid)) throw invalidInput(field, `repeats the uuid ${uuid}`);
    seen.add(uuid);
  };
  (edit.Attribute ?? []).forEach((a, i) => unique(a.uuid, `Attribute.${i}.uuid`));
  (edit.Object ?? []).forEach((o, i) => {
    unique(o.uuid, `Object.${i}.uuid`);
    (o.Attribute ?? []).forEach((a, j) => unique(a.uuid, `Object.${i}.Attribute.${j}.uuid`));
  });
  const existingObjects = new Map((await tx.objects.byEvents([event.id], { includeDeleted: true })).map((o) => [o.uuid, o]));
  const attributes: Array<{ input: AttributeInput; prepared: PreparedAttribute; objectId: number | null; field: string }> = [];
  (edit.Attribute ?? []).forEach((input, i) => attributes.push({ input, prepared: prepareAttribute(input, now, `Attribute.${i}`), objectId: 0, field: `Attribute.${i}` }));
  const newObjects: Array<{ uuid: string; input: ObjectInput; attributes: number[] }> = [];
  const knownObjects: Array<{ object: ObjectRecord; input: ObjectInput }> = [];
  for (const [i, input] of (edit.Object ?? []).entries()) {
    const uuid = input.uuid ?? randomUUID();
    const known = existingObjects.get(uuid);
    if (known) knownObjects.push({ object: known, input });
    const fresh = known ? null : { uuid, input, attributes: [] as number[] };
    if (fresh) newObjects.push(fresh);
    (input.Attribute ?? []).forEach((a, j) => {
      fresh?.attributes.push(attributes.length);
      attributes.push({ input: a, prepared: inObject(prepareAttribute(a, now, `Object.${i}.Attribute.${j}`), input), objectId: known ? known.id : null, field: `Object.${i}.Attribute.${j}` });
    });
  }
  const takenObjects = await tx.objects.existingUuids(newObjects.map((o) => o.uuid));
  if (takenObjects.size > 0) throw new HalflifeError("CONFLICT", `object ${[...takenObjects][0]} belongs to another event`, { field: "Object.uuid" });
  const objectIds = await tx.objects.insertMany(newObjects.map((object) => objectRecord(object, event.id, now)));
  newObjects.forEach((object, i) => object.attributes.forEach((index) => (attributes[index]!.objectId = objectIds[i]!)));

  const tags = await tagsByName(tx, [...(edit.Tag ?? []).map((t) => t.name), ...attributes.flatMap((a) => a.prepared.tags.map((t) => t.name))], options.createTags);
  for (const link of edit.Tag ?? []) {
    const tag = tags.get(link.name);
    if (tag) await tx.tags.attachToEvent(event.id, tag.id, link.local ?? false);
  }

  const inserts: Array<{ index: number; record: New<AttributeRecord> }> = [];
  const ids: number[] = [];
  for (const [index, { input, prepared, objectId, field }] of attributes.entries()) {
    const existing = input.uuid ? await tx.attributes.byUuid(prepared.record.uuid) : null;
    if (existing && existing.event_id !== event.id) throw new HalflifeError("CONFLICT", `attribute ${existing.uuid} belongs to another event`, { field: `${field}.uuid` });
    if (existing) {
      const { uuid: _uuid, ...changes } = prepared.record;
      await tx.attributes.update(existing.id, { ...changes, timestamp: input.timestamp ?? now });
      ids[index] = existing.id;
    } else {
      inserts.push({ index, record: { ...prepared.record, event_id: event.id, object_id: objectId ?? 0 } });
    }
  }
  const inserted = await tx.attributes.insertMany(inserts.map((i) => i.record));
  inserts.forEach((insert, i) => (ids[insert.index] = inserted[i]!));
  // A known object's own fields change too; deleting it (PyMISP's delete_object, then update_event) deletes its attributes softly.
  for (const { object, input } of knownObjects) {
    const changes = objectChanges(input, input.timestamp ?? now);
    await tx.objects.update(object.id, changes);
    if (changes.deleted === true && !object.deleted) {
      for (const attribute of await tx.attributes.byEvents([event.id])) {
        if (attribute.object_id === object.id) await tx.attributes.update(attribute.id, { deleted: true, timestamp: now });
      }
    }
  }
  await tx.tags.attachManyToAttributes(
    attributes.flatMap(({ prepared }, index) =>
      prepared.tags.flatMap((t) => (tags.has(t.name) ? [{ attribute_id: ids[index]!, event_id: event.id, tag_id: tags.get(t.name)!.id, local: t.local }] : [])),
    ),
  );
}

/** After a change to an event's content: stamp it and unpublish it, as MISP does. */
export async function touchEvent(tx: StoreSession, eventId: number, now: number): Promise<void> {
  await tx.events.update(eventId, { timestamp: now, published: false });
}
