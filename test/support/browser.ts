// The browser tests' real parts: a real `halflife serve --demo` in a child process on a free
// loopback port (its own SQLite file, the UI built by the run's global setup), and a real Chromium
// driven by playwright-core. One server and one browser per test file; each test gets a fresh
// browser context, so cookies never leak between tests.
import { chromium, type Browser, type BrowserContext, type Page } from "playwright-core";
import { afterAll, beforeAll, inject } from "vitest";
import { CHROMIUM_ARGS, startServe as startServeProcess, type ServeProcess } from "./serve-process.js";

export type { ServeProcess } from "./serve-process.js";

/** The run's `halflife serve --demo`, serving the UI built by the global setup. */
export const startServe = (options: { env?: Record<string, string> } = {}): Promise<ServeProcess> => startServeProcess({ webDir: inject("webUiDir")!, ...options });

/**
 * One `halflife serve --demo` and one Chromium for a test file: started before its tests, stopped
 * after them. Read `server` and `browser` inside the tests, once they have started.
 */
export function serveAndBrowser(options: { env?: Record<string, string> } = {}): { server: ServeProcess; browser: Browser } {
  const rig = {} as { server: ServeProcess; browser: Browser };
  beforeAll(async () => {
    [rig.server, rig.browser] = await Promise.all([startServe(options), launchBrowser()]);
  });
  afterAll(async () => {
    await rig.browser?.close();
    await rig.server?.stop();
  });
  return rig;
}

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
  // Uncaught errors in the page are collected, so that the test that caused them can fail on them.
  const errors: string[] = [];
  page.on("pageerror", (error) => errors.push(error.message));
  return { context, page, errors };
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
