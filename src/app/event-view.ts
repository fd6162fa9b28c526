/**
 * Assembling an event for events/view and events/restSearch: its visible attributes (object
 * attributes under their objects), tags, sightings, and the organisations they mention. Every
 * piece is loaded with one query per kind, never one per attribute.
 */
import type { AttributeView, EventRecord, EventTree, Principal } from "../core/domain.js";
import { viewerOf, type AppContext } from "./context.js";

export interface EventTreeOptions {
  /** Attach the visible sightings to each attribute (events/view does unless `noSightings`). */
  sightings: boolean;
  /** Show deleted attributes too. */
  includeDeleted?: boolean;
  /** Copy the event's tags onto each attribute (as inherited), as decay scoring does. */
  eventTagsOnAttributes?: boolean;
}

export async function loadEventTrees(context: AppContext, principal: Principal, events: readonly EventRecord[], options: EventTreeOptions): Promise<EventTree[]> {
  const store = context.store;
  const viewer = viewerOf(context, principal);
  const eventIds = events.map((e) => e.id);
  const [attributes, objects, eventTags] = await Promise.all([
    store.attributes.byEvents(eventIds, { includeDeleted: options.includeDeleted ?? false }),
    store.objects.byEvents(eventIds, { includeDeleted: options.includeDeleted ?? false }),
    store.events.tags(eventIds),
  ]);
  const byId = new Map(events.map((e) => [e.id, e]));
  const visibleObjects = objects.filter((o) => store.objects.isVisible(o, byId.get(o.event_id)!, viewer));
  const objectsById = new Map(visibleObjects.map((o) => [o.id, o]));
  const visible = attributes.filter((a) => store.attributes.isVisible(a, byId.get(a.event_id)!, objectsById.get(a.object_id) ?? null, viewer));
  const ids = visible.map((a) => a.id);
  const [tags, sightings] = await Promise.all([
    store.attributes.tags(ids),
    options.sightings ? store.sightings.forAttributes(ids, viewer) : Promise.resolve(new Map()),
  ]);

  const orgIds = new Set<number>(events.flatMap((e) => [e.org_id, e.orgc_id]));
  for (const list of sightings.values()) for (const s of list) orgIds.add(s.org_id);
  const orgs = await store.orgs.byIds([...orgIds]);
  const creators = await Promise.all(events.map((e) => store.users.byId(e.user_id)));

  return events.map((event, i) => {
    const views = new Map<number, AttributeView[]>();
    for (const attribute of visible) {
      if (attribute.event_id !== event.id) continue;
      const view: AttributeView = { attribute, tags: tags.get(attribute.id) ?? [] };
      if (options.sightings) view.sightings = sightings.get(attribute.id) ?? [];
      if (options.eventTagsOnAttributes) view.eventTags = eventTags.get(event.id) ?? [];
      const list = views.get(attribute.object_id) ?? [];
      list.push(view);
      views.set(attribute.object_id, list);
    }
    return {
      event,
      tags: eventTags.get(event.id) ?? [],
      attributes: views.get(0) ?? [],
      objects: visibleObjects
        .filter((o) => o.event_id === event.id)
        .map((object) => ({ object, attributes: views.get(object.id) ?? [] })),
      orgs,
      creatorEmail: creators[i]?.email ?? null,
    };
  });
}

export async function loadEventTree(context: AppContext, principal: Principal, event: EventRecord, options: EventTreeOptions): Promise<EventTree> {
  const [tree] = await loadEventTrees(context, principal, [event], options);
  return tree!;
}
