/**
 * Organisations, as MISP's administration API has them. Every user may list and view the
 * instance's organisations (MISP's default); only site admins create, change and delete them. An
 * organisation that anything still refers to (users, events, sightings, models) cannot be deleted,
 * nor can the host organisation: its history would lose its owner.
 */
import { randomUUID } from "node:crypto";
import { HalflifeError, invalidInput } from "../core/errors.js";
import type { OrgProfile, OrgRecord, Principal } from "../core/domain.js";
import type { AppContext } from "./context.js";
import { requireSiteAdmin } from "./permissions.js";

export interface OrgInput {
  name?: string;
  description?: string;
  uuid?: string;
  local?: boolean;
  profile?: Partial<OrgProfile>;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

function validName(name: string | undefined): string {
  const trimmed = name?.trim();
  if (!trimmed) throw invalidInput("name", "is required");
  if (trimmed.length > 255) throw invalidInput("name", "is longer than 255 characters");
  return trimmed;
}

/** An organisation by id, uuid or name, or MISP's "Invalid organisation". */
export async function findOrg(context: AppContext, reference: string | number): Promise<OrgRecord> {
  const text = String(reference).trim();
  const org = /^\d+$/.test(text)
    ? await context.store.orgs.byId(Number(text))
    : UUID.test(text)
      ? await context.store.orgs.byUuid(text.toLowerCase())
      : await context.store.orgs.byName(text);
  if (!org) throw new HalflifeError("NOT_FOUND", "Invalid organisation", { field: "org" });
  return org;
}

/** Creates an organisation. `principal` null means the instance itself (the command line). */
export async function createOrg(context: AppContext, principal: Principal | null, input: OrgInput): Promise<OrgRecord> {
  if (principal) requireSiteAdmin(principal);
  const name = validName(input.name);
  if (input.uuid !== undefined && !UUID.test(input.uuid)) throw invalidInput("uuid", "must be a uuid");
  const uuid = (input.uuid ?? randomUUID()).toLowerCase();
  const now = context.now();
  return context.store.transaction(async (tx) => {
    if (await tx.orgs.byName(name)) throw new HalflifeError("CONFLICT", `An organisation named ${name} already exists.`, { field: "name" });
    if (await tx.orgs.byUuid(uuid)) throw new HalflifeError("CONFLICT", `An organisation with uuid ${uuid} already exists.`, { field: "uuid" });
    return tx.orgs.create({
      uuid,
      name,
      description: input.description ?? "",
      local: input.local ?? true,
      created: now,
      modified: now,
      created_by: principal?.user.id ?? 0,
      profile: { type: "", nationality: "", sector: "", contacts: "", landingpage: "", restricted_to_domain: [], ...input.profile },
    });
  });
}

/** Every organisation of the instance, or those whose name, uuid or description contains `search`. */
export async function listOrgs(context: AppContext, _principal: Principal | null, filter: { local?: boolean; search?: string } = {}): Promise<OrgRecord[]> {
  return context.store.orgs.list(filter);
}

export async function viewOrg(context: AppContext, _principal: Principal | null, reference: string | number): Promise<OrgRecord> {
  return findOrg(context, reference);
}

/** Changes the fields given, and only those (site admins). */
export async function editOrg(context: AppContext, principal: Principal | null, reference: string | number, input: OrgInput): Promise<OrgRecord> {
  if (principal) requireSiteAdmin(principal);
  const org = await findOrg(context, reference);
  const name = input.name === undefined ? undefined : validName(input.name);
  if (input.uuid !== undefined && input.uuid.toLowerCase() !== org.uuid) throw invalidInput("uuid", "cannot change");
  return context.store.transaction(async (tx) => {
    if (name !== undefined && name !== org.name) {
      const other = await tx.orgs.byName(name);
      if (other && other.id !== org.id) throw new HalflifeError("CONFLICT", `An organisation named ${name} already exists.`, { field: "name" });
    }
    const fields: Partial<Omit<OrgRecord, "id">> = { modified: context.now() };
    if (name !== undefined) fields.name = name;
    if (input.description !== undefined) fields.description = input.description;
    if (input.local !== undefined) fields.local = input.local;
    if (input.profile) fields.profile = { ...org.profile, ...input.profile };
    await tx.orgs.update(org.id, fields);
    return (await tx.orgs.byId(org.id))!;
  });
}

/** Deletes an organisation nothing refers to any more (site admins). */
export async function deleteOrg(context: AppContext, principal: Principal | null, reference: string | number): Promise<OrgRecord> {
  if (principal) requireSiteAdmin(principal);
  const org = await findOrg(context, reference);
  if (org.id === context.hostOrgId()) throw new HalflifeError("FORBIDDEN", "The host organisation cannot be deleted.");
  return context.store.transaction(async (tx) => {
    const left = await tx.orgs.references(org.id);
    const held = Object.entries(left).filter(([, n]) => n > 0);
    if (held.length > 0) {
      const what = held.map(([kind, n]) => `${n} ${n === 1 ? kind.replace(/s$/, "") : kind}`).join(", ");
      throw new HalflifeError("CONFLICT", `The organisation still has ${what}; move or delete them first.`, { field: "org" });
    }
    await tx.orgs.delete(org.id);
    return org;
  });
}
