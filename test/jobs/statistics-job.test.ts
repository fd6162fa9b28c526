// The hourly job that refreshes the query planner's statistics: on a real SQLite file, after
// writes through the API, the planner has a row count for the attributes and their indexes.
import path from "node:path";
import SqliteDatabase from "better-sqlite3";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { statisticsJob } from "../../src/jobs/statistics-job.js";
import { startInProcess, type InProcessApp } from "../support/in-process.js";
import { temporaryFolder } from "../support/temp.js";

const silentLog = { info: () => {}, warn: () => {}, error: () => {} };

describe("the store-statistics job", () => {
  let api: InProcessApp;
  let file: string;

  beforeAll(async () => {
    file = path.join(temporaryFolder("stats"), "halflife.db");
    api = await startInProcess({ sqliteFile: file });
  });
  afterAll(() => api.close());

  function statistics(): Array<{ tbl: string; idx: string; stat: string }> {
    const db = new SqliteDatabase(file, { readonly: true });
    try {
      const exists = db.prepare("select 1 from sqlite_master where name = 'sqlite_stat1'").get();
      return exists ? (db.prepare("select tbl, idx, stat from sqlite_stat1").all() as Array<{ tbl: string; idx: string; stat: string }>) : [];
    } finally {
      db.close();
    }
  }

  it("runs hourly and leaves the planner row counts of the tables that grew", async () => {
    const attributes = Array.from({ length: 300 }, (_, i) => ({ type: "ip-dst", category: "Network activity", value: `198.51.100.${i % 250}`, comment: `row ${i}` }));
    const created = await api.call("POST", "/events/add", { info: "statistics", Attribute: attributes });
    expect(created.status).toBe(200);

    const job = statisticsJob(api.context, silentLog);
    expect(job.schedule).toBe("@hourly");
    await job.handler();

    const rows = statistics().filter((row) => row.tbl === "attributes");
    expect(rows.length).toBeGreaterThan(0);
    // Each index's first figure is its row count (the partial index of deleted rows has none).
    expect(Math.max(...rows.map((row) => Number(row.stat.split(" ")[0])))).toBe(300);
  });
});
