/**
 * The Store, implemented with Kysely over either dialect. Repositories are plain functions over a
 * Kysely handle; a transaction simply builds them again over the transaction's handle.
 */
import type { Kysely } from "kysely";
import type { Dialect } from "./dialects/dialect.js";
import { attributesRepo } from "./repos/attributes.repo.js";
import { eventsRepo } from "./repos/events.repo.js";
import { keysRepo } from "./repos/keys.repo.js";
import { objectsRepo } from "./repos/objects.repo.js";
import { orgsRepo } from "./repos/orgs.repo.js";
import { sightingsRepo } from "./repos/sightings.repo.js";
import { tagsRepo } from "./repos/tags.repo.js";
import { taxonomiesRepo } from "./repos/taxonomies.repo.js";
import { uiSessionsRepo } from "./repos/ui-sessions.repo.js";
import { usersRepo } from "./repos/users.repo.js";
import type { Database } from "./schema.js";
import type { Store, StoreSession } from "./store.js";

export function session(db: Kysely<Database>, dialect: Dialect): StoreSession {
  return {
    orgs: orgsRepo(db),
    users: usersRepo(db),
    keys: keysRepo(db),
    events: eventsRepo(db, dialect),
    objects: objectsRepo(db),
    attributes: attributesRepo(db, dialect),
    tags: tagsRepo(db, dialect),
    taxonomies: taxonomiesRepo(db),
    sightings: sightingsRepo(db),
    uiSessions: uiSessionsRepo(db),
  };
}

export function kyselyStore(db: Kysely<Database>, dialect: Dialect): Store {
  return {
    ...session(db, dialect),
    dialectName: dialect.name,
    transaction: (work) => db.transaction().execute((trx) => work(session(trx, dialect))),
    close: () => dialect.close(),
  };
}
