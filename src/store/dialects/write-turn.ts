/**
 * This process's turn at SQLite's one write lock. In-process writers queue here, first come first
 * served, so only the head of the queue asks the file for the lock; it asks without blocking the
 * event loop (SQLite's own busy handler sleeps inside the call, freezing every request), polling
 * every millisecond or two until the lock is free or its patience runs out. After a long hold it
 * leaves a short gap before taking the lock again, so that a writer in another process (a server
 * beside a command-line sweep, or the other way round) polling for it gets in.
 */
import { AsyncLocalStorage } from "node:async_hooks";
import { performance } from "node:perf_hooks";

export interface WriteTurnOptions {
  /** Tries to take the file's write lock at once; false when another connection holds it. */
  tryLock(): boolean;
  /** How long a writer waits for its turn, in this process and then for the file, in ms. */
  patienceMs: number;
  /** Called when the patience ran out; its result is thrown. */
  busy(waitedMs: number): Error;
  /** Tests shorten the poll and the gap; the defaults suit a server. */
  pollMs?: { min: number; max: number };
}

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/**
 * The gap left after holding the lock `heldMs`: none after short writes; after a long one, a few
 * milliseconds, longer than a waiting process's poll, so that it gets in (and short enough that a
 * long import or sweep loses a few percent of its speed, not a quarter).
 */
export function gapAfter(heldMs: number): number {
  return heldMs < 10 ? 0 : 3;
}

/**
 * Marks the work of a transaction (src/store/kysely-store.ts runs every transaction's work inside
 * it). A write that starts outside the transaction from within that work would queue behind the
 * transaction that waits for it: a deadlock that only patience would end. Such a write is a bug
 * in the caller (it uses the store instead of the transaction's session), so it is refused at once.
 */
export const transactionWork = new AsyncLocalStorage<true>();

export class InFlowWriteError extends Error {
  constructor() {
    super("a write outside the transaction was started from inside its work: use the transaction's session (tx), not the store");
    this.name = "InFlowWriteError";
  }
}

export class WriteTurn {
  private held = false;
  private readonly queue: Array<() => void> = [];
  private heldSince = 0;
  private releasedAt = -Infinity;
  private lastHeldMs = 0;

  constructor(private readonly options: WriteTurnOptions) {}

  /** Waits for this process's turn, then for the file's write lock (taken when it resolves). */
  async take(): Promise<void> {
    if (transactionWork.getStore()) throw new InFlowWriteError();
    const started = performance.now();
    const deadline = started + this.options.patienceMs;
    await this.enqueue(deadline, started);
    try {
      const gapUntil = this.releasedAt + gapAfter(this.lastHeldMs);
      if (performance.now() < gapUntil) await sleep(gapUntil - performance.now());
      // Asking costs microseconds and keeps the event loop free: ask often, so that the short gap
      // another process leaves between its transactions is not missed.
      const { min, max } = this.options.pollMs ?? { min: 1, max: 2 };
      for (;;) {
        if (this.options.tryLock()) break;
        const now = performance.now();
        if (now >= deadline) throw this.options.busy(now - started);
        await sleep(Math.min(deadline - now, min + Math.random() * (max - min)));
      }
      this.heldSince = performance.now();
    } catch (error) {
      this.handOn();
      throw error;
    }
  }

  /** Ends this process's turn (the caller has committed or rolled back). */
  release(): void {
    const now = performance.now();
    this.lastHeldMs = now - this.heldSince;
    this.releasedAt = now;
    this.handOn();
  }

  private enqueue(deadline: number, started: number): Promise<void> {
    if (!this.held) {
      this.held = true;
      return Promise.resolve();
    }
    return new Promise<void>((resolve, reject) => {
      const entry = () => {
        clearTimeout(timer);
        resolve();
      };
      const timer = setTimeout(() => {
        const at = this.queue.indexOf(entry);
        if (at >= 0) this.queue.splice(at, 1);
        reject(this.options.busy(performance.now() - started));
      }, Math.max(0, deadline - performance.now()));
      this.queue.push(entry);
    });
  }

  private handOn(): void {
    const next = this.queue.shift();
    if (next) next();
    else this.held = false;
  }
}
