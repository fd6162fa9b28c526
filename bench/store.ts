// A fresh Halflife application on a temporary SQLite file (or PostgreSQL with BENCH_DATABASE_URL),
// bootstrapped as the server and the command line do.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { bootstrap } from "../src/app/bootstrap.js";
import type { AppContext } from "../src/app/context.js";
import { openApp } from "../src/compose.js";
import { loadConfig } from "../src/config/load.js";
import type { Principal } from "../src/core/domain.js";
import { formulas } from "../src/core/formulas/registry.js";

export const BENCH_KEY = "BenchAdminKey000000000000000000000000001";

export interface BenchStore {
  context: AppContext;
  admin: Principal;
  label: string;
  close(): Promise<void>;
}

export async function openBenchStore(): Promise<BenchStore> {
  const postgres = process.env.BENCH_DATABASE_URL;
  const dir = postgres ? null : mkdtempSync(path.join(tmpdir(), "halflife-bench-"));
  const env: Record<string, string> = postgres ? { DATABASE_URL: postgres } : { HALFLIFE_DB: path.join(dir!, "bench.db") };
  const app = await openApp(loadConfig({ env: { ...env, HALFLIFE_LOG_LEVEL: "silent" } }), formulas);
  const started = await bootstrap(app.context, { adminKey: BENCH_KEY });
  await app.refreshHostOrg();
  const admin = (await app.context.store.keys.principalForUser(started.admin.id))!;
  return {
    context: app.context,
    admin,
    label: postgres ? "PostgreSQL" : "SQLite",
    async close() {
      await app.close();
      if (dir) rmSync(dir, { recursive: true, force: true });
    },
  };
}
