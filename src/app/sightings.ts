/**
 * Sightings: analysts report true positives (type 0), false positives (1) and expirations (2) on
 * attributes, by id, uuid or value. Listings follow the sightings policy.
 */
import { randomUUID } from "node:crypto";
import { HalflifeError, invalidInput } from "../core/errors.js";
import type { AttributeRecord, EventRecord, OrgRecord, Principal, SightingRecord, SightingType } from "../core/domain.js";
import type { SightingFilter, Viewer } from "../store/store.js";
import { resolveOrgIds } from "./event-index.js";
import { viewerOf, type AppContext } from "./context.js";
import { findAttributeIn } from "./attributes.js";
import { findEventIn } from "./events.js";
import { requirePermission } from "./permissions.js";

export interface SightingRequest {
  /** The attribute named in the URL (id or uuid). */
  reference?: string;
  uuid?: string;
  id?: string | number;
  values?: string[];
  type?: unknown;
  /** Unix seconds; default now. */
  timestamp?: number;
  source?: string;
}

export type SightingOutcome = { sighting: SightingRecord; count: number } | { message: string };

export function sightingType(value: unknown): SightingType {
  if (value === undefined || value === null || value === "") return 0;
  const n = typeof value === "string" && /^\s*\d+\s*$/.test(value) ? Number(value) : value;
  if (n === 0 || n === 1 || n === 2) return n;
  throw invalidInput("type", "must be 0 (sighting), 1 (false positive) or 2 (expiration)");
}

/**
 * sightings/add. One sighting per matching attribute, reported by the principal's organisation.
 * An expiration replaces the organisation's earlier expiration on the same attribute. Returns the
 * last sighting created, or MISP's "Could not add" message when nothing matches.
 */
export async function addSightings(context: AppContext, principal: Principal, request: SightingRequest): Promise<SightingOutcome> {
  requirePermission(principal, "perm_sighting");
  const type = sightingType(request.type);
  const date = request.timestamp ?? context.now();
  const source = (request.source ?? "").trim().slice(0, 255);

  return context.store.transaction(async (tx) => {
    let targets: AttributeRecord[];
    const single = request.reference ?? request.uuid ?? (request.id === undefined ? undefined : String(request.id));
    if (single !== undefined) {
      try {
        targets = [(await findAttributeIn(tx, context, principal, single)).attribute];
      } catch (error) {
        if (error instanceof HalflifeError && error.code === "NOT_FOUND") targets = [];
        else throw error;
      }
    } else if (request.values?.length) {
      targets = await tx.attributes.byValues(request.values, viewerOf(context, principal));
    } else {
      throw invalidInput("values", "name an attribute by id or uuid, or give a value");
    }
    if (targets.length === 0) return { message: "Could not add the Sighting. Reason: No valid attributes found that match the criteria." };

    const created: SightingRecord[] = [];
    for (const attribute of targets) {
      if (type === 2) await tx.sightings.deleteExpirations(attribute.id, principal.org.id);
      created.push(
        ...(await tx.sightings.insertMany([
          { uuid: randomUUID(), attribute_id: attribute.id, event_id: attribute.event_id, org_id: principal.org.id, date_sighting: date, source, type },
        ])),
      );
    }
    return { sighting: created.at(-1)!, count: created.length };
  });
}

export interface SightingSearch {
  context?: "attribute" | "event";
  ids?: Array<string | number>;
  uuids?: string[];
  types?: number[];
  from?: number;
  to?: number;
  /** Organisations by id, uuid or name; the store resolves them here, not at the edge. */
  orgs?: string[];
  notOrgs?: string[];
  source?: string;
}

/** MISP's paging of a search: `limit` results per page, `page` from 1. */
export interface SightingPaging {
  limit?: number;
  page?: number;
}

export interface SightingListing {
  sightings: SightingRecord[];
  orgs: Map<number, OrgRecord>;
  attributes: Map<number, AttributeRecord>;
  events: Map<number, EventRecord>;
}

const DEFAULT_WINDOW = 30 * 86_400;

/** Sightings read and presented at a time: what a streamed answer holds in memory at once. */
const BATCH = 1_000;

/** A search's answer, read a batch at a time as it is consumed (each batch with the records it names). */
export interface SightingPages {
  pages: AsyncIterable<SightingListing>;
}

/** The first row to skip and how many to give, from MISP's `limit` and `page`. */
export function sightingWindow(paging: SightingPaging): { offset: number; limit: number } {
  for (const field of ["limit", "page"] as const) {
    const value = paging[field];
    if (value !== undefined && (!Number.isSafeInteger(value) || value < 1)) throw invalidInput(field, "must be a whole number from 1");
  }
  if (paging.limit === undefined) {
    if (paging.page !== undefined && paging.page !== 1) throw invalidInput("page", "needs a limit");
    return { offset: 0, limit: Number.POSITIVE_INFINITY };
  }
  const offset = ((paging.page ?? 1) - 1) * paging.limit;
  if (!Number.isSafeInteger(offset)) throw invalidInput("page", "is too far: page × limit passes 2^53");
  return { offset, limit: paging.limit };
}

/**
 * sightings/restSearch: visible sightings, oldest first; the last 30 days unless a window is
 * given; `limit` and `page` as in MISP. The answer is read a batch at a time, by keyset, as the
 * client reads it, so a million sightings never sit in memory at once. Filters are checked (and
 * contexts resolved) before this returns: a bad request fails before anything is sent.
 */
export async function searchSightings(context: AppContext, principal: Principal, search: SightingSearch, paging: SightingPaging = {}): Promise<SightingPages> {
  const window = sightingWindow(paging);
  const viewer = viewerOf(context, principal);
  const filter: SightingFilter = {};
  if (search.types) filter.types = search.types;
  if (search.orgs?.length) filter.orgIds = await resolveOrgIds(context.store, search.orgs);
  if (search.notOrgs?.length) filter.notOrgIds = await resolveOrgIds(context.store, search.notOrgs);
  if (search.source !== undefined) filter.source = search.source;
  if (search.from === undefined && search.to === undefined) filter.from = context.now() - DEFAULT_WINDOW;
  else {
    if (search.from !== undefined) filter.from = search.from;
    if (search.to !== undefined) filter.to = search.to;
  }

  if (search.context) {
    if (!search.ids?.length && !search.uuids?.length) throw invalidInput("id", `a ${search.context} context needs an id or a uuid`);
    const references = [...(search.ids ?? []).map(String), ...(search.uuids ?? [])];
    const found: number[] = [];
    for (const reference of references) {
      try {
        found.push(
          search.context === "attribute"
            ? (await findAttributeIn(context.store, context, principal, reference, { includeDeleted: true })).attribute.id
            : (await findEventIn(context.store, context, principal, reference)).id,
        );
      } catch (error) {
        if (!(error instanceof HalflifeError && error.code === "NOT_FOUND")) throw error;
      }
    }
    if (search.context === "attribute") filter.attributeIds = found;
    else filter.eventIds = found;
  } else {
    if (search.ids) filter.ids = search.ids.map(Number).filter(Number.isInteger);
    if (search.uuids) filter.uuids = search.uuids;
  }

  // The first batch is read now: a value the database refuses fails the request with a 4xx
  // before its 200 is sent.
  const size = Math.min(BATCH, window.limit);
  const first = await context.store.sightings.list(filter, viewer, { limit: size, offset: window.offset });
  return { pages: sightingPages(context, filter, viewer, first, window.limit - first.length, first.length === size) };
}

async function* sightingPages(
  context: AppContext,
  filter: SightingFilter,
  viewer: Viewer,
  first: SightingRecord[],
  left: number,
  more: boolean,
): AsyncIterable<SightingListing> {
  let batch = first;
  for (;;) {
    if (batch.length > 0) yield await withRelated(context, batch);
    if (!more || left <= 0) return;
    const size = Math.min(BATCH, left);
    batch = await context.store.sightings.list(filter, viewer, { limit: size, after: batch.at(-1)! });
    left -= batch.length;
    more = batch.length === size;
  }
}

async function withRelated(context: AppContext, sightings: SightingRecord[]): Promise<SightingListing> {
  const [attributes, events] = await Promise.all([
    context.store.attributes.byIds(sightings.map((s) => s.attribute_id)),
    context.store.events.byIds(sightings.map((s) => s.event_id)),
  ]);
  const orgs = await context.store.orgs.byIds([...sightings.map((s) => s.org_id), ...[...events.values()].map((e) => e.orgc_id)]);
  return { sightings, orgs, attributes, events };
}

/** sightings/listSightings: every visible sighting of one attribute or event, newest first. */
export async function listSightings(
  context: AppContext,
  principal: Principal,
  request: { context: "attribute" | "event"; reference: string; /** An organisation's id, uuid or name. */ org?: string },
): Promise<SightingListing> {
  const viewer = viewerOf(context, principal);
  const filter: SightingFilter =
    request.context === "attribute"
      ? { attributeIds: [(await findAttributeIn(context.store, context, principal, request.reference, { includeDeleted: true })).attribute.id] }
      : { eventIds: [(await findEventIn(context.store, context, principal, request.reference)).id] };
  if (request.org !== undefined) filter.orgIds = await resolveOrgIds(context.store, [request.org]);
  const sightings = (await context.store.sightings.list(filter, viewer)).reverse();
  return withRelated(context, sightings);
}

/** sightings/delete: a site admin, or the organisation that reported it (with perm_sighting). */
export async function deleteSighting(context: AppContext, principal: Principal, reference: number | string): Promise<SightingRecord> {
  requirePermission(principal, "perm_sighting");
  return context.store.transaction(async (tx) => {
    // By id, or by uuid as PyMISP's delete_sighting names it.
    const text = String(reference).trim();
    const sighting = /^\d+$/.test(text) ? await tx.sightings.byId(Number(text)) : await tx.sightings.byUuid(text.toLowerCase());
    if (!sighting || (!principal.role.perm_site_admin && sighting.org_id !== principal.org.id)) throw new HalflifeError("NOT_FOUND", "Invalid sighting.");
    await tx.sightings.delete(sighting.id);
    return sighting;
  });
}
