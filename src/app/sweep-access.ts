/**
 * Who may run, see and undo sweeps, and the one lock that keeps sweeps on a store from
 * interleaving (a sweep, its dry run and an undo all take it).
 */
import { HalflifeError } from "../core/errors.js";
import type { Principal } from "../core/domain.js";
import { formatCutoff } from "../core/sweep-rule.js";
import type { SweepRunRecord } from "../core/sweep-run.js";
import type { LockHolderInfo } from "../store/store.js";
import type { AppContext } from "./context.js";
import { forbidden } from "./permissions.js";

/**
 * - `all`: the instance itself (the command line, the schedule) or a site admin;
 * - `org`: an organisation admin, limited to the events their organisation created.
 */
export type SweepAccess = { kind: "all" } | { kind: "org"; orgId: number };

/** @throws HalflifeError FORBIDDEN for anyone but a site admin or an organisation admin. */
export function sweepAccess(principal: Principal | null): SweepAccess {
  if (principal === null || principal.role.perm_site_admin) return { kind: "all" };
  if (principal.role.perm_admin) return { kind: "org", orgId: principal.org.id };
  throw forbidden("Only site administrators and organisation administrators may run or review sweeps.");
}

/** Whether a run shows to this access: an organisation sees its own runs and the instance's local ones. */
export function canSeeRun(access: SweepAccess, run: SweepRunRecord): boolean {
  if (access.kind === "all") return true;
  return run.orgScopeId === access.orgId || (run.orgScopeId === null && run.target.kind === "local");
}

export const SWEEP_LOCK = "halflife-sweep";

export interface LockOptions {
  /** Wait for a running sweep to finish instead of failing at once. */
  wait?: boolean;
  /** Who is asking, as the holder's description for whoever finds the lock taken. */
  label: string;
  /** How often to try again while waiting (default 1 s). */
  pollMs?: number;
  /** Told once, when the lock is taken and the caller waits. */
  onWait?: (holder: LockHolderInfo | null) => void;
}

function describeHolder(holder: LockHolderInfo | null): string {
  if (!holder) return "holder unknown";
  return `${holder.label}, pid ${holder.pid} on ${holder.host}, since ${formatCutoff(Math.floor(holder.acquiredAt / 1000))} UTC`;
}

/**
 * Runs `work` while holding the sweep lock, and releases it afterwards whatever happens.
 *
 * @throws HalflifeError CONFLICT when another sweep holds the lock and `wait` is off.
 */
export async function withSweepLock<T>(context: AppContext, options: LockOptions, work: () => Promise<T>): Promise<T> {
  let told = false;
  for (;;) {
    const attempt = await context.store.locks.tryAcquire(SWEEP_LOCK, options.label);
    if (attempt.acquired) {
      try {
        return await work();
      } finally {
        await attempt.lock.release();
      }
    }
    if (!options.wait) {
      throw new HalflifeError(
        "CONFLICT",
        `another sweep is running on this store (${describeHolder(attempt.holder)}), so this one did not start; wait for it (--wait) or try again later`,
        { field: "lock" },
      );
    }
    if (!told) {
      told = true;
      options.onWait?.(attempt.holder);
    }
    await new Promise((resolve) => setTimeout(resolve, options.pollMs ?? 1_000));
  }
}
