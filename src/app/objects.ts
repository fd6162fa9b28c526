/**
 * The objects controller: add an object (with its attributes) to an event, view, edit and delete
 * it (soft: flagged deleted with its attributes; hard: gone). Every attribute write goes through
 * the attributes port, so the decay index follows in the same transaction.
 */
import { randomUUID } from "node:crypto";
import { HalflifeError } from "../core/errors.js";
import type { AttributeRecord, AttributeView, EventRecord, ObjectRecord, OrgRecord, Principal } from "../core/domain.js";
import type { AttributeInput, ObjectInput } from "../misp/parse.js";
import type { StoreSession } from "../store/store.js";
import { viewerOf, type AppContext } from "./context.js";
import { objectChanges, objectRecord, prepareAttribute, touchEvent, type PreparedAttribute } from "./event-writes.js";
import { findEventIn } from "./events.js";
import { requireModifyEvent, requirePermission } from "./permissions.js";
import { tagsByName } from "./tags.js";

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export interface ObjectView {
  object: ObjectRecord;
  event: EventRecord;
  attributes: AttributeView[];
  orgs: Map<number, OrgRecord>;
}

/** An object by id or uuid with its event, if the principal may see it. */
export async function findObjectIn(
  tx: StoreSession,
  context: AppContext,
  principal: Principal,
  reference: string,
  options: { includeDeleted?: boolean } = {},
): Promise<{ object: ObjectRecord; event: EventRecord }> {
  const text = reference.trim();
  let object: ObjectRecord | null = null;
  if (/^\d+$/.test(text)) object = await tx.objects.byId(Number(text));
  else if (UUID.test(text)) object = await tx.objects.byUuid(text.toLowerCase());
  const event = object ? await tx.events.byId(object.event_id) : null;
  const viewer = viewerOf(context, principal);
  if (!object || !event || (object.deleted && !options.includeDeleted) || !tx.events.isVisible(event, viewer) || !tx.objects.isVisible(object, event, viewer)) {
    throw new HalflifeError("NOT_FOUND", "Invalid object.");
  }
  return { object, event };
}

async function viewOf(tx: StoreSession, context: AppContext, principal: Principal, object: ObjectRecord, event: EventRecord, includeDeleted: boolean): Promise<ObjectView> {
  const viewer = viewerOf(context, principal);
  const attributes = (await tx.attributes.byEvents([event.id], { includeDeleted }))
    .filter((a) => a.object_id === object.id && tx.attributes.isVisible(a, event, object, viewer));
  const tags = await tx.attributes.tags(attributes.map((a) => a.id));
  const orgs = await tx.orgs.byIds([event.org_id, event.orgc_id]);
  return { object, event, attributes: attributes.map((attribute) => ({ attribute, tags: tags.get(attribute.id) ?? [] })), orgs };
}

export async function viewObject(context: AppContext, principal: Principal, reference: string, options: { includeDeleted?: boolean } = {}): Promise<ObjectView> {
  const { object, event } = await findObjectIn(context.store, context, principal, reference, options);
  return viewOf(context.store, context, principal, object, event, object.deleted || (options.includeDeleted ?? false));
}

async function insertAttributes(tx: StoreSession, principal: Principal, event: EventRecord, objectId: number, prepared: readonly PreparedAttribute[]): Promise<void> {
  const taken = await tx.attributes.existingUuids(prepared.map((p) => p.record.uuid));
  if (taken.size > 0) throw new HalflifeError("CONFLICT", `An attribute with uuid ${[...taken][0]} already exists.`, { field: "Attribute.uuid" });
  const ids = await tx.attributes.insertMany(prepared.map((p) => ({ ...p.record, event_id: event.id, object_id: objectId })));
  const tags = await tagsByName(tx, prepared.flatMap((p) => p.tags.map((t) => t.name)), principal.role.perm_site_admin || principal.role.perm_tag_editor);
  await tx.tags.attachManyToAttributes(
    prepared.flatMap((p, i) => p.tags.flatMap((t) => (tags.has(t.name) ? [{ attribute_id: ids[i]!, event_id: event.id, tag_id: tags.get(t.name)!.id, local: t.local }] : []))),
  );
}

/** objects/add/{event}: the object and its attributes, in one transaction. */
export async function addObject(context: AppContext, principal: Principal, eventReference: string, input: ObjectInput): Promise<ObjectView> {
  requirePermission(principal, "perm_add");
  const now = context.now();
  const prepared = (input.Attribute ?? []).map((a, i) => prepareAttribute(a, now, `Attribute.${i}`));
  return context.store.transaction(async (tx) => {
    const event = await findEventIn(tx, context, principal, eventReference, "Invalid event.");
    requireModifyEvent(principal, event);
    const uuid = input.uuid ?? randomUUID();
    if (await tx.objects.byUuid(uuid)) throw new HalflifeError("CONFLICT", `An object with uuid ${uuid} already exists.`, { field: "uuid" });
    const object = await tx.objects.insert(objectRecord({ uuid, input }, event.id, now));
    await insertAttributes(tx, principal, event, object.id, prepared);
    await touchEvent(tx, event.id, now);
    return viewOf(tx, context, principal, object, event, false);
  });
}

/** Changes to one stored attribute from an object edit: the fields the request names. */
function attributeChanges(input: AttributeInput, prepared: PreparedAttribute, now: number): Partial<AttributeRecord> {
  const changes: Partial<AttributeRecord> = { timestamp: input.timestamp ?? now };
  if (input.value !== undefined) changes.value = prepared.record.value;
  changes.type = prepared.record.type;
  if (input.category !== undefined) changes.category = prepared.record.category;
  if (input.to_ids !== undefined) changes.to_ids = prepared.record.to_ids;
  if (input.comment !== undefined) changes.comment = prepared.record.comment;
  if (input.distribution !== undefined) changes.distribution = prepared.record.distribution;
  if (input.first_seen !== undefined) changes.first_seen = prepared.record.first_seen;
  if (input.last_seen !== undefined) changes.last_seen = prepared.record.last_seen;
  if (input.object_relation !== undefined) changes.object_relation = prepared.record.object_relation;
  if (input.disable_correlation !== undefined) changes.disable_correlation = prepared.record.disable_correlation;
  if (input.deleted !== undefined) changes.deleted = prepared.record.deleted;
  return changes;
}

/**
 * Applies an object edit: its own fields, then its attributes (a known uuid is updated, a new one
 * added). Deleting the object deletes its attributes softly too; nothing is removed by leaving it
 * out of the request.
 */
export async function applyObjectEdit(tx: StoreSession, principal: Principal, event: EventRecord, object: ObjectRecord, input: Partial<ObjectInput>, now: number): Promise<void> {
  const changes = objectChanges(input, now);
  await tx.objects.update(object.id, changes);
  const fresh: PreparedAttribute[] = [];
  for (const [i, attributeInput] of (input.Attribute ?? []).entries()) {
    const prepared = prepareAttribute(attributeInput, now, `Attribute.${i}`);
    const existing = attributeInput.uuid ? await tx.attributes.byUuid(prepared.record.uuid) : null;
    if (existing && existing.object_id !== object.id) {
      throw new HalflifeError("CONFLICT", `attribute ${existing.uuid} belongs to another object or event`, { field: `Attribute.${i}.uuid` });
    }
    if (existing) await tx.attributes.update(existing.id, attributeChanges(attributeInput, prepared, now));
    else fresh.push(prepared);
  }
  await insertAttributes(tx, principal, event, object.id, fresh);
  if (changes.deleted === true) {
    for (const attribute of await tx.attributes.byEvents([event.id])) {
      if (attribute.object_id === object.id) await tx.attributes.update(attribute.id, { deleted: true, timestamp: now });
    }
  }
}

/** objects/edit/{id|uuid}. */
export async function editObject(context: AppContext, principal: Principal, reference: string, input: Partial<ObjectInput>): Promise<ObjectView> {
  const now = context.now();
  return context.store.transaction(async (tx) => {
    const { object, event } = await findObjectIn(tx, context, principal, reference, { includeDeleted: true });
    requireModifyEvent(principal, event);
    await applyObjectEdit(tx, principal, event, object, input, now);
    await touchEvent(tx, event.id, now);
    const updated = (await tx.objects.byId(object.id))!;
    return viewOf(tx, context, principal, updated, event, updated.deleted);
  });
}

/** objects/delete/{id|uuid}[/hard]: soft (the object and its attributes flagged deleted) or for good. */
export async function deleteObject(context: AppContext, principal: Principal, reference: string, hard: boolean): Promise<ObjectRecord> {
  const now = context.now();
  return context.store.transaction(async (tx) => {
    // Deleting a soft-deleted object again answers as MISP does: deleted.
    const { object, event } = await findObjectIn(tx, context, principal, reference, { includeDeleted: true });
    requireModifyEvent(principal, event);
    const attributes = (await tx.attributes.byEvents([event.id], { includeDeleted: true })).filter((a) => a.object_id === object.id);
    if (hard) {
      for (const attribute of attributes) await tx.attributes.delete(attribute.id);
      await tx.objects.delete(object.id);
    } else {
      await tx.objects.update(object.id, { deleted: true, timestamp: now });
      for (const attribute of attributes) if (!attribute.deleted) await tx.attributes.update(attribute.id, { deleted: true, timestamp: now });
    }
    await touchEvent(tx, event.id, now);
    return { ...object, deleted: true };
  });
}

export interface ObjectSearch {
  names?: string[];
  eventIds?: number[];
  uuids?: string[];
  deleted: boolean | "both";
}

/** The most objects one objects/restSearch returns. */
export const OBJECT_SEARCH_LIMIT = 10_000;

/** objects/restSearch: the visible objects matching the filters, with their visible attributes. */
export async function searchObjects(context: AppContext, principal: Principal, search: ObjectSearch): Promise<ObjectView[]> {
  const tx = context.store;
  const viewer = viewerOf(context, principal);
  const objects = await tx.objects.search({ ...search, limit: OBJECT_SEARCH_LIMIT });
  const events = await tx.events.byIds(objects.map((o) => o.event_id));
  const out: ObjectView[] = [];
  for (const object of objects) {
    const event = events.get(object.event_id);
    if (!event || !tx.events.isVisible(event, viewer) || !tx.objects.isVisible(object, event, viewer)) continue;
    out.push(await viewOf(tx, context, principal, object, event, search.deleted !== false));
  }
  return out;
}
