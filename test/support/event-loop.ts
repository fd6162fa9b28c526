// Watches this process's event loop with a ticker, to show that long work leaves it free. A tick
// that comes late was held up either by synchronous work in this process (what the tests look
// for: computing, or reading the disk inside a statement) or by the machine giving the CPU to
// another process (what a shared, loaded machine does). Linux counts, per thread, the time it
// spent runnable but waiting for a CPU (/proc/self/schedstat): a late gap minus that wait is the
// time the main thread really held the loop. `longestBusyMs` is the longest gap counted that way;
// `longestGapMs` is the plain wall-clock gap, for reports.
import { readFileSync } from "node:fs";
import { performance } from "node:perf_hooks";

/** Milliseconds the main thread has waited on a run queue so far; null where Linux does not say. */
function runQueueWaitMs(): number | null {
  try {
    const fields = readFileSync("/proc/self/schedstat", "utf8").trim().split(/\s+/);
    return Number(fields[1]) / 1e6;
  } catch {
    return null;
  }
}

export interface LoopWatch {
  stop(): { longestBusyMs: number; longestGapMs: number; ticks: number };
}

export function watchEventLoop(intervalMs = 5): LoopWatch {
  let last = performance.now();
  let lastWait = runQueueWaitMs();
  let longestBusyMs = 0;
  let longestGapMs = 0;
  let ticks = 0;
  const tick = () => {
    const now = performance.now();
    const wait = runQueueWaitMs();
    const gap = now - last - intervalMs;
    const waited = wait !== null && lastWait !== null ? wait - lastWait : 0;
    longestGapMs = Math.max(longestGapMs, gap);
    longestBusyMs = Math.max(longestBusyMs, gap - waited);
    last = now;
    lastWait = wait;
    ticks++;
  };
  const timer = setInterval(tick, intervalMs);
  return {
    stop() {
      clearInterval(timer);
      // The stretch since the last tick counts too: work that never let the ticker run at all.
      tick();
      return { longestBusyMs, longestGapMs, ticks };
    },
  };
}
