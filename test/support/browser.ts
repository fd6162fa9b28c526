// The browser tests' real parts: a real `halflife serve --demo` in a child process on a free
// loopback port (its own SQLite file, the UI built by the run's global setup), and a real Chromium
// driven by playwright-core. One server and one browser per test file; each test gets a fresh
// browser context, so cookies never leak between tests.
import { spawn, type ChildProcess } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { chromium, type Browser, type BrowserContext, type Page } from "playwright-core";
import { inject } from "vitest";

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

/** Whether this run has a browser; guard suites with `describe.skipIf(!browserAvailable())`. */
export function browserAvailable(): boolean {
  return inject("chromiumPath") !== null && inject("webUiDir") !== null;
}

/**
 * A new Chromium. Playwright gives every launch a fresh, temporary user-data directory, so no
 * profile, cache or cookie survives from another run.
 */
export function launchBrowser(): Promise<Browser> {
  return chromium.launch({ executablePath: inject("chromiumPath")!, args: CHROMIUM_ARGS, headless: true });
}

/** A page at laptop size, in a context of its own. */
export async function newPage(browser: Browser): Promise<{ context: BrowserContext; page: Page; errors: string[] }> {
  const context = await browser.newContext({ viewport: { width: 1366, height: 800 } });
  const page = await context.newPage();
  // Uncaught errors in the page fail the test that caused them (see expectNoPageErrors).
  const errors: string[] = [];
  page.on("pageerror", (error) => errors.push(error.message));
  return { context, page, errors };
}

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
export async function startServe(options: { env?: Record<string, string> } = {}): Promise<ServeProcess> {
  const dir = mkdtempSync(path.join(tmpdir(), "halflife-browser-"));
  const child: ChildProcess = spawn(process.execPath, [path.join(ROOT, "bin", "halflife.js"), "serve", "--demo", "--host", "127.0.0.1", "--port", "0"], {
    cwd: dir,
    env: {
      ...process.env,
      HALFLIFE_DB: path.join(dir, "halflife.db"),
      HALFLIFE_ADMIN_KEY: ADMIN_KEY,
      HALFLIFE_WEB_DIR: inject("webUiDir")!,
      HALFLIFE_LOG_LEVEL: "warn",
      ...options.env,
    },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let output = "";
  const exited = new Promise<number | null>((resolve) => child.once("exit", (code) => resolve(code)));
  const started = await new Promise<{ url: string; partnerKey: string }>((resolve, reject) => {
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

/**
 * A page already logged in as the key's user: the session is opened over the API and its cookie
 * handed to a fresh browser context. Only the login test needs to go through the login form.
 */
export async function loggedInPage(browser: Browser, server: ServeProcess, key = server.adminKey): Promise<{ context: BrowserContext; page: Page; errors: string[] }> {
  const response = await fetch(`${server.url}/halflife/session`, {
    method: "POST",
    headers: { "Content-Type": "application/json" },
    body: JSON.stringify({ key }),
  });
  const token = /halflife_session=([^;]+)/.exec(response.headers.get("set-cookie") ?? "")?.[1];
  if (response.status !== 201 || !token) throw new Error(`logging in over the API failed: HTTP ${response.status}`);
  const opened = await newPage(browser);
  await opened.context.addCookies([{ name: "halflife_session", value: token, url: server.url, httpOnly: true, sameSite: "Strict" }]);
  return opened;
}

/** Logs in through the login page and waits for the models page. */
export async function logIn(page: Page, server: ServeProcess, key = server.adminKey): Promise<void> {
  await page.goto(`${server.url}/`);
  await page.getByLabel("API key").fill(key);
  await page.getByRole("button", { name: "Log in" }).click();
  await page.getByRole("heading", { name: "Decaying models" }).waitFor();
}
