// Vitest global setup: one throw-away PostgreSQL server per `vitest run`, shared by every test
// file through `inject("postgresUrl")`. Test files take a database of their own from it with
// `createTestDatabase()` (test/support/databases.ts).
//
// Without PostgreSQL the run goes on with the PostgreSQL tests skipped and a loud warning, so that
// a laptop without it can still run the suite. With HALFLIFE_REQUIRE_POSTGRES=1 (CI) the run fails
// instead: CI must never pass by skipping the store's second dialect.
//
// HALFLIFE_TEST_POSTGRES_BIN=DIR picks the binaries (say, one of several installed versions).
// HALFLIFE_TEST_POSTGRES_URL=postgres://user@host:port/db uses an existing server instead of
// starting one; that user must be allowed to create databases.
import pg from "pg";
import type { TestProject } from "vitest/node";
import { binariesIn, createCluster, findPostgresBinaries, reapAbandonedClusters } from "./postgres-cluster.js";
import type { PostgresCluster } from "./postgres-cluster.js";

declare module "vitest" {
  export interface ProvidedContext {
    /** The test server's superuser URL (`postgres://postgres@127.0.0.1:PORT/postgres`), or null when there is none. */
    postgresUrl: string | null;
  }
}

type Env = Record<string, string | undefined>;
type Warn = (text: string) => void;

/** The run's server, if any: its URL for the tests, and how to stop it if the harness started it. */
export interface PreparedPostgres {
  url: string | null;
  stop(): Promise<void>;
}

const nothingToStop = async (): Promise<void> => {};
let prepared: PreparedPostgres | null = null;

/** Without PostgreSQL: fail when it is required, else say so loudly and carry on. */
function unavailable(reason: string, env: Env, warn: Warn): PreparedPostgres {
  if (/^(1|true|yes)$/i.test(env.HALFLIFE_REQUIRE_POSTGRES ?? "")) {
    throw new Error(`${reason}, and HALFLIFE_REQUIRE_POSTGRES=1 requires it`);
  }
  warn(
    `\n!! ${reason}: the PostgreSQL store tests are SKIPPED.\n` +
      "!! Install PostgreSQL (Debian: apt-get install postgresql) to run them; CI sets HALFLIFE_REQUIRE_POSTGRES=1 and fails instead.\n\n",
  );
  return { url: null, stop: nothingToStop };
}

async function answers(url: string): Promise<void> {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 5_000 });
  await client.connect();
  try {
    await client.query("select 1");
  } finally {
    await client.end();
  }
}

/** Stops the cluster however the process ends: normal exit, Ctrl-C, kill, or a closed terminal. */
function stopOnExit(running: PostgresCluster): () => void {
  const onExit = () => running.stopSync();
  process.once("exit", onExit);
  const signals = ["SIGINT", "SIGTERM", "SIGHUP"] as const;
  const handlers = signals.map((signal) => {
    const onSignal = () => {
      running.stopSync();
      // A listener replaces Node's default of dying on the signal; when nobody else (such as the
      // test runner) handles it, die as the default would have.
      if (process.listenerCount(signal) === 0) process.kill(process.pid, signal);
    };
    process.once(signal, onSignal);
    return [signal, onSignal] as const;
  });
  return () => {
    process.off("exit", onExit);
    for (const [signal, onSignal] of handlers) process.off(signal, onSignal);
  };
}

/** Finds or starts the run's server, as the environment asks. */
export async function preparePostgres(env: Env = process.env, warn: Warn = (text) => process.stderr.write(text)): Promise<PreparedPostgres> {
  const external = env.HALFLIFE_TEST_POSTGRES_URL;
  if (external) {
    try {
      await answers(external);
      return { url: external, stop: nothingToStop };
    } catch (error) {
      return unavailable(`PostgreSQL at HALFLIFE_TEST_POSTGRES_URL does not answer (${(error as Error).message})`, env, warn);
    }
  }

  const chosen = env.HALFLIFE_TEST_POSTGRES_BIN;
  const binaries = chosen ? binariesIn(chosen) : findPostgresBinaries({ searchPath: env.PATH ?? "" });
  if (!binaries) {
    const where = chosen ? `in HALFLIFE_TEST_POSTGRES_BIN=${chosen}` : "under /usr/lib/postgresql/*/bin or on PATH";
    return unavailable(`PostgreSQL not found (no initdb and pg_ctl ${where})`, env, warn);
  }
  reapAbandonedClusters(binaries);
  let removeExitHooks = (): void => {};
  try {
    const cluster = createCluster(binaries);
    // Hooked before it starts: Ctrl-C during initdb must not leave a half-made cluster behind.
    removeExitHooks = stopOnExit(cluster);
    const url = await cluster.start();
    return {
      url,
      async stop() {
        removeExitHooks();
        await cluster.stop();
      },
    };
  } catch (error) {
    removeExitHooks();
    return unavailable(`PostgreSQL from ${binaries.dir} did not start: ${(error as Error).message}`, env, warn);
  }
}

export async function setup(project: TestProject): Promise<void> {
  prepared = await preparePostgres();
  project.provide("postgresUrl", prepared.url);
}

export async function teardown(): Promise<void> {
  const running = prepared;
  prepared = null;
  await running?.stop();
}
