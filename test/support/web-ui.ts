// Vitest global setup for the browser tests: finds Chromium and builds the web UI once per run, from
// the current sources, into a temporary directory that the tests' servers serve (HALFLIFE_WEB_DIR).
// Building here, not relying on web/dist, means a test never runs against a stale build.
//
// Without Chromium the browser tests are skipped with a loud warning, so that a laptop without it
// can still run the suite. With HALFLIFE_REQUIRE_BROWSER=1 (CI) the run fails instead.
// HALFLIFE_TEST_CHROMIUM=PATH picks another Chromium binary.
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import type { TestProject } from "vitest/node";

declare module "vitest" {
  export interface ProvidedContext {
    /** Chromium's path, or null when the browser tests are skipped. */
    chromiumPath: string | null;
    /** The freshly built web UI, or null when the browser tests are skipped. */
    webUiDir: string | null;
  }
}

export const DEFAULT_CHROMIUM = "/usr/bin/chromium";

let built: string | null = null;

export async function setup(project: TestProject): Promise<void> {
  const chromium = process.env.HALFLIFE_TEST_CHROMIUM ?? DEFAULT_CHROMIUM;
  if (!existsSync(chromium)) {
    const reason = `Chromium not found at ${chromium}`;
    if (/^(1|true|yes)$/i.test(process.env.HALFLIFE_REQUIRE_BROWSER ?? "")) throw new Error(`${reason}, and HALFLIFE_REQUIRE_BROWSER=1 requires it`);
    process.stderr.write(
      `\n!! ${reason}: the web UI's browser tests are SKIPPED.\n` +
        "!! Install it (Debian: apt-get install chromium) to run them; CI sets HALFLIFE_REQUIRE_BROWSER=1 and fails instead.\n\n",
    );
    project.provide("chromiumPath", null);
    project.provide("webUiDir", null);
    return;
  }
  const { build } = await import("vite");
  built = path.join(mkdtempSync(path.join(tmpdir(), "halflife-web-ui-")), "dist");
  await build({
    configFile: fileURLToPath(new URL("../../web/vite.config.ts", import.meta.url)),
    build: { outDir: built, emptyOutDir: true },
    logLevel: "warn",
  });
  project.provide("chromiumPath", chromium);
  project.provide("webUiDir", built);
}

export async function teardown(): Promise<void> {
  if (built) rmSync(path.dirname(built), { recursive: true, force: true });
  built = null;
}
