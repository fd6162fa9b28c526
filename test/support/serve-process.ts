// A real `halflife serve --demo` in a child process, on a free loopback port, with its own SQLite
// file and a given build of the web UI; and the Chromium flags the browser tests use. Free of the
// test runner, so that scripts (the README's screenshots) can use it too.
import { spawn, type ChildProcess } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";

export const ADMIN_KEY = "BrowserTestAdminKey000000000000000000001";

/** Flags for a headless Chromium that stays quiet: no network chatter, no first-run screens. */
export const CHROMIUM_ARGS = [
  "--headless",
  "--no-sandbox",
  "--disable-gpu",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
  "--no-first-run",
];

export interface ServeProcess {
  url: string;
  adminKey: string;
  /** The demo's partner-organisation analyst (role User, another organisation). */
  partnerKey: string;
  /** Calls the API over HTTP with a key (the admin's by default). */
  api(method: string, route: string, body?: unknown, key?: string): Promise<{ status: number; json: any }>;
  stop(): Promise<void>;
}

const ROOT = fileURLToPath(new URL("../..", import.meta.url));

/** Starts `halflife serve --demo` on a free port and waits until it listens. */
export async function startServe(options: { webDir: string; env?: Record<string, string> }): Promise<ServeProcess> {
  const dir = mkdtempSync(path.join(tmpdir(), "halflife-browser-"));
  const child: ChildProcess = spawn(process.execPath, [path.join(ROOT, "bin", "halflife.js"), "serve", "--demo", "--host", "127.0.0.1", "--port", "0"], {
    cwd: dir,
    env: {
      ...process.env,
      HALFLIFE_DB: path.join(dir, "halflife.db"),
      HALFLIFE_ADMIN_KEY: ADMIN_KEY,
      HALFLIFE_WEB_DIR: options.webDir,
      HALFLIFE_LOG_LEVEL: "warn",
      ...options.env,
    },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let output = "";
  const exited = new Promise<number | null>((resolve) => child.once("exit", (code) => resolve(code)));
  let started: { url: string; partnerKey: string };
  try {
    started = await new Promise<{ url: string; partnerKey: string }>((resolve, reject) => {
      const onData = (chunk: Buffer) => {
        output += chunk.toString();
        const url = /listening on (http:\/\/\S+?)\/?\s/.exec(output)?.[1];
        const partnerKey = /partner analyst key ([A-Za-z0-9]{40})/.exec(output)?.[1];
        if (url && partnerKey) resolve({ url, partnerKey });
      };
      child.stdout!.on("data", onData);
      child.stderr!.on("data", (chunk: Buffer) => (output += chunk.toString()));
      void exited.then((code) => reject(new Error(`halflife serve exited (${code}) before listening:\n${output}`)));
    });
  } catch (error) {
    // Nothing of a server that never started may outlive it: neither the process nor its folder.
    if (child.exitCode === null) child.kill("SIGKILL");
    await exited;
    rmSync(dir, { recursive: true, force: true });
    throw error;
  }

  const api: ServeProcess["api"] = async (method, route, body, key = ADMIN_KEY) => {
    const response = await fetch(`${started.url}${route}`, {
      method,
      headers: { Authorization: key, Accept: "application/json", "Content-Type": "application/json" },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    const text = await response.text();
    return { status: response.status, json: text ? JSON.parse(text) : undefined };
  };

  return {
    url: started.url,
    adminKey: ADMIN_KEY,
    partnerKey: started.partnerKey,
    api,
    async stop() {
      if (child.exitCode === null) child.kill("SIGTERM");
      await exited;
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
