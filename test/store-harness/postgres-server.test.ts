import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestDatabase, postgresAvailable, postgresUrl } from "../support/databases.js";
import type { TestDatabase } from "../support/databases.js";

async function query<Row extends pg.QueryResultRow>(url: string, sql: string, params: unknown[] = []): Promise<Row[]> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return (await client.query<Row>(sql, params)).rows;
  } finally {
    await client.end();
  }
}

// Skipped only when the global setup found no PostgreSQL and said so loudly; CI makes that a failure.
describe.skipIf(!postgresAvailable())("the run's PostgreSQL server", () => {
  const databases: TestDatabase[] = [];
  const created = async () => {
    const database = await createTestDatabase();
    databases.push(database);
    return database;
  };

  afterAll(async () => {
    await Promise.all(databases.map((database) => database.drop()));
  });

  describe("a created database", () => {
    let database: TestDatabase;
    beforeAll(async () => {
      database = await created();
    });

    it("answers select 1", async () => {
      expect(await query(database.url, "select 1 as one")).toEqual([{ one: 1 }]);
    });

    it("is connected to by its URL under its own name", async () => {
      expect(await query(database.url, "select current_database() as name")).toEqual([{ name: database.name }]);
    });

    it("stores text as UTF-8", async () => {
      expect(await query(database.url, "select 'évènement ✓' as text, pg_encoding_to_char(encoding) as encoding from pg_database where datname = current_database()"))
        .toEqual([{ text: "évènement ✓", encoding: "UTF8" }]);
    });
  });

  it("gives two databases different names and tables of their own", async () => {
    const [first, second] = await Promise.all([created(), created()]);
    expect(first.name).not.toBe(second.name);
    await query(first.url, "create table indicator (value text)");
    await query(first.url, "insert into indicator values ('198.51.100.7')");

    expect(await query(first.url, "select value from indicator")).toEqual([{ value: "198.51.100.7" }]);
    expect(await query(second.url, "select to_regclass('indicator') as found")).toEqual([{ found: null }]);
  });

  it("drops a database, even with a connection still open, and a second drop is harmless", async () => {
    const database = await created();
    const forgotten = new pg.Client({ connectionString: database.url });
    forgotten.on("error", () => {
      // The drop ends this connection on purpose.
    });
    await forgotten.connect();

    await database.drop();
    await database.drop();

    const serverUrl = postgresUrl() as string;
    expect(await query(serverUrl, "select count(*)::int as n from pg_database where datname = $1", [database.name])).toEqual([{ n: 0 }]);
    await expect(query(database.url, "select 1")).rejects.toThrow(/does not exist/);
    await forgotten.end().catch(() => undefined);
  });
});
