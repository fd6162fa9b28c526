/**
 * Sightings: analysts report true positives (type 0), false positives (1) and expirations (2) on
 * attributes, by id, uuid or value. Listings follow the sightings policy.
 */
import { randomUUID } from "node:crypto";
import { HalflifeError, invalidInput } from "../core/errors.js";
import type { AttributeRecord, EventRecord, OrgRecord, Principal, SightingRecord, SightingType } from "../core/domain.js";
import type { SightingFilter } from "../store/store.js";
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

export interface SightingListing {
  sightings: SightingRecord[];
  orgs: Map<number, OrgRecord>;
  attributes: Map<number, AttributeRecord>;
  events: Map<number, EventRecord>;
}

const DEFAULT_WINDOW = 30 * 86_400;

/** sightings/restSearch: visible sightings; the last 30 days unless a window is given. */
export async function searchSightings(context: AppContext, principal: Principal, search: SightingSearch): Promise<SightingListing> {
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

  const sightings = await context.store.sightings.list(filter, viewer);
  return withRelated(context, sightings);
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
