// Two sweeps on one store, as two real processes: the second exits with a clear message (or
// waits), and a sweep whose process was killed does not block the next one. The first sweep is
// held inside its lock by a remote "MISP" that answers only when the test says so.
import { spawn, type ChildProcess } from "node:child_process";
import path from "node:path";
import { afterEach, beforeAll, describe, expect, it } from "vitest";
import { runHalflife } from "../support/cli.js";
import { projectRoot } from "../support/data.js";
import { sendJson, startHttpServer, type TestHttpServer } from "../support/http-server.js";
import { temporaryFolder } from "../support/temp.js";

/** A MISP whose getVersion hangs until released; afterwards it is an empty MISP. */
async function gatedMisp(): Promise<{ server: TestHttpServer; entered: Promise<void>; release(): void }> {
  let release!: () => void;
  const gate = new Promise<void>((resolve) => (release = resolve));
  let entered!: () => void;
  const inside = new Promise<void>((resolve) => (entered = resolve));
  const server = await startHttpServer(async (request, response) => {
    if (request.path === "/servers/getVersion") {
      entered();
      await gate;
      sendJson(response, 200, { version: "2.5.1" });
    } else if (request.path === "/users/view/me") sendJson(response, 200, { User: { id: "1" }, Role: { id: "1" }, UserSetting: [] });
    else sendJson(response, 200, { response: { Attribute: [] } });
  });
  return { server, entered: inside, release };
}

interface SweepProcess {
  child: ChildProcess;
  done: Promise<{ code: number | null; stderr: string }>;
  /** Resolves once stderr has printed something matching. */
  printed(pattern: RegExp): Promise<void>;
}

function startSweep(args: string[], env: Record<string, string>): SweepProcess {
  const child = spawn(process.execPath, [path.join(projectRoot, "bin/halflife.js"), "sweep", ...args], {
    cwd: projectRoot,
    env: { ...process.env, TZ: "UTC", ...env },
    stdio: ["ignore", "ignore", "pipe"],
  });
  let stderr = "";
  const watchers: Array<{ pattern: RegExp; resolve(): void }> = [];
  child.stderr!.on("data", (chunk) => {
    stderr += chunk;
    for (const watcher of watchers.filter((w) => w.pattern.test(stderr))) watcher.resolve();
  });
  const done = new Promise<{ code: number | null; stderr: string }>((resolve) => child.on("close", (code) => resolve({ code, stderr })));
  return {
    child,
    done,
    printed: (pattern) => (pattern.test(stderr) ? Promise.resolve() : new Promise((resolve) => watchers.push({ pattern, resolve }))),
  };
}

describe("two sweeps on one store", () => {
  let env: Record<string, string>;
  const servers: TestHttpServer[] = [];

  beforeAll(() => {
    env = { HALFLIFE_DB: path.join(temporaryFolder("lock"), "halflife.db"), HALFLIFE_LOG_LEVEL: "silent" };
  });
  afterEach(async () => {
    await Promise.all(servers.splice(0).map((server) => server.close()));
  });

  it("turns the second one away with a clear message, and lets one with --wait run after the first", async () => {
    const misp = await gatedMisp();
    servers.push(misp.server);
    const first = startSweep(["--misp-url", misp.server.url, "--misp-key", "k"], env);
    await misp.entered;

    const second = await runHalflife(["sweep", "--dry-run"], { env });
    expect(second.code).toBe(1);
    expect(second.stderr).toMatch(/^halflife: another sweep is running on this store \(halflife sweep \(cli\), pid \d+ on .+, since .+ UTC\), so this one did not start; wait for it \(--wait\) or try again later\n$/);

    const third = startSweep(["--dry-run", "--wait"], env);
    // The waiting sweep says so on stderr; only then does the first one go on.
    await third.printed(/waiting for it to finish/);
    misp.release();
    expect((await first.done).code).toBe(0);
    const waited = await third.done;
    expect(waited.code).toBe(0);
  });

  it("takes over the lock of a sweep whose process was killed", async () => {
    const misp = await gatedMisp();
    servers.push(misp.server);
    const doomed = startSweep(["--misp-url", misp.server.url, "--misp-key", "k"], env);
    await misp.entered;
    doomed.child.kill("SIGKILL");
    await doomed.done;
    const next = await runHalflife(["sweep", "--dry-run"], { env });
    expect(next.code, next.stderr).toBe(0);
    misp.release();
  });
});
