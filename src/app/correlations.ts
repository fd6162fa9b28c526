/**
 * Correlations, as MISP shows them: another live attribute with the same value (or the same half
 * of a composite value), in another event, that the viewer may see. Looked up through the store's
 * value index, a page of attributes at a time, never by scanning.
 */
import type { AttributeRecord, EventRecord, EventTree, Principal } from "../core/domain.js";
import { viewerOf, type AppContext } from "./context.js";

export interface Correlation {
  attribute: AttributeRecord;
  event: EventRecord;
}

/** For each attribute, the visible attributes of other events that share its value. */
export async function correlationsOf(context: AppContext, principal: Principal, attributes: readonly AttributeRecord[]): Promise<Map<number, Correlation[]>> {
  const out = new Map<number, Correlation[]>();
  const candidates = attributes.filter((a) => !a.disable_correlation);
  if (candidates.length === 0) return out;
  const viewer = viewerOf(context, principal);
  const halves = (a: AttributeRecord) => [a.value, ...(a.value.includes("|") ? a.value.split("|") : [])];
  const values = [...new Set(candidates.flatMap(halves))];
  const related: AttributeRecord[] = [];
  // A few hundred values a query keeps each one well inside the databases' parameter limits.
  for (let i = 0; i < values.length; i += 500) related.push(...(await context.store.attributes.byValues(values.slice(i, i + 500), viewer)));
  const seen = new Set<number>();
  const unique = related.filter((r) => !r.disable_correlation && !seen.has(r.id) && (seen.add(r.id), true));
  const events = await context.store.events.byIds(unique.map((r) => r.event_id));
  for (const attribute of candidates) {
    const values = new Set(halves(attribute));
    const matches = unique
      .filter((r) => r.event_id !== attribute.event_id && halves(r).some((v) => values.has(v)))
      .map((r) => ({ attribute: r, event: events.get(r.event_id)! }))
      .filter((m) => m.event !== undefined);
    out.set(attribute.id, matches);
  }
  return out;
}

/** For each event, the other visible events its attributes correlate with (MISP's RelatedEvent), by id. */
export async function relatedEvents(context: AppContext, principal: Principal, trees: readonly EventTree[]): Promise<Map<number, EventRecord[]>> {
  const attributes = trees.flatMap((tree) => [...tree.attributes, ...tree.objects.flatMap((o) => o.attributes)].map((view) => view.attribute));
  const correlations = await correlationsOf(context, principal, attributes);
  const out = new Map<number, EventRecord[]>();
  for (const attribute of attributes) {
    const list = out.get(attribute.event_id) ?? [];
    for (const { event } of correlations.get(attribute.id) ?? []) if (!list.some((e) => e.id === event.id)) list.push(event);
    out.set(attribute.event_id, list);
  }
  for (const list of out.values()) list.sort((a, b) => a.id - b.id);
  return out;
}
