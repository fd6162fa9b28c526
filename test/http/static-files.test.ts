// The web UI's files as `halflife serve` serves them: built files, index.html for page addresses,
// MISP's JSON 404 for API clients, and nothing outside the build directory.
import { mkdirSync, writeFileSync } from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { staticFiles } from "../../src/http/static-files.js";
import { startTestServer, type TestServer } from "../support/server.js";
import { temporaryFolder } from "../support/temp.js";

const html = { Accept: "text/html,application/xhtml+xml" };

describe("the web UI's static files", () => {
  let server: TestServer;
  let root: string;

  beforeAll(async () => {
    const parent = temporaryFolder("web");
    root = path.join(parent, "dist");
    mkdirSync(path.join(root, "assets"), { recursive: true });
    writeFileSync(path.join(root, "index.html"), "<!doctype html><title>Halflife UI</title>");
    writeFileSync(path.join(root, "assets", "app-1a2b3c.js"), "console.log('ui')");
    writeFileSync(path.join(parent, "secret.txt"), "outside the build");
    server = await startTestServer({ deps: { staticFiles: staticFiles(root) } });
  });
  afterAll(() => server?.close());

  it("serves index.html at the root, with headers that keep other sites out", async () => {
    const answer = await server.call("GET", "/", undefined, { key: null, headers: html });
    expect(answer.status).toBe(200);
    expect(answer.text).toContain("Halflife UI");
    expect(answer.headers.get("content-type")).toMatch(/^text\/html/);
    expect(answer.headers.get("content-security-policy")).toMatch(/default-src 'self'/);
    expect(answer.headers.get("content-security-policy")).toMatch(/frame-ancestors 'none'/);
    expect(answer.headers.get("x-frame-options")).toBe("DENY");
  });

  it("answers a browser asking for a page address with index.html", async () => {
    const answer = await server.call("GET", "/models/12/edit", undefined, { key: null, headers: html });
    expect(answer.status).toBe(200);
    expect(answer.text).toContain("Halflife UI");
  });

  it("still answers API clients with MISP's JSON 404 for unknown paths", async () => {
    const answer = await server.call("GET", "/models/12/edit", undefined, { key: null });
    expect(answer.status).toBe(404);
    expect(answer.json).toMatchObject({ name: "Not Found", url: "/models/12/edit" });
  });

  it("lets API routes win over the UI", async () => {
    const answer = await server.call("GET", "/servers/getVersion", undefined, { headers: html });
    expect(answer.status).toBe(200);
    expect(answer.json.version).toBeDefined();
  });

  it("serves built assets with a long cache, and no fallback for missing ones", async () => {
    const asset = await server.call("GET", "/assets/app-1a2b3c.js", undefined, { key: null, headers: html });
    expect(asset.status).toBe(200);
    expect(asset.headers.get("content-type")).toMatch(/^text\/javascript/);
    expect(asset.headers.get("cache-control")).toMatch(/immutable/);
    const missing = await server.call("GET", "/assets/app-000000.js", undefined, { key: null, headers: html });
    expect(missing.status).toBe(404);
  });

  it("never serves a file outside the build directory", async () => {
    for (const attempt of ["/../secret.txt", "/%2e%2e/secret.txt", "/assets/..%2f..%2fsecret.txt"]) {
      const answer = await fetch(`${server.url}${attempt}`, { headers: html });
      expect(await answer.text()).not.toContain("outside the build");
    }
  });

  it("explains how to build the UI when it is not built", async () => {
    const empty = temporaryFolder("web-empty");
    const files = staticFiles(empty);
    expect(await files.built()).toBe(false);
    const other = await startTestServer({ deps: { staticFiles: files } });
    try {
      const answer = await other.call("GET", "/", undefined, { key: null, headers: html });
      expect(answer.status).toBe(503);
      expect(answer.text).toMatch(/npm run build/);
    } finally {
      await other.close();
    }
  });
});
