/**
 * Event use-cases: add, view, edit, delete, publish, and the event index.
 */
import { HalflifeError } from "../core/errors.js";
import type { EventRecord, OrgRecord, Principal } from "../core/domain.js";
import type { EventEdit, EventInput } from "../misp/parse.js";
import type { StoreSession } from "../store/store.js";
import { viewerOf, type AppContext } from "./context.js";
import { mergeIntoEvent, prepareEvent, touchEvent, writeEvent } from "./event-writes.js";
import { requireModifyEvent, requirePermission, requirePublish } from "./permissions.js";

export { EVENT_SORT_FIELDS } from "../store/store.js";

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** An event by id or uuid, if the principal may see it; else NOT_FOUND with MISP's message. */
export async function findEvent(context: AppContext, principal: Principal, reference: string | number, message = "Invalid event"): Promise<EventRecord> {
  return findEventIn(context.store, context, principal, reference, message);
}

export async function findEventIn(
  tx: StoreSession,
  context: AppContext,
  principal: Principal,
  reference: string | number,
  message = "Invalid event",
): Promise<EventRecord> {
  const text = String(reference).trim();
  let event: EventRecord | null = null;
  if (/^\d+$/.test(text)) event = await tx.events.byId(Number(text));
  else if (UUID.test(text)) event = await tx.events.byUuid(text.toLowerCase());
  if (!event || !tx.events.isVisible(event, viewerOf(context, principal))) throw new HalflifeError("NOT_FOUND", message);
  return event;
}

export async function addEvent(context: AppContext, principal: Principal, input: EventInput): Promise<EventRecord> {
  requirePermission(principal, "perm_add");
  const now = context.now();
  const prepared = prepareEvent(input, now, { distribution: context.settings.defaultDistribution ?? 1 });
  // Only a site admin or a sync user may publish on creation; others always start unpublished.
  if (prepared.event.published && !principal.role.perm_site_admin && !principal.role.perm_publish) prepared.event.published = false;
  if (prepared.event.published && prepared.event.publish_timestamp === 0) prepared.event.publish_timestamp = now;
  return context.store.transaction((tx) =>
    writeEvent(tx, prepared, {
      principal,
      orgc: principal.org,
      now,
      createTags: principal.role.perm_site_admin || principal.role.perm_tag_editor,
      sightingOrg: async () => principal.org.id,
    }),
  );
}

/**
 * events/edit: changes only the event fields the request names; tags in the request are added,
 * attributes and objects added (new uuid) or updated (known uuid). The event is stamped and
 * unpublished, unless the request publishes it.
 */
export async function editEvent(context: AppContext, principal: Principal, reference: string, edit: EventEdit): Promise<EventRecord> {
  const now = context.now();
  return context.store.transaction(async (tx) => {
    const event = await findEventIn(tx, context, principal, reference);
    requireModifyEvent(principal, event);
    const stale = () => new HalflifeError("CONFLICT", "Event could not be saved: Event in the request not newer than the local copy.", { field: "timestamp" });
    if (edit.timestamp !== undefined && edit.timestamp <= event.timestamp) throw stale();
    const fields: Partial<EventRecord> = {};
    for (const key of ["info", "date", "threat_level_id", "analysis", "distribution", "sharing_group_id", "disable_correlation", "extends_uuid"] as const) {
      if (edit[key] !== undefined) (fields as Record<string, unknown>)[key] = edit[key];
    }
    fields.timestamp = edit.timestamp ?? now;
    fields.published = false;
    if (edit.published && (principal.role.perm_site_admin || principal.role.perm_publish)) {
      fields.published = true;
      fields.publish_timestamp = now;
    }
    // Checked again as the row is written: of two edits racing with one timestamp, one lands.
    if (!(await tx.events.update(event.id, fields, edit.timestamp === undefined ? undefined : { olderThan: edit.timestamp }))) throw stale();

    // The tags, attributes and objects the request names; PyMISP's update_event sends them all.
    await mergeIntoEvent(tx, event, edit, { now, createTags: principal.role.perm_site_admin || principal.role.perm_tag_editor });
    return (await tx.events.byId(event.id))!;
  });
}

export async function deleteEvent(context: AppContext, principal: Principal, reference: string): Promise<EventRecord> {
  return context.store.transaction(async (tx) => {
    const event = await findEventIn(tx, context, principal, reference);
    requireModifyEvent(principal, event);
    await tx.events.delete(event.id);
    return event;
  });
}

/** Publishes an event: published and publish_timestamp are set once per call. */
export async function publishEvent(context: AppContext, principal: Principal, reference: string): Promise<EventRecord> {
  return context.store.transaction(async (tx) => {
    const event = await findEventIn(tx, context, principal, reference, "Invalid event.");
    requirePublish(principal, event);
    const now = context.now();
    await tx.events.update(event.id, { published: true, publish_timestamp: now });
    return { ...event, published: true, publish_timestamp: now };
  });
}

export async function unpublishEvent(context: AppContext, principal: Principal, reference: string): Promise<EventRecord> {
  return context.store.transaction(async (tx) => {
    const event = await findEventIn(tx, context, principal, reference, "Invalid event.");
    requirePublish(principal, event);
    await tx.events.update(event.id, { published: false });
    return { ...event, published: false };
  });
}

export { touchEvent };

/** Loads the organisations a set of records mentions. */
export async function orgsById(tx: StoreSession, ids: Iterable<number>): Promise<Map<number, OrgRecord>> {
  return tx.orgs.byIds([...ids]);
}

/** The event index: visible events, newest first, with the creator organisations. */
