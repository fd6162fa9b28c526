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
 * allows it. Names that cannot be created are left out of the result.
 */
export async function tagsByName(tx: StoreSession, names: readonly string[], create: boolean): Promise<Map<string, TagRecord>> {
  const unique = [...new Set(names)];
  const found = await tx.tags.byNames(unique);
  const missing = unique.filter((name) => !found.has(name));
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
    if (!tag) throw new HalflifeError("NOT_FOUND", "Invalid Tag.", { field: "tag" });
    return tag;
  }
  const name = checkTagName(reference, "tag");
  const existing = await tx.tags.byName(name);
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
}

/** tags/edit: site admins, or users with perm_tag_editor. */
export async function editTag(context: AppContext, principal: Principal, id: number, edit: TagEdit): Promise<TagRecord> {
  requirePermission(principal, "perm_tag_editor");
  if (edit.numerical_value !== undefined && edit.numerical_value !== null) {
    if (!Number.isFinite(edit.numerical_value)) throw invalidInput("numerical_value", "must be a finite number");
    if (edit.numerical_value < 0) throw invalidInput("numerical_value", "must not be negative (a negative value would make scores rise with age)");
  }
  if (edit.colour !== undefined && !/^#[0-9A-Fa-f]{6}$/.test(edit.colour)) throw invalidInput("colour", "must look like #1a2b3c");
  if (edit.name !== undefined) edit.name = checkTagName(edit.name);
  return context.store.transaction(async (tx) => {
    const tag = await tx.tags.byId(id);
    if (!tag) throw new HalflifeError("NOT_FOUND", "Invalid Tag.");
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
