import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { postgresAvailable, postgresUrl } from "../support/databases.js";
import { preparePostgres } from "../support/postgres.js";

// An empty directory stands for a machine without PostgreSQL.
const nowhere = mkdtempSync(path.join(tmpdir(), "halflife-no-postgres-"));
afterAll(() => rmSync(nowhere, { recursive: true, force: true }));

function collect(): { warn: (text: string) => void; text: () => string } {
  const lines: string[] = [];
  return { warn: (text) => lines.push(text), text: () => lines.join("") };
}

describe("preparing the run's PostgreSQL server", () => {
  it("carries on without PostgreSQL, warning loudly that its tests are skipped", async () => {
    const output = collect();
    const prepared = await preparePostgres({ HALFLIFE_TEST_POSTGRES_BIN: nowhere }, output.warn);

    expect(prepared.url).toBeNull();
    expect(output.text()).toContain(`!! PostgreSQL not found (no initdb and pg_ctl in HALFLIFE_TEST_POSTGRES_BIN=${nowhere}): the PostgreSQL store tests are SKIPPED.`);
  });

  it("fails the run instead when HALFLIFE_REQUIRE_POSTGRES=1, as CI sets it", async () => {
    const output = collect();
    await expect(preparePostgres({ HALFLIFE_TEST_POSTGRES_BIN: nowhere, HALFLIFE_REQUIRE_POSTGRES: "1" }, output.warn)).rejects.toThrow(
      /PostgreSQL not found .*, and HALFLIFE_REQUIRE_POSTGRES=1 requires it/,
    );
    expect(output.text()).toBe("");
  });

  it("treats a server at HALFLIFE_TEST_POSTGRES_URL that does not answer as missing", async () => {
    const output = collect();
    const prepared = await preparePostgres({ HALFLIFE_TEST_POSTGRES_URL: "postgres://postgres@127.0.0.1:1/postgres" }, output.warn);

    expect(prepared.url).toBeNull();
    expect(output.text()).toContain("!! PostgreSQL at HALFLIFE_TEST_POSTGRES_URL does not answer");
  });

  it.skipIf(!postgresAvailable())("uses a server at HALFLIFE_TEST_POSTGRES_URL that answers", async () => {
    const url = postgresUrl() as string;
    expect((await preparePostgres({ HALFLIFE_TEST_POSTGRES_URL: url })).url).toBe(url);
  });
});
