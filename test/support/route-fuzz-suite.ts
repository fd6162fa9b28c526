// The every-route fuzz run as a suite, for one store (see route-fuzz.ts for what it checks).
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startInProcess, type InProcessApp } from "./in-process.js";
import { fuzzFixtures, fuzzSeed, runRouteFuzz, type FuzzCallers } from "./route-fuzz.js";
import type { Dialect } from "./server.js";

export function everyRouteFuzzSuite(options: { dialect: Dialect; available: boolean; seed: number; requests: number }): void {
  const seed = fuzzSeed(options.seed);
  const count = Number(process.env.FUZZ_REQUESTS ?? options.requests);
  describe.skipIf(!options.available)(`every route of the route table, fuzzed on ${options.dialect} (seed ${seed})`, () => {
    let api: InProcessApp;
    let callers: FuzzCallers;
    beforeAll(async () => {
      api = await startInProcess({ dialect: options.dialect, });
      callers = await fuzzFixtures(api);
    });
    afterAll(async () => {
      await api?.close();
    });

    it(`answers ${count} seeded requests without a 5xx, and no refusal writes anything`, { timeout: 600_000 }, async () => {
      const started = performance.now();
      const outcome = await runRouteFuzz(api, callers, { seed, count });
      const seconds = ((performance.now() - started) / 1000).toFixed(1);
      console.log(
        `fuzz on ${options.dialect}: seed ${seed}, ${Object.values(outcome.statuses).reduce((a, b) => a + b, 0)} requests over ${outcome.coverage.size} operations in ${seconds} s, ` +
          `${JSON.stringify(outcome.statuses)}, ${outcome.refusalsChecked} refusals checked for writes`,
      );
      expect(outcome.problems, `replay with FUZZ_SEED=${seed}`).toEqual([]);
      expect(api.unexpectedErrors).toEqual([]);
      // Every operation of the OpenAPI document was reached, with each of its paths' variants.
      const document = (await api.call("GET", "/halflife/openapi.json", undefined, { key: null })).json as { paths: Record<string, Record<string, unknown>> };
      const operations = Object.entries(document.paths).flatMap(([path, methods]) => Object.keys(methods).map((method) => `${method} ${path}`));
      expect(operations.length).toBeGreaterThan(100);
      expect(operations.filter((name) => !outcome.coverage.has(name))).toEqual([]);
    });
  });
}
