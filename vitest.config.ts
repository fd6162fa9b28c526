import { defineConfig } from "vitest/config";

// Tests run in UTC so that dates in fixtures mean one thing on every machine.
process.env.TZ = "UTC";

export default defineConfig({
  test: {
    include: ["test/**/*.test.ts"],
    env: { TZ: "UTC" },
    // One throw-away PostgreSQL server per run, for the store's PostgreSQL tests; one build of the
    // web UI, for the browser tests.
    globalSetup: ["./test/support/postgres.ts", "./test/support/web-ui.ts"],
    reporters: ["./test/support/summary-reporter.ts"],
    testTimeout: 30_000,
    hookTimeout: 60_000,
    pool: "forks",
    // The browser tests poll the page until it shows what they expect; a loaded machine can take
    // seconds to render, so give polls the same patience as a Playwright wait.
    expect: { poll: { timeout: 15_000, interval: 100 } },
  },
});
