/**
 * Taxonomies: importing MISP's machinetag.json definitions, enabling them, and keeping the
 * numerical values of existing tags in step with their taxonomy.
 */
import { BUILTIN_TAXONOMIES } from "../core/data/taxonomies.js";
import { HalflifeError } from "../core/errors.js";
import type { Principal, TaxonomyRecord } from "../core/domain.js";
import type { Taxonomy } from "../core/taxonomy.js";
import type { AppContext } from "./context.js";
import { requireSiteAdmin } from "./permissions.js";

export interface TaxonomyImportResult {
  namespace: string;
  created: boolean;
  enabled: boolean;
  /** Tags whose numerical value changed to follow the taxonomy. */
  retaggedValues: number;
}

/** Imports (or updates) taxonomies in one transaction each; `enable` also enables them. */
export async function importTaxonomies(context: AppContext, taxonomies: readonly Taxonomy[], options: { enable?: boolean } = {}): Promise<TaxonomyImportResult[]> {
  const results: TaxonomyImportResult[] = [];
  for (const taxonomy of taxonomies) {
    results.push(
      await context.store.transaction(async (tx) => {
        const { record, created } = await tx.taxonomies.upsert(taxonomy);
        if (options.enable) await tx.taxonomies.setEnabled(record.id, true);
        const changed = await tx.taxonomies.syncTagValues(taxonomy.namespace);
        return { namespace: taxonomy.namespace, created, enabled: options.enable ?? record.enabled, retaggedValues: changed.length };
      }),
    );
  }
  return results;
}

/** Installs the built-in scoring taxonomies where they are missing, enabled. Existing ones are left alone. */
export async function installBuiltinTaxonomies(context: AppContext): Promise<void> {
  const missing: Taxonomy[] = [];
  for (const taxonomy of BUILTIN_TAXONOMIES) {
    if (!(await context.store.taxonomies.byNamespace(taxonomy.namespace))) missing.push(taxonomy);
  }
  await importTaxonomies(context, missing, { enable: true });
}

/**
 * taxonomies/update: applies the built-in definitions that are missing or newer than the stored
 * ones (site admins). An empty answer means everything was up to date already.
 */
export async function updateBuiltinTaxonomies(context: AppContext, principal: Principal): Promise<TaxonomyImportResult[]> {
  requireSiteAdmin(principal);
  const stale: Taxonomy[] = [];
  for (const taxonomy of BUILTIN_TAXONOMIES) {
    const stored = await context.store.taxonomies.byNamespace(taxonomy.namespace);
    if (!stored || Number(stored.version) < Number(taxonomy.version)) stale.push(taxonomy);
  }
  return importTaxonomies(context, stale);
}

/**
 * Enables or disables taxonomies by namespace, all or none: an unknown namespace changes nothing.
 * `principal` null is the instance itself (the command line); otherwise site admins only.
 */
export async function setTaxonomiesEnabled(context: AppContext, principal: Principal | null, namespaces: readonly string[], enabled: boolean): Promise<void> {
  if (principal) requireSiteAdmin(principal);
  const missing: string[] = [];
  for (const namespace of namespaces) if (!(await context.store.taxonomies.byNamespace(namespace))) missing.push(namespace);
  if (missing.length) {
    throw new HalflifeError("NOT_FOUND", `unknown taxonomy ${missing.join(", ")}; import it first with halflife taxonomies import DIR`, { field: "namespace" });
  }
  await context.store.transaction(async (tx) => {
    for (const namespace of namespaces) await tx.taxonomies.setEnabled((await tx.taxonomies.byNamespace(namespace))!.id, enabled);
  });
}

export async function findTaxonomy(context: AppContext, reference: string): Promise<TaxonomyRecord> {
  const record = /^\d+$/.test(reference)
    ? await context.store.taxonomies.byId(Number(reference))
    : await context.store.taxonomies.byNamespace(reference);
  if (!record) throw new HalflifeError("NOT_FOUND", "Invalid taxonomy.");
  return record;
}

export async function setTaxonomyEnabled(context: AppContext, principal: Principal, reference: string, enabled: boolean): Promise<TaxonomyRecord> {
  requireSiteAdmin(principal);
  const record = await findTaxonomy(context, reference);
  await context.store.transaction((tx) => tx.taxonomies.setEnabled(record.id, enabled));
  return { ...record, enabled };
}

/** Every stored taxonomy. */
export async function listTaxonomies(context: AppContext): Promise<TaxonomyRecord[]> {
  return context.store.taxonomies.list();
}
