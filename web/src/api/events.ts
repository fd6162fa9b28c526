/** Events, attributes and sightings over MISP's routes. */
import { get, post, request } from "./client.js";

export interface Tag {
  id: string;
  name: string;
  colour: string;
  numerical_value: string | number | null;
  inherited?: number;
}

/** A model's score of an attribute; a model whose formula failed for it has `error` and no score. */
export interface DecayScore {
  score?: number;
  base_score?: number;
  decayed?: boolean;
  error?: string;
  DecayingModel: { id: string | number; name: string; [key: string]: unknown };
}

export interface Sighting {
  id: string;
  type: string | number;
  date_sighting: string | number;
  org_id: string;
  source?: string;
  Organisation?: { name: string };
}

export interface Attribute {
  id: string;
  event_id: string;
  object_id?: string;
  category: string;
  type: string;
  value: string;
  to_ids: boolean;
  comment: string;
  timestamp: string;
  last_seen?: string | null;
  deleted?: boolean;
  Tag?: Tag[];
  Sighting?: Sighting[];
  decay_score?: DecayScore[];
  Event?: { id: string; info: string; orgc_id?: string };
}

export interface EventSummary {
  id: string;
  info: string;
  date: string;
  published: boolean;
  attribute_count: string;
  threat_level_id: string;
  timestamp: string;
  Orgc: { id: string; name: string };
  EventTag?: Array<{ Tag: Tag }>;
}

export interface EventDetail extends Omit<EventSummary, "EventTag"> {
  Tag?: Tag[];
  Attribute: Attribute[];
  Object?: Array<{ id: string; name: string; Attribute: Attribute[] }>;
  Org: { id: string; name: string };
}

export async function listEvents(options: { search?: string; page: number; limit: number }): Promise<{ events: EventSummary[]; total: number | null }> {
  const body: Record<string, unknown> = { page: options.page, limit: options.limit };
  if (options.search) body.eventinfo = options.search;
  const events = await post<EventSummary[]>("/events/index", body);
  return { events, total: null };
}

export async function viewEvent(id: string): Promise<EventDetail> {
  const answer = await get<{ Event: EventDetail }>(`/events/view/${encodeURIComponent(id)}/includeDecayScore:1`);
  return answer.Event;
}

export const SIGHTING_TYPES = [
  { type: 0, label: "True positive", short: "TP" },
  { type: 1, label: "False positive", short: "FP" },
  { type: 2, label: "Expiration", short: "Exp." },
] as const;

export async function reportSighting(attributeId: string, type: 0 | 1 | 2): Promise<void> {
  await post("/sightings/add", { id: attributeId, type });
}

/** Counts of sightings by type: [true positives, false positives, expirations]. */
export function sightingCounts(sightings: readonly Sighting[] | undefined): [number, number, number] {
  const counts: [number, number, number] = [0, 0, 0];
  for (const s of sightings ?? []) {
    const type = Number(s.type);
    if (type === 0 || type === 1 || type === 2) counts[type]++;
  }
  return counts;
}

/** attributes/restSearch with the UI's filters, answered as a list of attributes. */
export async function searchAttributes(filters: Record<string, unknown>): Promise<Attribute[]> {
  const answer = await request<{ response?: { Attribute?: Attribute[] } }>("POST", "/attributes/restSearch", { returnFormat: "json", ...filters });
  return answer?.response?.Attribute ?? [];
}
