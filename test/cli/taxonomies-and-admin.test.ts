// `halflife taxonomies import|enable` with the shared misp-taxonomies checkout, and `halflife user`
// and `halflife org` administration, run as the real executable on a real SQLite file and checked
// through the API.
import { writeFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { runCli } from "../support/cli.js";
import { hasSharedData, sharedPath } from "../support/data.js";
import { ADMIN_KEY, startInProcess } from "../support/in-process.js";
import { temporaryFolder } from "../support/temp.js";

function tempDatabase(): string {
  return path.join(temporaryFolder("cli"), "halflife.db");
}

const env = (db: string) => ({ HALFLIFE_DB: db, HALFLIFE_ADMIN_KEY: ADMIN_KEY, HALFLIFE_LOG_LEVEL: "silent" });

describe.skipIf(!hasSharedData)("halflife taxonomies", () => {
  it("imports the misp-taxonomies checkout, enables namespaces, and gives existing tags their numerical values", async () => {
    const db = tempDatabase();
    // A tag that exists before its taxonomy does: it has no numerical value yet.
    const dir = temporaryFolder("tax");
    const file = path.join(dir, "event.json");
    writeFileSync(file, JSON.stringify({ Event: { info: "tagged early", Tag: [{ name: 'osint:certainty="93"' }], Attribute: [] } }));
    expect((await runCli(["import", file], { env: env(db) })).code).toBe(0);

    const imported = await runCli(["taxonomies", "import", sharedPath("misp-taxonomies")], { env: env(db) });
    expect(imported.code, imported.stderr).toBe(0);
    expect(imported.stdout).toMatch(/^Imported (\d+) taxonomies \(\d+ new, \d+ updated, (\d+) with numerical values\); 1 existing tags took a new numerical value\.\n$/);
    const [, total, withValues] = /^Imported (\d+) .* (\d+) with numerical values/.exec(imported.stdout)!;
    expect(Number(total)).toBeGreaterThan(150);
    expect(Number(withValues)).toBeGreaterThanOrEqual(28);

    const enabled = await runCli(["taxonomies", "enable", "osint", "PAP", "admiralty-scale"], { env: env(db) });
    expect(enabled.code, enabled.stderr).toBe(0);
    expect(enabled.stdout).toBe("Enabled osint, PAP, admiralty-scale\n");
    const unknown = await runCli(["taxonomies", "enable", "osint", "no-such-namespace"], { env: env(db) });
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toBe("halflife: unknown taxonomy no-such-namespace; import it first with halflife taxonomies import DIR\n");

    const api = await startInProcess({ sqliteFile: db });
    try {
      const index = (await api.call("GET", "/taxonomies/index")).json;
      const state = (namespace: string) => index.find((t: any) => t.Taxonomy.namespace === namespace)?.Taxonomy.enabled;
      expect(state("osint")).toBe(true);
      expect(state("PAP")).toBe(true);
      expect(state("tlp")).toBe(true);
      expect(state("course-of-action")).toBe(false);

      const early = (await api.call("GET", "/tags/index/searchall:osint:certainty")).json.Tag;
      expect(early.map((t: any) => [t.name, t.numerical_value])).toEqual([['osint:certainty="93"', "93"]]);

      const event = await api.call("POST", "/events/add", {
        info: "tagged after the import",
        Tag: [{ name: 'admiralty-scale:source-reliability="a"' }, { name: 'admiralty-scale:information-credibility="3"' }, { name: "PAP:GREEN" }],
        Attribute: [],
      });
      expect(event.json.Event.Tag.map((t: any) => [t.name, t.numerical_value])).toEqual([
        ['admiralty-scale:source-reliability="a"', "100"],
        ['admiralty-scale:information-credibility="3"', "50"],
        ["PAP:GREEN", null],
      ]);
      const view = (await api.call("GET", "/taxonomies/view/admiralty-scale")).json;
      expect(view.entries.find((e: any) => e.tag === 'admiralty-scale:source-reliability="a"')).toMatchObject({ numerical_value: 100, existing_tag: { Tag: { name: 'admiralty-scale:source-reliability="a"' } } });
    } finally {
      await api.close();
    }
  }, 60_000);
});

describe("halflife user and org", () => {
  it("creates organisations and users whose keys work, lists them, issues and revokes keys", async () => {
    const db = tempDatabase();
    const org = await runCli(["org", "add", "Partner CERT", "--description", "a partner"], { env: env(db) });
    expect(org.code, org.stderr).toBe(0);
    expect(org.stdout).toMatch(/^Created organisation \d+ Partner CERT \([0-9a-f-]{36}\)\n$/);
    const duplicate = await runCli(["org", "add", "Partner CERT"], { env: env(db) });
    expect(duplicate.code).not.toBe(0);
    expect(duplicate.stderr).toBe("halflife: An organisation named Partner CERT already exists.\n");

    const user = await runCli(["user", "add", "Analyst@Partner.example", "--org", "Partner CERT", "--role", "Publisher"], { env: env(db) });
    expect(user.code, user.stderr).toBe(0);
    const [, userId, key] = /^Created user (\d+) analyst@partner\.example\nAPI key \(shown once\): ([A-Za-z0-9]{40})\n$/.exec(user.stdout)!;
    const badRole = await runCli(["user", "add", "x@partner.example", "--role", "Boss"], { env: env(db) });
    expect(badRole.code).toBe(2);
    expect(badRole.stderr).toBe("halflife: Invalid role Boss; the roles are 1 admin, 2 Org Admin, 3 User, 4 Publisher, 5 Sync user, 6 Read Only.\n");

    const second = await runCli(["user", "key", "analyst@partner.example", "--comment", "cron"], { env: env(db) });
    expect(second.code, second.stderr).toBe(0);
    const [, keyId, secondKey] = /^New API key (\d+) \(shown once\): ([A-Za-z0-9]{40})\n$/.exec(second.stdout)!;

    const api = await startInProcess({ sqliteFile: db });
    try {
      for (const k of [key!, secondKey!]) {
        const me = await api.call("GET", "/users/view/me", undefined, { key: k });
        expect(me.status).toBe(200);
        expect(me.json).toMatchObject({ User: { id: userId, email: "analyst@partner.example" }, Role: { name: "Publisher", perm_publish: true }, Organisation: { name: "Partner CERT" } });
      }
      const listed = await runCli(["user", "list"], { env: env(db) });
      expect(listed.stdout).toMatch(/^id\s+email\s+organisation\s+role\s+disabled\n/);
      expect(listed.stdout).toMatch(new RegExp(`^${userId}\\s+analyst@partner\\.example\\s+Partner CERT\\s+Publisher\\s+no$`, "m"));
      const orgs = await runCli(["org", "list"], { env: env(db) });
      expect(orgs.stdout).toMatch(/^\d+\s+Partner CERT\s+[0-9a-f-]{36}$/m);
      const keys = await runCli(["user", "key", userId!, "--list"], { env: env(db) });
      expect(keys.stdout).toContain(`${secondKey!.slice(0, 4)}…${secondKey!.slice(-4)}  cron`);
      expect(keys.stdout).not.toContain(secondKey);

      const revoked = await runCli(["user", "revoke", keyId!], { env: env(db) });
      expect(revoked.code, revoked.stderr).toBe(0);
      expect(revoked.stdout).toBe(`Revoked key ${keyId}\n`);
      expect((await api.call("GET", "/users/view/me", undefined, { key: secondKey! })).status).toBe(403);
      expect((await api.call("GET", "/users/view/me", undefined, { key: key! })).status).toBe(200);
    } finally {
      await api.close();
    }
  }, 90_000);
});
