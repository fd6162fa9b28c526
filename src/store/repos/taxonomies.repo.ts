import { parseTagName } from "../../core/tags.js";
import { taxonomyTags, type Taxonomy, type TaxonomyEntry, type TaxonomyPredicate } from "../../core/taxonomy.js";
import { toTaxonomy } from "../rows.js";
import type { TaxonomiesPort } from "../store.js";
import type { Db } from "./common.js";
import type { ChangeTracker } from "../changes.js";

/** Optional text fields are stored as "" and read back as absent. */
const text = (value: string) => (value === "" ? undefined : value);

function entryFields(entry: TaxonomyEntry) {
  return {
    value: entry.value,
    expanded: entry.expanded ?? "",
    colour: entry.colour ?? "",
    description: entry.description ?? "",
    numerical_value: entry.numerical_value ?? null,
  };
}

function readEntry<T extends TaxonomyEntry>(row: { value: string; expanded: string; colour: string; description: string; numerical_value: number | null }): T {
  const entry: TaxonomyEntry = { value: row.value };
  if (text(row.expanded)) entry.expanded = row.expanded;
  if (text(row.colour)) entry.colour = row.colour;
  if (text(row.description)) entry.description = row.description;
  if (row.numerical_value !== null) entry.numerical_value = Number(row.numerical_value);
  return entry as T;
}

export function taxonomiesRepo(db: Db, changes: ChangeTracker): TaxonomiesPort {
  async function definitionsFor(namespaces: readonly string[]): Promise<Taxonomy[]> {
    if (namespaces.length === 0) return [];
    const rows = await db.selectFrom("taxonomies").select("id").where("namespace", "in", [...new Set(namespaces)]).execute();
    const out: Taxonomy[] = [];
    for (const row of rows) {
      const definition = await repo.definition(row.id);
      if (definition) out.push(definition);
    }
    return out;
  }

  const repo: TaxonomiesPort = {
    async upsert(taxonomy: Taxonomy) {
      const existing = await db.selectFrom("taxonomies").selectAll().where("namespace", "=", taxonomy.namespace).executeTakeFirst();
      const fields = {
        description: taxonomy.description,
        version: taxonomy.version,
        exclusive: taxonomy.exclusive ? 1 : 0,
        expanded: taxonomy.expanded ?? "",
      };
      let id: number;
      if (existing) {
        id = existing.id;
        await db.updateTable("taxonomies").set(fields).where("id", "=", id).execute();
        await db.deleteFrom("taxonomy_predicates").where("taxonomy_id", "=", id).execute();
      } else {
        id = (await db.insertInto("taxonomies").values({ namespace: taxonomy.namespace, ...fields }).returning("id").executeTakeFirstOrThrow()).id;
      }
      for (const predicate of taxonomy.predicates) {
        const { id: predicateId } = await db
          .insertInto("taxonomy_predicates")
          .values({ taxonomy_id: id, exclusive: predicate.exclusive ? 1 : 0, ...entryFields(predicate) })
          .returning("id")
          .executeTakeFirstOrThrow();
        if (predicate.entries?.length) {
          await db
            .insertInto("taxonomy_entries")
            .values(predicate.entries.map((entry) => ({ taxonomy_predicate_id: predicateId, ...entryFields(entry) })))
            .execute();
        }
      }
      const record = toTaxonomy(await db.selectFrom("taxonomies").selectAll().where("id", "=", id).executeTakeFirstOrThrow());
      return { record, created: !existing };
    },
    async list() {
      return (await db.selectFrom("taxonomies").selectAll().orderBy("namespace").execute()).map(toTaxonomy);
    },
    async byId(id) {
      const row = await db.selectFrom("taxonomies").selectAll().where("id", "=", id).executeTakeFirst();
      return row ? toTaxonomy(row) : null;
    },
    async byNamespace(namespace) {
      const row = await db.selectFrom("taxonomies").selectAll().where("namespace", "=", namespace).executeTakeFirst();
      return row ? toTaxonomy(row) : null;
    },
    async definition(id) {
      const taxonomy = await db.selectFrom("taxonomies").selectAll().where("id", "=", id).executeTakeFirst();
      if (!taxonomy) return null;
      const predicates = await db.selectFrom("taxonomy_predicates").selectAll().where("taxonomy_id", "=", id).orderBy("id").execute();
      const entries = predicates.length
        ? await db
            .selectFrom("taxonomy_entries")
            .selectAll()
            .where(
              "taxonomy_predicate_id",
              "in",
              predicates.map((p) => p.id),
            )
            .orderBy("id")
            .execute()
        : [];
      const definition: Taxonomy = {
        namespace: taxonomy.namespace,
        description: taxonomy.description,
        version: taxonomy.version,
        predicates: predicates.map((row) => {
          const predicate = readEntry<TaxonomyPredicate>(row);
          if (row.exclusive) predicate.exclusive = true;
          const own = entries.filter((e) => e.taxonomy_predicate_id === row.id).map((e) => readEntry(e));
          if (own.length) predicate.entries = own;
          return predicate;
        }),
      };
      if (taxonomy.expanded) definition.expanded = taxonomy.expanded;
      if (taxonomy.exclusive) definition.exclusive = true;
      return definition;
    },
    async setEnabled(id, enabled) {
      await db.updateTable("taxonomies").set({ enabled: enabled ? 1 : 0 }).where("id", "=", id).execute();
    },
    async valuesForTags(names) {
      const namespaces = names.map((name) => parseTagName(name).namespace).filter((ns) => ns !== "");
      const wanted = new Set(names);
      const out = new Map<string, number>();
      for (const taxonomy of await definitionsFor(namespaces)) {
        for (const tag of taxonomyTags(taxonomy)) {
          if (tag.numerical_value !== null && wanted.has(tag.name)) out.set(tag.name, tag.numerical_value);
        }
      }
      return out;
    },
    async syncTagValues(namespace) {
      const [taxonomy] = await definitionsFor([namespace]);
      if (!taxonomy) return [];
      const changed: number[] = [];
      const byName = new Map(taxonomyTags(taxonomy).map((tag) => [tag.name, tag.numerical_value]));
      const existing = await db
        .selectFrom("tags")
        .select(["id", "name", "numerical_value"])
        .where("name", "like", `${namespace}:%`)
        .execute();
      for (const tag of existing) {
        if (!byName.has(tag.name)) continue;
        const value = byName.get(tag.name) ?? null;
        if ((tag.numerical_value === null ? null : Number(tag.numerical_value)) !== value) {
          await db.updateTable("tags").set({ numerical_value: value }).where("id", "=", tag.id).execute();
          changed.push(tag.id);
        }
      }
      await changes.tags(changed);
      return changed;
    },
  };
  return repo;
}
