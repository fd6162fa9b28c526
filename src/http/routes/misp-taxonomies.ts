/** Taxonomies (index, view, enable, disable, update) and tags (index, view, add, edit, attach). */
import { changeTag, tagChangeMessage } from "../../app/attributes.js";
import { findTaxonomy, setTaxonomyEnabled, updateBuiltinTaxonomies } from "../../app/taxonomies.js";
import { checkTagName, colourFor, deleteTag, editTag } from "../../app/tags.js";
import { requirePermission } from "../../app/permissions.js";
import { HalflifeError, invalidInput } from "../../core/errors.js";
import { taxonomyTags } from "../../core/taxonomy.js";
import { mispBool, mispInt, parseWith } from "../../misp/parse.js";
import { presentSaved, presentTag, presentTaxonomy } from "../../misp/present.js";
import { requestPath } from "../errors.js";
import type { RouteTable } from "../route-table.js";
import type { HttpDeps } from "../server.js";
import { allParameters, flag, modelBody, pathParam } from "./helpers.js";
import { z } from "zod";

const tagEdit = z.looseObject({
  name: z.string().max(255).optional(),
  colour: z.string().max(7).optional(),
  exportable: mispBool.optional(),
  hide_tag: mispBool.optional(),
  local_only: mispBool.optional(),
  numerical_value: z.union([z.null(), z.literal(""), z.number(), z.string().regex(/^-?\d+(\.\d+)?$/, "must be a number")]).optional(),
});

export function taxonomyRoutes(table: RouteTable, deps: HttpDeps): void {
  const { context } = deps;
  table
    .add({
      methods: ["GET"],
      path: "/taxonomies/index",
      group: "taxonomies",
      summary: "Every taxonomy, with how many of its tags exist.",
      handler: async (c) => {
        const taxonomies = await context.store.taxonomies.list();
        const out = [];
        for (const taxonomy of taxonomies) {
          const definition = await context.store.taxonomies.definition(taxonomy.id);
          const names = definition ? taxonomyTags(definition).map((t) => t.name) : [];
          const existing = await context.store.tags.byNames(names);
          out.push({ Taxonomy: presentTaxonomy(taxonomy), total_count: names.length, current_count: existing.size });
        }
        return c.json(out);
      },
    })
    .add({
      methods: ["GET"],
      path: "/taxonomies/view/:id",
      group: "taxonomies",
      summary: "A taxonomy (by id or namespace) with its tags and their numerical values.",
      handler: async (c) => {
        const taxonomy = await findTaxonomy(context, pathParam(c, "id"));
        const definition = (await context.store.taxonomies.definition(taxonomy.id))!;
        const tags = taxonomyTags(definition);
        const existing = await context.store.tags.byNames(tags.map((t) => t.name));
        return c.json({
          Taxonomy: presentTaxonomy(taxonomy),
          entries: tags.map((tag) => ({
            tag: tag.name,
            expanded: tag.expanded,
            exclusive_predicate: definition.predicates.find((p) => p.value === tag.predicate)?.exclusive ?? false,
            description: "",
            numerical_value: tag.numerical_value,
            existing_tag: existing.has(tag.name) ? { Tag: presentTag(existing.get(tag.name)!) } : false,
          })),
        });
      },
    });

  for (const enabled of [true, false]) {
    table.add({
      methods: ["POST"],
      path: `/taxonomies/${enabled ? "enable" : "disable"}/:id`,
      group: "taxonomies",
      summary: `${enabled ? "Enable" : "Disable"} a taxonomy (site admins).`,
      handler: async (c, principal) => {
        const taxonomy = await setTaxonomyEnabled(context, principal, pathParam(c, "id"), enabled);
        return c.json(presentSaved(`Taxonomy ${enabled ? "enabled" : "disabled"}`, requestPath(c), taxonomy.id));
      },
    });
  }

  table
    .add({
      methods: ["POST"],
      path: "/taxonomies/update",
      group: "taxonomies",
      summary: "Re-apply Halflife's built-in scoring taxonomies (site admins). Other taxonomies come from `halflife taxonomies import`.",
      handler: async (c, principal) => {
        const results = await updateBuiltinTaxonomies(context, principal);
        const message = results.length === 0 ? "All taxonomy libraries are up to date already." : `Successfully updated ${results.length} taxonomies.`;
        return c.json(presentSaved(message, requestPath(c)));
      },
    })
    .add({
      methods: ["GET", "POST"],
      path: "/tags/index",
      group: "tags",
      summary: "Tags, optionally those whose name matches searchall (% wildcards).",
      handler: async (c) => {
        const params = await allParameters(c);
        const search = typeof params.searchall === "string" && params.searchall !== "" ? params.searchall : typeof params.search === "string" ? params.search : undefined;
        const tags = await context.store.tags.list(search === undefined ? {} : { search: search.includes("%") ? search : `%${search}%` });
        const usage = await context.store.tags.usageCounts(tags.map((t) => t.id));
        return c.json({
          Tag: tags.map((tag) => presentTag(tag, { count: usage.get(tag.id)!.events, attribute_count: usage.get(tag.id)!.attributes })),
        });
      },
    })
    .add({
      methods: ["GET"],
      path: "/tags/view/:id",
      group: "tags",
      summary: "One tag, by id or name.",
      handler: async (c) => {
        const reference = pathParam(c, "id");
        const tag = /^\d+$/.test(reference) ? await context.store.tags.byId(Number(reference)) : await context.store.tags.byName(reference);
        if (!tag) throw new HalflifeError("NOT_FOUND", "Invalid tag");
        return c.json(presentTag(tag));
      },
    })
    .add({
      methods: ["POST"],
      path: "/tags/add",
      group: "tags",
      summary: "Create a tag (perm_tag_editor); its numerical value comes from a stored taxonomy unless given.",
      body: tagEdit,
      handler: async (c, principal) => {
        requirePermission(principal, "perm_tag_editor");
        const body = parseWith(tagEdit, await modelBody(c, "Tag"));
        const name = checkTagName(body.name);
        const tag = await context.store.transaction(async (tx) => {
          if (await tx.tags.byName(name)) throw new HalflifeError("CONFLICT", `A tag named ${name} already exists.`, { field: "name" });
          const value = (await tx.taxonomies.valuesForTags([name])).get(name) ?? null;
          return tx.tags.create({
            name,
            colour: body.colour ?? colourFor(name),
            exportable: body.exportable ?? true,
            hide_tag: body.hide_tag ?? false,
            numerical_value: value,
            is_galaxy: false,
            is_custom_galaxy: false,
            local_only: body.local_only ?? false,
            org_id: 0,
            user_id: 0,
          });
        });
        const numerical = body.numerical_value;
        const final = numerical === undefined || numerical === "" ? tag : await editTag(context, principal, tag.id, { numerical_value: numerical === null ? null : Number(numerical) });
        return c.json({ Tag: presentTag(final) });
      },
    })
    .add({
      methods: ["POST", "PUT"],
      path: "/tags/edit/:id",
      group: "tags",
      summary: "Change a tag's name, colour, flags or numerical value (perm_tag_editor).",
      body: tagEdit,
      handler: async (c, principal) => {
        const body = parseWith(tagEdit, await modelBody(c, "Tag"));
        const id = parseWith(mispInt, pathParam(c, "id"), "id");
        const numerical = body.numerical_value;
        const tag = await editTag(context, principal, id, {
          ...(body.name !== undefined ? { name: body.name } : {}),
          ...(body.colour !== undefined ? { colour: body.colour } : {}),
          ...(body.exportable !== undefined ? { exportable: body.exportable } : {}),
          ...(body.hide_tag !== undefined ? { hide_tag: body.hide_tag } : {}),
          ...(body.local_only !== undefined ? { local_only: body.local_only } : {}),
          ...(numerical !== undefined ? { numerical_value: numerical === null || numerical === "" ? null : Number(numerical) } : {}),
        });
        return c.json({ Tag: presentTag(tag) });
      },
    });

  table.add({
    methods: ["POST", "DELETE"],
    path: "/tags/delete/:id",
    group: "tags",
    summary: "Delete a tag and its links to events and attributes (perm_tag_editor).",
    handler: async (c, principal) => {
      const tag = await deleteTag(context, principal, parseWith(mispInt, pathParam(c, "id"), "id"));
      return c.json(presentSaved("Tag deleted.", requestPath(c), tag.id));
    },
  });

  // PyMISP's tag() and untag() use these two, naming the event or attribute by uuid.
  for (const remove of [false, true]) {
    table.add({
      methods: ["POST"],
      path: remove ? "/tags/removeTagFromObject" : "/tags/attachTagToObject",
      group: "tags",
      summary: remove ? "Remove a tag from the event or attribute with this uuid." : "Tag the event or attribute with this uuid.",
      handler: async (c, principal) => {
        const body = await allParameters(c);
        if (typeof body.uuid !== "string" || (typeof body.tag !== "string" && typeof body.tag !== "number")) {
          throw invalidInput("uuid", "name the event or attribute by uuid, and the tag by name or id");
        }
        const change = await changeTag(context, principal, { target: "either", reference: body.uuid.toLowerCase(), tag: body.tag, local: flag(body.local), remove });
        return c.json(presentSaved(tagChangeMessage(change, remove), requestPath(c), change.targetId));
      },
    });
  }
}
