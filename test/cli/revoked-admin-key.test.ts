// HALFLIFE_ADMIN_KEY left set after an administrator revoked that key (or it expired, or its user
// was disabled): every command and `serve` still start, say once on stderr that the variable
// names a key out of use, and the key stays out of use. It used to stop every start with
// "UNIQUE constraint failed: api_keys.key_hash".
import { spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { hashKey } from "../../src/app/keys.js";
import { openStore } from "../../src/store/open.js";
import { runHalflife } from "../support/cli.js";
import { projectRoot } from "../support/data.js";

const KEY = "RevokedAdminKey0000000000000000000000001";
const NEXT = "FreshAdminKey000000000000000000000000002";

describe("a HALFLIFE_ADMIN_KEY that was taken out of use", () => {
  let dir: string;
  let db: string;
  const env = (key: string) => ({ HALFLIFE_DB: db, HALFLIFE_ADMIN_KEY: key, HALFLIFE_LOG_LEVEL: "silent" });

  beforeAll(async () => {
    dir = mkdtempSync(path.join(tmpdir(), "halflife-revoked-"));
    db = path.join(dir, "halflife.db");
    expect((await runHalflife(["org", "list"], { env: env(KEY) })).code).toBe(0);
    const store = await openStore({ sqliteFile: db });
    const key = (await store.keys.byHash(hashKey(KEY)))!;
    await store.keys.revoke(key.id, 1_700_000_000);
    await store.close();
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it("lets a command run, warns once naming the variable, and keeps the key revoked", async () => {
    const result = await runHalflife(["org", "list"], { env: env(KEY) });
    expect(result.code, result.stderr).toBe(0);
    expect(result.stderr).toBe(
      "halflife: warning: HALFLIFE_ADMIN_KEY names a key that was revoked on 2023-11-14; it stays out of use: unset the variable, or set it to a new key\n",
    );
    const store = await openStore({ sqliteFile: db });
    try {
      expect(await store.keys.principalByHash(hashKey(KEY), Math.floor(Date.now() / 1000))).toBeNull();
      expect((await store.keys.byHash(hashKey(KEY)))!.revoked_at).toBe(1_700_000_000);
    } finally {
      await store.close();
    }
  });

  it("lets the server start with the same warning, and refuses the revoked key", async () => {
    const child = spawn(process.execPath, [path.join(projectRoot, "bin/halflife.js"), "serve", "--host", "127.0.0.1", "--port", "0"], {
      cwd: dir,
      env: { ...process.env, ...env(KEY) },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let stdout = "";
    let stderr = "";
    child.stderr.on("data", (chunk) => (stderr += chunk));
    const exited = new Promise<number | null>((resolve) => child.once("exit", resolve));
    try {
      const url = await new Promise<string>((resolve, reject) => {
        child.stdout.on("data", (chunk) => {
          stdout += chunk;
          const found = /listening on (http:\/\/\S+?)\/?\s/.exec(stdout)?.[1];
          if (found) resolve(found);
        });
        void exited.then((code) => reject(new Error(`serve exited (${code}): ${stderr}`)));
      });
      expect(stderr).toContain("halflife: warning: HALFLIFE_ADMIN_KEY names a key that was revoked on 2023-11-14");
      const answer = await fetch(`${url}/users/view/me`, { headers: { Authorization: KEY, Accept: "application/json" } });
      expect(answer.status).toBe(403);
    } finally {
      child.kill("SIGTERM");
      await exited;
    }
  });

  it("adds a new key given in the variable to the first site admin, as before", async () => {
    const result = await runHalflife(["org", "list"], { env: env(NEXT) });
    expect(result.code, result.stderr).toBe(0);
    expect(result.stderr).toBe("");
    const store = await openStore({ sqliteFile: db });
    try {
      expect((await store.keys.principalByHash(hashKey(NEXT), Math.floor(Date.now() / 1000)))!.role.perm_site_admin).toBe(true);
    } finally {
      await store.close();
    }
  });
});
