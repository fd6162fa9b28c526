/**
 * Changing a decaying model (adding, editing, enabling, disabling, re-mapping, deleting it)
 * rebuilds that model's rows of the decay index: on a large store, seconds of work for the
 * store's writer. MISP lets any user with perm_decaying change their organisation's models, and
 * so does Halflife, with one guard: an organisation's users (site admins aside) have one such
 * change in progress at a time on a node. A second one while the first rebuilds is refused with
 * 409, so that one user cannot queue rebuild after rebuild ahead of everybody's writes. Rebuilds
 * never freeze the server (the store yields between statements, and reads do not wait for them).
 */
import { HalflifeError } from "../core/errors.js";
import type { Principal } from "../core/domain.js";
import type { Store } from "../store/store.js";
import type { AppContext } from "./context.js";

const inProgress = new WeakMap<Store, Set<number>>();

/** Runs a model change, unless the principal's organisation has one in progress already. */
export async function oneModelChangeAtATime<T>(context: AppContext, principal: Principal, work: () => Promise<T>): Promise<T> {
  if (principal.role.perm_site_admin) return work();
  let busy = inProgress.get(context.store);
  if (!busy) inProgress.set(context.store, (busy = new Set()));
  const org = principal.org.id;
  if (busy.has(org)) {
    throw new HalflifeError("CONFLICT", "Your organisation's previous change to a decaying model is still rebuilding the decay index; try again when it is done.", {
      field: "model",
    });
  }
  busy.add(org);
  try {
    return await work();
  } finally {
    busy.delete(org);
  }
}
