import { availableParallelism } from "node:os";
import { defineConfig } from "vitest/config";

// Tests run in UTC so that dates in fixtures mean one thing on every machine.
process.env.TZ = "UTC";

// Test files run in parallel, one per worker. The default (cores − 1) is a single worker on a
// 2-core machine; the tests spend much of their time waiting on PostgreSQL, Chromium and sockets,
// so one worker per core keeps both busy. HALFLIFE_TEST_WORKERS overrides it.
const workers = Number(process.env.HALFLIFE_TEST_WORKERS) || Math.max(2, availableParallelism());

export default defineConfig({
  test: {
    include: ["test/**/*.test.ts"],
    env: { TZ: "UTC" },
    // Once per run: say whether the MISP test data is there; one throw-away PostgreSQL server for the
    // store's PostgreSQL tests; one build of the web UI for the browser tests; one temporary
    // directory, checked and removed at the end.
    globalSetup: ["./test/support/data-check.ts", "./test/support/postgres.ts", "./test/support/web-ui.ts", "./test/support/temp-run.ts"],
    // Each test file gets a temporary directory of its own, and must leave it clean.
    setupFiles: ["./test/support/temp-setup.ts"],
    reporters: ["./test/support/summary-reporter.ts"],
    testTimeout: 30_000,
    hookTimeout: 60_000,
    pool: "forks",
    maxWorkers: workers,
    // The browser tests poll the page until it shows what they expect; a loaded machine can take
    // seconds to render, so give polls the same patience as a Playwright wait.
    expect: { poll: { timeout: 15_000, interval: 100 } },
  },
});
