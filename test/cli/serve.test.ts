// `halflife serve --demo` as a user starts it: on a new SQLite file it prints the URL and an admin
// key, and the server answers PyMISP's first calls with that key, over the demo data.
import { spawn, type ChildProcess } from "node:child_process";
import path from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { projectRoot } from "../support/data.js";
import { temporaryFolder } from "../support/temp.js";

let child: ChildProcess | undefined;

afterEach(async () => {
  if (child && child.exitCode === null) {
    const exited = new Promise((resolve) => child!.once("exit", resolve));
    child.kill("SIGTERM");
    await exited;
  }
  child = undefined;
});

/** Starts the real executable and resolves with what it printed once `done` says enough. */
function start(args: string[], env: Record<string, string>, done: (stdout: string) => boolean): Promise<string> {
  return new Promise((resolve, reject) => {
    child = spawn(process.execPath, [path.join(projectRoot, "bin/halflife.js"), ...args], {
      cwd: projectRoot,
      env: { ...process.env, TZ: "UTC", HALFLIFE_LOG_LEVEL: "silent", ...env },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let stdout = "";
    let stderr = "";
    const timer = setTimeout(() => reject(new Error(`no start-up lines within 60 s: ${stdout} ${stderr}`)), 60_000);
    child.stdout!.on("data", (chunk) => {
      stdout += chunk;
      if (done(stdout)) {
        clearTimeout(timer);
        resolve(stdout);
      }
    });
    child.stderr!.on("data", (chunk) => (stderr += chunk));
    child.once("exit", (code) => {
      clearTimeout(timer);
      reject(new Error(`exited with ${code} before it was ready: ${stdout} ${stderr}`));
    });
  });
}

describe("halflife serve --demo", () => {
  it("prints the URL and an admin key on a new store, and answers with that key over the demo data", async () => {
    const db = path.join(temporaryFolder("serve"), "halflife.db");
    const stdout = await start(["serve", "--demo", "--port", "0"], { HALFLIFE_DB: db }, (out) => /Demo data: .*\n/.test(out));
    const url = /^Halflife \S+ is listening on (http:\/\/127\.0\.0\.1:\d+)\/$/m.exec(stdout)?.[1];
    const key = /^Admin key \(admin@halflife\.test\): ([A-Za-z0-9]{40}) /m.exec(stdout)?.[1];
    expect(url, stdout).toBeDefined();
    expect(key, stdout).toBeDefined();
    expect(stdout).toContain(`Store: ${db}`);

    const call = async (route: string, init: RequestInit = {}) => {
      const response = await fetch(`${url}${route}`, { ...init, headers: { Authorization: key!, Accept: "application/json", "Content-Type": "application/json" } });
      return { status: response.status, json: (await response.json()) as any };
    };
    const version = await call("/servers/getVersion");
    expect(version.status).toBe(200);
    expect(version.json.version).toMatch(/^\d+\.\d+\.\d+$/);
    expect((await call("/users/view/me")).json.Role.perm_site_admin).toBe(true);

    const events = await call("/events/index");
    expect(events.json.length).toBeGreaterThanOrEqual(3);
    const [, eventCount, attributeCount, sightingCount] = /Demo data: (\d+) events, (\d+) attributes, (\d+) sightings/.exec(stdout)!;
    expect(events.json).toHaveLength(Number(eventCount));
    const search = await call("/attributes/restSearch", { method: "POST", body: JSON.stringify({ includeSightings: 1 }) });
    const attributes = search.json.response.Attribute;
    expect(attributes).toHaveLength(Number(attributeCount));
    expect(attributes.some((a: any) => a.to_ids)).toBe(true);
    const types = new Set(attributes.flatMap((a: any) => a.Sighting.map((s: any) => s.type)));
    expect(types).toEqual(new Set(["0", "1", "2"]));
    expect(attributes.reduce((n: number, a: any) => n + a.Sighting.length, 0)).toBe(Number(sightingCount));
  }, 90_000);
});
