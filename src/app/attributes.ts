/**
 * Attribute use-cases: add, edit (which stamps the attribute and unpublishes its event), delete,
 * and tagging of attributes and events.
 */
import { HalflifeError } from "../core/errors.js";
import type { AttributeRecord, EventRecord, Principal, TagRecord } from "../core/domain.js";
import { normaliseValue, toMicroseconds } from "../misp/attribute-values.js";
import { isKnownType, isValidCategoryForType } from "../misp/describe-types.js";
import type { AttributeEdit, AttributeInput } from "../misp/parse.js";
import type { StoreSession } from "../store/store.js";
import { viewerOf, type AppContext } from "./context.js";
import { prepareAttribute, touchEvent } from "./event-writes.js";
import { findEventIn } from "./events.js";
import { requireModifyEvent, requirePermission, requireTagger } from "./permissions.js";
import { resolveTag, tagsByName } from "./tags.js";

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** An attribute by id or uuid with its event, if the principal may see it. Deleted ones are not found unless asked. */
export async function findAttributeIn(
  tx: StoreSession,
  context: AppContext,
  principal: Principal,
  reference: string | number,
  options: { includeDeleted?: boolean } = {},
): Promise<{ attribute: AttributeRecord; event: EventRecord }> {
  const text = String(reference).trim();
  let attribute: AttributeRecord | null = null;
  if (/^\d+$/.test(text)) attribute = await tx.attributes.byId(Number(text));
  else if (UUID.test(text)) attribute = await tx.attributes.byUuid(text.toLowerCase());
  const event = attribute ? await tx.events.byId(attribute.event_id) : null;
  const object = attribute && attribute.object_id !== 0 ? await tx.objects.byId(attribute.object_id) : null;
  if (!attribute || !event || (attribute.deleted && !options.includeDeleted) || !tx.attributes.isVisible(attribute, event, object, viewerOf(context, principal))) {
    throw new HalflifeError("NOT_FOUND", "Invalid attribute");
  }
  return { attribute, event };
}

/** MISP's answer for an attribute whose type, value and object relation its event already has. */
export const SIMILAR_ATTRIBUTE = "A similar attribute already exists for this event.";

export interface AddedAttributes {
  /** New attributes, and with `breakOnDuplicate` off the existing ones that were stamped instead, in request order. */
  attributes: AttributeRecord[];
  /** Request positions skipped because the event already has a similar attribute. */
  duplicates: number[];
}

const similarityKey = (a: { type: string; value: string; object_relation: string | null }) => `${a.type}\u0000${a.value}\u0000${a.object_relation ?? ""}`;

/**
 * attributes/add. An attribute that the event already has (same type, value and object relation,
 * not deleted) is not added twice: alone, it is refused with MISP's message; in a list, it is
 * skipped and reported, and the others are added; with `breakOnDuplicate` off (PyMISP's
 * break_on_duplicate=False), the existing attribute is stamped and tagged instead, as MISP does.
 */
export async function addAttributes(
  context: AppContext,
  principal: Principal,
  eventReference: string,
  inputs: AttributeInput[],
  options: { breakOnDuplicate?: boolean } = {},
): Promise<AddedAttributes> {
  requirePermission(principal, "perm_add");
  const breakOnDuplicate = options.breakOnDuplicate ?? true;
  const now = context.now();
  const prepared = inputs.map((input, i) => prepareAttribute(input, now, inputs.length > 1 ? `Attribute.${i}` : "Attribute"));
  const uuids = new Set<string>();
  prepared.forEach((p, i) => {
    if (uuids.has(p.record.uuid)) throw new HalflifeError("INVALID_INPUT", `Attribute.${i}.uuid repeats the uuid ${p.record.uuid}`, { field: `Attribute.${i}.uuid` });
    uuids.add(p.record.uuid);
  });
  return context.store.transaction(async (tx) => {
    const event = await findEventIn(tx, context, principal, eventReference);
    requireModifyEvent(principal, event);
    const taken = await tx.attributes.existingUuids(prepared.map((p) => p.record.uuid));
    if (taken.size > 0) throw new HalflifeError("CONFLICT", `An attribute with uuid ${[...taken][0]} already exists.`, { field: "uuid" });

    const existing = await similarIn(tx, event.id, prepared.map((p) => p.record.value));
    const fresh: number[] = [];
    const stamped = new Map<number, AttributeRecord>();
    const duplicates: number[] = [];
    prepared.forEach((p, i) => {
      const key = similarityKey(p.record);
      const twin = existing.get(key);
      if (twin === undefined) {
        // A later copy in the same request is a duplicate of this one.
        existing.set(key, null);
        fresh.push(i);
      } else if (!breakOnDuplicate && twin !== null) stamped.set(i, twin);
      else duplicates.push(i);
    });
    if (inputs.length === 1 && duplicates.length === 1) throw new HalflifeError("CONFLICT", SIMILAR_ATTRIBUTE, { field: "value" });

    const ids = await tx.attributes.insertMany(fresh.map((i) => ({ ...prepared[i]!.record, event_id: event.id, object_id: 0 })));
    const idAt = new Map<number, number>(fresh.map((i, n) => [i, ids[n]!]));
    for (const [i, twin] of stamped) {
      await tx.attributes.update(twin.id, { timestamp: now });
      idAt.set(i, twin.id);
    }
    const tagged = [...idAt.entries()];
    const tags = await tagsByName(tx, tagged.flatMap(([i]) => prepared[i]!.tags.map((t) => t.name)), principal.role.perm_site_admin || principal.role.perm_tag_editor);
    for (const [i, id] of tagged) {
      for (const t of prepared[i]!.tags) {
        const tag = tags.get(t.name);
        if (tag) await tx.tags.attachToAttribute(id, event.id, tag.id, t.local);
      }
    }
    if (idAt.size > 0) await touchEvent(tx, event.id, now);
    const order = [...idAt.entries()].sort(([a], [b]) => a - b).map(([, id]) => id);
    const records = await tx.attributes.byIds(order);
    return { attributes: order.map((id) => records.get(id)!), duplicates };
  });
}

/** The event's live attributes outside objects that have one of these values, by similarity key (null marks a key taken within the request). */
async function similarIn(tx: StoreSession, eventId: number, values: readonly string[]): Promise<Map<string, AttributeRecord | null>> {
  const out = new Map<string, AttributeRecord | null>();
  for (const a of await tx.attributes.liveWithValues(eventId, values)) if (a.object_id === 0) out.set(similarityKey(a), a);
  return out;
}

/**
 * attributes/edit: changes only the fields the request names, stamps the attribute (unless the
 * request carries a newer timestamp) and unpublishes its event. A timestamp that is not newer than
 * the stored one is refused, as MISP does for stale copies.
 */
export async function editAttribute(context: AppContext, principal: Principal, reference: string, edit: AttributeEdit): Promise<AttributeRecord> {
  const now = context.now();
  return context.store.transaction(async (tx) => {
    const { attribute, event } = await findAttributeIn(tx, context, principal, reference);
    requireModifyEvent(principal, event);
    const stale = () => new HalflifeError("CONFLICT", "Attribute could not be saved: Attribute in the request not newer than the local copy.", { field: "timestamp" });
    if (edit.timestamp !== undefined && edit.timestamp <= attribute.timestamp) throw stale();
    const type = edit.type ?? attribute.type;
    if (edit.type !== undefined && !isKnownType(type)) throw new HalflifeError("INVALID_INPUT", `type is not a known attribute type: ${JSON.stringify(type)}`, { field: "type" });
    const category = edit.category ?? attribute.category;
    if ((edit.type !== undefined || edit.category !== undefined) && !isValidCategoryForType(category, type)) {
      throw new HalflifeError("INVALID_INPUT", `category ${JSON.stringify(category)} is not a category for type ${type}`, { field: "category" });
    }
    const fields: Partial<AttributeRecord> = { timestamp: edit.timestamp ?? now };
    if (edit.type !== undefined) fields.type = type;
    if (edit.category !== undefined) fields.category = category;
    if (edit.value !== undefined || edit.type !== undefined) fields.value = normaliseValue(type, edit.value ?? attribute.value);
    if (edit.to_ids !== undefined) fields.to_ids = edit.to_ids;
    if (edit.comment !== undefined) fields.comment = edit.comment;
    if (edit.distribution !== undefined) fields.distribution = edit.distribution as AttributeRecord["distribution"];
    if (edit.sharing_group_id !== undefined) fields.sharing_group_id = edit.sharing_group_id;
    if (edit.first_seen !== undefined) fields.first_seen = toMicroseconds(edit.first_seen, "first_seen");
    if (edit.last_seen !== undefined) fields.last_seen = toMicroseconds(edit.last_seen, "last_seen");
    if (edit.object_relation !== undefined) fields.object_relation = edit.object_relation;
    if (edit.disable_correlation !== undefined) fields.disable_correlation = edit.disable_correlation;
    if (edit.deleted !== undefined) fields.deleted = edit.deleted;
    // Checked again as the row is written: an edit with the same timestamp may have landed since
    // it was read (on PostgreSQL, which runs both at once), and then this copy is stale.
    if (!(await tx.attributes.update(attribute.id, fields, edit.timestamp === undefined ? undefined : { olderThan: edit.timestamp }))) throw stale();
    await touchEvent(tx, event.id, now);
    return (await tx.attributes.byId(attribute.id))!;
  });
}

/** attributes/delete: a soft delete (the attribute stays, flagged deleted), or a hard one. */
export async function deleteAttribute(context: AppContext, principal: Principal, reference: string, hard: boolean): Promise<AttributeRecord> {
  const now = context.now();
  return context.store.transaction(async (tx) => {
    const { attribute, event } = await findAttributeIn(tx, context, principal, reference, { includeDeleted: hard });
    requireModifyEvent(principal, event);
    if (hard) await tx.attributes.delete(attribute.id);
    else await tx.attributes.update(attribute.id, { deleted: true, timestamp: now });
    await touchEvent(tx, event.id, now);
    return { ...attribute, deleted: true };
  });
}

export interface TagChange {
  target: "event" | "attribute";
  targetId: number;
  tag: TagRecord;
  changed: boolean;
}

/**
 * addTag / removeTag for attributes and events. A non-local tag change stamps the target and
 * unpublishes the event, as MISP does (and so restarts the decay of an attribute without last_seen).
 */
export async function changeTag(
  context: AppContext,
  principal: Principal,
  request: { target: "event" | "attribute" | "either"; reference: string; tag: string | number; local: boolean; remove: boolean },
): Promise<TagChange> {
  const now = context.now();
  return context.store.transaction(async (tx) => {
    const found =
      request.target === "either"
        ? await findTargetIn(tx, context, principal, request.reference)
        : request.target === "attribute"
          ? await findAttributeIn(tx, context, principal, request.reference)
          : { attribute: null, event: await findEventIn(tx, context, principal, request.reference) };
    requireTagger(principal, found.event);
    const tag = request.remove && typeof request.tag === "string" && !/^\d+$/.test(request.tag)
      ? await tx.tags.byName(request.tag)
      : await resolveTag(tx, principal, request.tag);
    if (!tag) throw new HalflifeError("NOT_FOUND", "Invalid Tag.", { field: "tag" });
    let changed: boolean;
    if (found.attribute) {
      changed = request.remove
        ? await tx.tags.detachFromAttribute(found.attribute.id, tag.id)
        : await tx.tags.attachToAttribute(found.attribute.id, found.event.id, tag.id, request.local);
      if (changed && !request.local) await tx.attributes.update(found.attribute.id, { timestamp: now });
    } else {
      changed = request.remove ? await tx.tags.detachFromEvent(found.event.id, tag.id) : await tx.tags.attachToEvent(found.event.id, tag.id, request.local);
    }
    if (changed && !request.local) await touchEvent(tx, found.event.id, now);
    return { target: found.attribute ? "attribute" : "event", targetId: found.attribute?.id ?? found.event.id, tag, changed };
  });
}

const notFound = (error: unknown) => error instanceof HalflifeError && error.code === "NOT_FOUND";

/**
 * An attribute or else an event with this uuid, among those the principal may see. A hidden one
 * and an unknown one get the same answer, so that the answer does not tell that a uuid exists.
 */
async function findTargetIn(
  tx: StoreSession,
  context: AppContext,
  principal: Principal,
  uuid: string,
): Promise<{ attribute: AttributeRecord | null; event: EventRecord }> {
  try {
    return await findAttributeIn(tx, context, principal, uuid);
  } catch (error) {
    if (!notFound(error)) throw error;
  }
  try {
    return { attribute: null, event: await findEventIn(tx, context, principal, uuid) };
  } catch (error) {
    if (!notFound(error)) throw error;
  }
  throw new HalflifeError("NOT_FOUND", "Invalid Target.");
}

/** MISP's messages for a tag change: "Tag tlp:red(7) successfully attached to Event(12)." */
export function tagChangeMessage(change: TagChange, remove: boolean): string {
  const target = `${change.target === "event" ? "Event" : "Attribute"}(${change.targetId})`;
  const tag = `Tag ${change.tag.name}(${change.tag.id})`;
  if (remove) return change.changed ? `${tag} successfully removed from ${target}.` : `${tag} is not attached to ${target}.`;
  return change.changed ? `${tag} successfully attached to ${target}.` : `${tag} is already attached to ${target}.`;
}
