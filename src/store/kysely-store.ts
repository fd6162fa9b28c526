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
import { transactionWork } from "./dialects/write-turn.js";
import { attributesRepo } from "./repos/attributes.repo.js";
import { eventsRepo } from "./repos/events.repo.js";
import { keysRepo } from "./repos/keys.repo.js";
import { modelsRepo } from "./repos/models.repo.js";
import { objectsRepo } from "./repos/objects.repo.js";
import { orgsRepo } from "./repos/orgs.repo.js";
import { sightingsRepo } from "./repos/sightings.repo.js";
import { sweepsRepo } from "./repos/sweeps.repo.js";
import { postgresLocks, sqliteLocks } from "./repos/job-locks.repo.js";
import { tagsRepo } from "./repos/tags.repo.js";
import { taxonomiesRepo } from "./repos/taxonomies.repo.js";
import { uiSessionsRepo } from "./repos/ui-sessions.repo.js";
import { usersRepo } from "./repos/users.repo.js";
import { chunks, denseRange } from "./repos/common.js";
import type { Database } from "./schema.js";
import type { DecayIndexPort, DecayIndexRow, Store, StoreSession } from "./store.js";

function decayIndexPort(db: Kysely<Database>, dialect: Dialect, indexer: DecayIndexer): DecayIndexPort {
  // A rebuild inside a transaction waits for other index refreshes, as a write's refresh does.
  const locked = async () => {
    if (db.isTransaction) await dialect.lockIndex(db);
  };
  return {
    async rows(attributeIds, modelIds) {
      const out: DecayIndexRow[] = [];
      if (modelIds.length === 0) return out;
      const wanted = new Set(attributeIds);
      const range = denseRange([...wanted]);
      for (const part of range ? [range] : chunks([...wanted])) {
        if (part.length === 0) continue;
        let query = db.selectFrom("decay_index").selectAll().where("model_id", "in", [...modelIds]);
        query = range ? query.where("attribute_id", ">=", range[0]).where("attribute_id", "<=", range[1]) : query.where("attribute_id", "in", part);
        for (const row of await query.execute()) {
          if (!wanted.has(row.attribute_id)) continue;
          out.push({ ...row, ref_time: Number(row.ref_time), fresh_from: Number(row.fresh_from), fresh_until: Number(row.fresh_until), base_score: Number(row.base_score) });
        }
      }
      return out;
    },
    rebuildModel: async (modelId, onProgress) => {
      await locked();
      return indexer.rebuildModel(db, modelId, onProgress);
    },
    rebuildAll: async () => {
      await locked();
      await indexer.rebuildAll(db);
    },
    indexedModelIds: async () => (await indexer.indexedModels(db)).map((m) => m.record.id),
    async summary(attributeIds) {
      const out = new Map<number, { fresh_from: number; fresh_until: number; to_ids: boolean }>();
      for (const part of chunks([...new Set(attributeIds)])) {
        if (part.length === 0) continue;
        for (const row of await db.selectFrom("decay_summary").selectAll().where("attribute_id", "in", part).execute()) {
          out.set(row.attribute_id, { fresh_from: Number(row.fresh_from), fresh_until: Number(row.fresh_until), to_ids: Number(row.to_ids) === 1 });
        }
      }
      return out;
    },
  };
}

export function session(db: Kysely<Database>, dialect: Dialect, changes: ChangeTracker, indexer: DecayIndexer): StoreSession {
  return {
    orgs: orgsRepo(db, dialect),
    users: usersRepo(db, dialect),
    keys: keysRepo(db),
    events: eventsRepo(db, dialect),
    objects: objectsRepo(db, dialect),
    attributes: attributesRepo(db, dialect, changes),
    tags: tagsRepo(db, dialect, changes),
    taxonomies: taxonomiesRepo(db, changes),
    sightings: sightingsRepo(db, changes),
    models: modelsRepo(db, changes),
    decayIndex: decayIndexPort(db, dialect, indexer),
    sweeps: sweepsRepo(db),
    uiSessions: uiSessionsRepo(db),
  };
}

export function kyselyStore(db: Kysely<Database>, dialect: Dialect, formulas: FormulaRegistry): Store {
  const indexer = new DecayIndexer(formulas, dialect);
  return {
    ...session(
      db,
      dialect,
      // A write outside a transaction has committed already; its index refresh is a transaction
      // of its own, under the same lock as any other.
      immediate((set) =>
        db.transaction().execute(async (trx) => {
          await dialect.lockIndex(trx);
          await indexer.flush(trx, set);
        }),
      ),
      indexer,
    ),
    dialectName: dialect.name,
    // The one place that picks a lock by database: they differ in kind, not in a detail.
    locks: dialect.name === "postgres" ? postgresLocks(db) : sqliteLocks(db),
    transaction: (work) =>
      db.transaction().execute(async (trx) => {
        const set = new ChangeSet();
        const result = await transactionWork.run(true, () => work(session(trx, dialect, collecting(set), indexer)));
        if (!set.empty) {
          await dialect.lockIndex(trx);
          await indexer.flush(trx, set);
        }
        return result;
      }),
    optimize: () => dialect.optimize(),
    close: () => dialect.close(),
  };
}
