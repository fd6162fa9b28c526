// What an operator meets when starting Halflife: the version, configuration errors that name the
// setting as it was given, a database folder that must exist, a server that stops with one line
// when it cannot listen and shuts down cleanly, and logs for people or for machines. Run in process
// through the executable's entry point.
import { existsSync, writeFileSync } from "node:fs";
import { createServer, type Server } from "node:net";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { runCli, startCli } from "../support/cli.js";
import { temporaryFolder } from "../support/temp.js";
import { packageVersion } from "../../src/package-info.js";

const quiet = { HALFLIFE_LOG_LEVEL: "silent" };

/** A port that something else holds, for as long as the test runs. */
async function occupiedPort(): Promise<{ port: number; close(): Promise<void> }> {
  const server: Server = createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const port = (server.address() as { port: number }).port;
  return { port, close: () => new Promise((resolve) => server.close(() => resolve())) };
}

describe("halflife --version", () => {
  it("prints the package's version and nothing else", async () => {
    expect(await runCli(["--version"])).toEqual({ code: 0, stdout: `${packageVersion()}\n`, stderr: "" });
    expect((await runCli(["-V"])).stdout).toBe(`${packageVersion()}\n`);
  });
});

describe("configuration errors", () => {
  it.each([
    [["serve"], { HALFLIFE_PORT: "abc" }, 'HALFLIFE_PORT must be a port number from 1 to 65535 (or 0 for any free port), got "abc"'],
    [["serve", "--port", "99999"], {}, '--port must be a port number from 1 to 65535 (or 0 for any free port), got "99999"'],
    [["serve", "--port", "99999"], { HALFLIFE_PORT: "8080" }, '--port must be a port number from 1 to 65535 (or 0 for any free port), got "99999"'],
    [["serve", "--host", ""], {}, '--host must be a host name or an IP address to listen on, got ""'],
    [["models", "list"], { HALFLIFE_SIGHTINGS_POLICY: "7" }, 'HALFLIFE_SIGHTINGS_POLICY must be 0, 1, 2 or 3, got "7"'],
    [["models", "list"], { HALFLIFE_LOG_FORMAT: "pretty" }, 'HALFLIFE_LOG_FORMAT must be auto, text or json, got "pretty"'],
    [["sweep", "--dry-run"], { HALFLIFE_SWEEP_THRESHOLD: "50" }, 'HALFLIFE_SWEEP_THRESHOLD must be a share from 0 to 1, such as 0.5, got "50"'],
  ])("answers %j with %j in one sentence naming what was given, and exit code 2", async (args, env, message) => {
    const db = path.join(temporaryFolder("config"), "h.db");
    const result = await runCli(args, { env: { HALFLIFE_DB: db, ...quiet, ...env } });
    expect(result).toEqual({ code: 2, stdout: "", stderr: `halflife: ${message}\n` });
    expect(existsSync(db)).toBe(false);
  });

  it("names a bad setting in a config file by its variable and the file", async () => {
    const dir = temporaryFolder("config-file");
    const file = path.join(dir, "halflife.json");
    writeFileSync(file, JSON.stringify({ HALFLIFE_DB: path.join(dir, "h.db"), HALFLIFE_PORT: 70000 }));
    const result = await runCli(["--config", file, "serve"], { env: quiet });
    expect(result.stderr).toBe(`halflife: HALFLIFE_PORT in ${file} must be a port number from 1 to 65535 (or 0 for any free port), got "70000"\n`);
    expect(result.code).toBe(2);
  });

  it("says which config file cannot be read, and why", async () => {
    const missing = path.join(temporaryFolder("config-file"), "nope.json");
    expect(await runCli(["--config", missing, "models", "list"])).toMatchObject({ code: 2, stderr: `halflife: --config ${missing} cannot be read: there is no such file\n` });
  });
});

describe("the database folder", () => {
  it("must exist: a store in a missing folder is an error that names HALFLIFE_DB, and nothing is created", async () => {
    const missing = path.join(temporaryFolder("db"), "not", "there");
    const result = await runCli(["models", "list"], { env: { HALFLIFE_DB: path.join(missing, "h.db"), ...quiet } });
    expect(result.code).toBe(2);
    expect(result.stderr).toBe(`halflife: HALFLIFE_DB names a database in ${missing}, which does not exist; create that folder, or pass --create-dirs to have it made\n`);
    expect(existsSync(missing)).toBe(false);
  });

  it("must be a folder", async () => {
    const file = path.join(temporaryFolder("db"), "plain-file");
    writeFileSync(file, "");
    const result = await runCli(["models", "list"], { env: { HALFLIFE_DB: path.join(file, "h.db"), ...quiet } });
    expect(result).toEqual({ code: 2, stdout: "", stderr: `halflife: HALFLIFE_DB names a database in ${file}, which is a file, not a folder\n` });
  });

  it("is created with --create-dirs", async () => {
    const missing = path.join(temporaryFolder("db"), "not", "there");
    const result = await runCli(["--create-dirs", "models", "list", "--filter", "default"], { env: { HALFLIFE_DB: path.join(missing, "h.db"), ...quiet } });
    expect(result.code, result.stderr).toBe(0);
    expect(existsSync(path.join(missing, "h.db"))).toBe(true);
  });

  it("is the same check for serve", async () => {
    const missing = path.join(temporaryFolder("db"), "gone");
    const result = await runCli(["serve", "--port", "0"], { env: { HALFLIFE_DB: path.join(missing, "h.db"), ...quiet } });
    expect(result).toMatchObject({ code: 2, stdout: "" });
    expect(result.stderr).toMatch(/^halflife: HALFLIFE_DB names a database in .*gone, which does not exist/);
  });
});

describe("halflife serve", () => {
  it("stops with exit code 1 and one line when its port is taken, and leaves nothing running", async () => {
    const taken = await occupiedPort();
    try {
      const db = path.join(temporaryFolder("serve"), "h.db");
      const result = await runCli(["serve", "--port", String(taken.port)], { env: { HALFLIFE_DB: db, ...quiet } });
      expect(result).toEqual({
        code: 1,
        stdout: "",
        stderr: `halflife: cannot listen on 127.0.0.1:${taken.port}: the port is already in use; stop what uses it, or choose another port with --port\n`,
      });
      // Returning at all shows that no job or socket was left behind to keep it alive.
      const fromEnv = await runCli(["serve"], { env: { HALFLIFE_DB: db, HALFLIFE_PORT: String(taken.port), ...quiet } });
      expect(fromEnv.stderr).toContain("choose another port with --port or HALFLIFE_PORT\n");
    } finally {
      await taken.close();
    }
  });

  it("answers requests until it is told to stop, then returns 0", async () => {
    const stop = new AbortController();
    const db = path.join(temporaryFolder("serve"), "h.db");
    const running = startCli(["serve", "--port", "0"], { env: { HALFLIFE_DB: db, ...quiet }, signal: stop.signal });
    const [, url] = await running.printed(/listening on (http:\/\/\S+?)\/\n/);
    const health = await fetch(`${url}/halflife/health`);
    expect(health.status).toBe(200);
    stop.abort();
    expect((await running.done).code).toBe(0);
    await expect(fetch(`${url}/halflife/health`)).rejects.toThrow();
  });
});

describe("the server's log", () => {
  async function serveAndStop(env: Record<string, string>, terminal: boolean): Promise<string> {
    const stop = new AbortController();
    const db = path.join(temporaryFolder("log"), "h.db");
    const running = startCli(["serve", "--port", "0"], { env: { HALFLIFE_DB: db, HALFLIFE_LOG_LEVEL: "info", ...env }, terminal, signal: stop.signal });
    await running.printed(/listening on/);
    stop.abort();
    const result = await running.done;
    expect(result.code).toBe(0);
    return result.stderr;
  }

  it("is readable lines on a terminal", async () => {
    const lines = (await serveAndStop({}, true)).trimEnd().split("\n");
    expect(lines.some((line) => /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z INFO {2}listening url=http:\/\/127\.0\.0\.1:\d+$/.test(line))).toBe(true);
    expect(lines.some((line) => line.startsWith("{"))).toBe(false);
  });

  it("is JSON, one object per line, when standard error is not a terminal", async () => {
    const lines = (await serveAndStop({}, false)).trimEnd().split("\n");
    const entries = lines.map((line) => JSON.parse(line) as { msg: string; level: number });
    expect(entries.find((entry) => entry.msg === "listening")).toMatchObject({ level: 30, url: expect.stringMatching(/^http:/) });
  });

  it("is JSON on a terminal too with HALFLIFE_LOG_FORMAT=json, and text anywhere with HALFLIFE_LOG_FORMAT=text", async () => {
    expect(JSON.parse((await serveAndStop({ HALFLIFE_LOG_FORMAT: "json" }, true)).split("\n")[0]!)).toHaveProperty("msg");
    expect(await serveAndStop({ HALFLIFE_LOG_FORMAT: "text" }, false)).toMatch(/ INFO {2}listening url=/);
  });
});
