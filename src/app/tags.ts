/**
 * Finding and creating tags. A tag named after a taxonomy entry gets that entry's numerical value
 * and colour when it is created, which is what makes base scores work for tags that arrive on
 * imported or pushed events.
 */
import { createHash } from "node:crypto";
import { HalflifeError, invalidInput } from "../core/errors.js";
import type { Principal, TagRecord } from "../core/domain.js";
import type { StoreSession } from "../store/store.js";
import type { AppContext } from "./context.js";
import { forbidden, requirePermission } from "./permissions.js";

/** A stable colour for a tag that has none: the same name always gets the same colour. */
export function colourFor(name: string): string {
  return `#${createHash("sha256").update(name).digest("hex").slice(0, 6)}`;
}

const MAX_TAG_NAME = 255;

export function checkTagName(name: unknown, field = "name"): string {
  if (typeof name !== "string" || name.trim() === "") throw invalidInput(field, "must be a non-empty tag name");
  if (name.length > MAX_TAG_NAME) throw invalidInput(field, `is longer than ${MAX_TAG_NAME} characters`);
  return name.trim();
}

/**
 * Tags by name, creating the missing ones (with values from the stored taxonomies) when `create`
 * allows it. Names that cannot be created are left out of the result, and so are tags restricted
 * to another organisation or user than `usableBy` (when given).
 */
export async function tagsByName(tx: StoreSession, names: readonly string[], create: boolean, usableBy?: Principal): Promise<Map<string, TagRecord>> {
  const unique = [...new Set(names)];
  const existing = await tx.tags.byNames(unique);
  const missing = unique.filter((name) => !existing.has(name));
  const found = usableBy ? new Map([...existing].filter(([, tag]) => canUseTag(usableBy, tag))) : existing;
  if (missing.length === 0 || !create) return found;
  const values = await tx.taxonomies.valuesForTags(missing);
  for (const name of missing) {
    found.set(
      name,
      await tx.tags.create({
        name,
        colour: colourFor(name),
        exportable: true,
        hide_tag: false,
        numerical_value: values.get(name) ?? null,
        is_galaxy: name.startsWith("misp-galaxy:"),
        is_custom_galaxy: false,
        local_only: false,
        org_id: 0,
        user_id: 0,
      }),
    );
  }
  return found;
}

/**
 * The tag a request names, by id or by name. Unknown names are created when the principal may
 * create tags (perm_tag_editor); otherwise they are an error.
 */
export async function resolveTag(tx: StoreSession, principal: Principal, reference: string | number): Promise<TagRecord> {
  if (typeof reference === "number" || /^\d+$/.test(reference)) {
    const tag = await tx.tags.byId(Number(reference));
    if (!tag || !canUseTag(principal, tag)) throw new HalflifeError("NOT_FOUND", "Invalid Tag.", { field: "tag" });
    return tag;
  }
  const name = checkTagName(reference, "tag");
  const existing = await tx.tags.byName(name);
  // A tag restricted to someone else answers as an unknown one would.
  if (existing && !canUseTag(principal, existing)) throw new HalflifeError("NOT_FOUND", "Invalid Tag.", { field: "tag" });
  if (existing) return existing;
  if (!principal.role.perm_site_admin && !principal.role.perm_tag_editor) throw forbidden("You do not have permission to create tags.");
  return (await tagsByName(tx, [name], true)).get(name)!;
}

export interface TagEdit {
  name?: string;
  colour?: string;
  exportable?: boolean;
  hide_tag?: boolean;
  numerical_value?: number | null;
  local_only?: boolean;
  /** Only this organisation's users may attach the tag (0: everyone). */
  org_id?: number;
  /** Only this user may attach the tag (0: everyone). */
  user_id?: number;
}

const COLOUR = /^#[0-9A-Fa-f]{6}$/;

/** Checks the fields of an add or an edit alike, before anything is written. */
function checkTagEdit(edit: TagEdit): TagEdit {
  const checked = { ...edit };
  if (checked.numerical_value !== undefined && checked.numerical_value !== null) {
    if (!Number.isFinite(checked.numerical_value)) throw invalidInput("numerical_value", "must be a finite number");
    if (checked.numerical_value < 0) throw invalidInput("numerical_value", "must not be negative (a negative value would make scores rise with age)");
  }
  if (checked.colour !== undefined && !COLOUR.test(checked.colour)) throw invalidInput("colour", "must look like #1a2b3c");
  if (checked.name !== undefined) checked.name = checkTagName(checked.name);
  for (const field of ["org_id", "user_id"] as const) {
    const value = checked[field];
    if (value !== undefined && (!Number.isSafeInteger(value) || value < 0)) throw invalidInput(field, "must be 0 (no restriction) or an id");
  }
  return checked;
}

/**
 * The restriction of a tag to an organisation or a user: it must name one that exists, and only
 * site admins may restrict a tag to another organisation or to someone else.
 */
async function checkRestriction(tx: StoreSession, principal: Principal, edit: TagEdit): Promise<void> {
  const admin = principal.role.perm_site_admin;
  if (edit.org_id) {
    if (!(await tx.orgs.byId(edit.org_id))) throw invalidInput("org_id", "names no organisation");
    if (!admin && edit.org_id !== principal.org.id) throw forbidden("Only site admins may restrict a tag to another organisation.");
  }
  if (edit.user_id) {
    const user = await tx.users.byId(edit.user_id);
    if (!user) throw invalidInput("user_id", "names no user");
    if (edit.org_id && user.org_id !== edit.org_id) throw invalidInput("user_id", "must be a user of the organisation in org_id");
    if (!admin && edit.user_id !== principal.user.id) throw forbidden("Only site admins may restrict a tag to another user.");
  }
}

/**
 * Whether a principal may attach a tag: tags restricted to an organisation (org_id) or a user
 * (user_id) are theirs alone, as in MISP; site admins may attach any tag.
 */
export function canUseTag(principal: Principal, tag: TagRecord): boolean {
  if (principal.role.perm_site_admin) return true;
  return (tag.org_id === 0 || tag.org_id === principal.org.id) && (tag.user_id === 0 || tag.user_id === principal.user.id);
}

/**
 * tags/add: site admins, or users with perm_tag_editor. Everything is checked first, then the tag
 * is created in one transaction: a refused request creates nothing. Without a numerical value the
 * tag takes its taxonomy entry's, when a stored taxonomy has one.
 */
export async function addTag(context: AppContext, principal: Principal, input: TagEdit): Promise<TagRecord> {
  requirePermission(principal, "perm_tag_editor");
  const tag = checkTagEdit(input);
  if (tag.name === undefined) throw invalidInput("name", "is required");
  const name = tag.name;
  return context.store.transaction(async (tx) => {
    await checkRestriction(tx, principal, tag);
    if (await tx.tags.byName(name)) throw new HalflifeError("CONFLICT", `A tag named ${name} already exists.`, { field: "name" });
    const taxonomyValue = (await tx.taxonomies.valuesForTags([name])).get(name) ?? null;
    return tx.tags.create({
      name,
      colour: tag.colour ?? colourFor(name),
      exportable: tag.exportable ?? true,
      hide_tag: tag.hide_tag ?? false,
      numerical_value: tag.numerical_value === undefined ? taxonomyValue : tag.numerical_value,
      is_galaxy: name.startsWith("misp-galaxy:"),
      is_custom_galaxy: false,
      local_only: tag.local_only ?? false,
      org_id: tag.org_id ?? 0,
      user_id: tag.user_id ?? 0,
    });
  });
}

/** tags/edit: site admins, or users with perm_tag_editor. */
export async function editTag(context: AppContext, principal: Principal, id: number, input: TagEdit): Promise<TagRecord> {
  requirePermission(principal, "perm_tag_editor");
  const edit = checkTagEdit(input);
  return context.store.transaction(async (tx) => {
    const tag = await tx.tags.byId(id);
    if (!tag) throw new HalflifeError("NOT_FOUND", "Invalid Tag.");
    if (!canUseTag(principal, tag)) throw new HalflifeError("NOT_FOUND", "Invalid Tag.");
    await checkRestriction(tx, principal, edit);
    if (edit.name !== undefined && edit.name !== tag.name && (await tx.tags.byName(edit.name))) {
      throw new HalflifeError("CONFLICT", `A tag named ${edit.name} already exists.`, { field: "name" });
    }
    await tx.tags.update(id, edit);
    return (await tx.tags.byId(id))!;
  });
}

/** tags/delete: the tag and every link to it, for perm_tag_editor (MISP's rule) or site admins. */
export async function deleteTag(context: AppContext, principal: Principal, id: number): Promise<TagRecord> {
  requirePermission(principal, "perm_tag_editor");
  return context.store.transaction(async (tx) => {
    const tag = await tx.tags.byId(id);
    if (!tag) throw new HalflifeError("NOT_FOUND", "Invalid tag");
    await tx.tags.delete(id);
    return tag;
  });
}
