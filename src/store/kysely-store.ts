/**
 * The Store, implemented with Kysely over either dialect. Repositories are plain functions over a
 * Kysely handle; a transaction builds them again over the transaction's handle, collects what its
 * writes changed, and brings the decay index up to date before it commits.
 */
import type { Kysely } from "kysely";
import type { FormulaRegistry } from "../core/formulas/registry.js";
import { ChangeSet, collecting, immediate, type ChangeTracker } from "./changes.js";
import { DecayIndexer } from "./decay-index.js";
import type { Dialect } from "./dialects/dialect.js";
import { attributesRepo } from "./repos/attributes.repo.js";
import { eventsRepo } from "./repos/events.repo.js";
import { keysRepo } from "./repos/keys.repo.js";
import { modelsRepo } from "./repos/models.repo.js";
import { objectsRepo } from "./repos/objects.repo.js";
import { orgsRepo } from "./repos/orgs.repo.js";
import { sightingsRepo } from "./repos/sightings.repo.js";
import { tagsRepo } from "./repos/tags.repo.js";
import { taxonomiesRepo } from "./repos/taxonomies.repo.js";
import { uiSessionsRepo } from "./repos/ui-sessions.repo.js";
import { usersRepo } from "./repos/users.repo.js";
import { chunks } from "./repos/common.js";
import type { Database } from "./schema.js";
import type { DecayIndexPort, DecayIndexRow, Store, StoreSession } from "./store.js";

function decayIndexPort(db: Kysely<Database>, indexer: DecayIndexer): DecayIndexPort {
  return {
    async rows(attributeIds, modelIds) {
      const out: DecayIndexRow[] = [];
      if (modelIds.length === 0) return out;
      for (const part of chunks([...new Set(attributeIds)])) {
        if (part.length === 0) continue;
        const rows = await db.selectFrom("decay_index").selectAll().where("attribute_id", "in", part).where("model_id", "in", [...modelIds]).execute();
        for (const row of rows) {
          out.push({ ...row, ref_time: Number(row.ref_time), fresh_from: Number(row.fresh_from), fresh_until: Number(row.fresh_until), base_score: Number(row.base_score) });
        }
      }
      return out;
    },
    rebuildModel: (modelId, onProgress) => indexer.rebuildModel(db, modelId, onProgress),
    rebuildAll: () => indexer.rebuildAll(db),
    indexedModelIds: async () => (await indexer.indexedModels(db)).map((m) => m.record.id),
  };
}

export function session(db: Kysely<Database>, dialect: Dialect, changes: ChangeTracker, indexer: DecayIndexer): StoreSession {
  return {
    orgs: orgsRepo(db),
    users: usersRepo(db),
    keys: keysRepo(db),
    events: eventsRepo(db, dialect),
    objects: objectsRepo(db),
    attributes: attributesRepo(db, dialect, changes),
    tags: tagsRepo(db, dialect, changes),
    taxonomies: taxonomiesRepo(db, changes),
    sightings: sightingsRepo(db, changes),
    models: modelsRepo(db, changes),
    decayIndex: decayIndexPort(db, indexer),
    uiSessions: uiSessionsRepo(db),
  };
}

export function kyselyStore(db: Kysely<Database>, dialect: Dialect, formulas: FormulaRegistry): Store {
  const indexer = new DecayIndexer(formulas, dialect);
  return {
    ...session(
      db,
      dialect,
      immediate((set) => indexer.flush(db, set)),
      indexer,
    ),
    dialectName: dialect.name,
    transaction: (work) =>
      db.transaction().execute(async (trx) => {
        const set = new ChangeSet();
        const result = await work(session(trx, dialect, collecting(set), indexer));
        if (!set.empty) await indexer.flush(trx, set);
        return result;
      }),
    close: () => dialect.close(),
  };
}
