// `npm run test-data` against a mirror on loopback: archives in GitHub's layout, built here from
// this run's copy of the data and laid out as each upstream repository has it. The script must take
// exactly the pinned refs, put the files where the tests look, refuse content that is not the pinned
// one, and say clearly when the source fails.
import { execFile, execFileSync } from "node:child_process";
import { cpSync, existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { hasSharedData, projectRoot, sharedPath } from "../support/data.js";
import { startHttpServer, type TestHttpServer } from "../support/http-server.js";
import { temporaryFolder } from "../support/temp.js";

interface DataSet {
  name: string;
  repository: string;
  ref: string;
  files: Array<{ from: string; to?: string; under?: string; optional?: boolean }>;
}
const manifest = JSON.parse(readFileSync(path.join(projectRoot, "scripts/test-data.json"), "utf8")) as { sets: DataSet[] };

/** Where each upstream repository keeps the files (the reverse of the manifest's mapping). */
function layOut(set: DataSet, dir: string, tamper: boolean): void {
  for (const file of set.files) {
    if (file.from.includes("*")) {
      // misp-taxonomies: every namespace folder with its machinetag.json.
      cpSync(sharedPath("misp-taxonomies"), dir, { recursive: true, filter: (source) => !source.endsWith("LICENSE.md") && !source.endsWith("MANIFEST.json") });
      continue;
    }
    const local = file.to ? (file.to.endsWith("/") ? `${file.to}${path.basename(file.from)}` : file.to) : `${file.under ?? ""}${file.from}`;
    if (!existsSync(sharedPath(local))) continue;
    mkdirSync(path.dirname(path.join(dir, file.from)), { recursive: true });
    cpSync(sharedPath(local), path.join(dir, file.from));
  }
  if (tamper && set.name === "misp-decaying-models") writeFileSync(path.join(dir, "models/phishing-model.json"), "{}");
}

/** A mirror serving OWNER/REPO/archive/REF.tar.gz for the pinned refs only. */
async function startMirror(options: { tamper?: boolean } = {}): Promise<{ server: TestHttpServer; asked: string[] }> {
  const work = temporaryFolder("mirror");
  const archives = new Map<string, Buffer>();
  for (const set of manifest.sets) {
    const top = `${set.repository.split("/")[1]}-${set.ref}`;
    layOut(set, path.join(work, top), options.tamper ?? false);
    archives.set(`/${set.repository}/archive/${set.ref}.tar.gz`, execFileSync("tar", ["-czf", "-", "-C", work, top], { maxBuffer: 64 * 1024 * 1024 }));
  }
  const asked: string[] = [];
  const server = await startHttpServer((request, response) => {
    asked.push(request.path);
    const archive = archives.get(request.path);
    response.writeHead(archive ? 200 : 404, { "Content-Type": "application/gzip" });
    response.end(archive ?? "");
  });
  return { server, asked };
}

/** Runs the script in a child process; asynchronously, since the mirror answers from this one. */
function fetchData(source: string, into: string): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      [path.join(projectRoot, "scripts/test-data.mjs"), "--into", into],
      { encoding: "utf8", env: { ...process.env, HALFLIFE_TEST_DATA_SOURCE: source } },
      (error, stdout, stderr) => resolve({ code: error ? Number(error.code ?? 1) : 0, stdout, stderr }),
    );
  });
}

describe.skipIf(!hasSharedData)("npm run test-data", () => {
  let mirror: Awaited<ReturnType<typeof startMirror>>;
  beforeAll(async () => {
    mirror = await startMirror();
  }, 60_000);
  afterAll(async () => {
    await mirror?.server.close();
  });

  it("fetches the pinned refs from the configured source into the folder the tests read", async () => {
    const into = path.join(temporaryFolder("data"), "cache");
    const result = await fetchData(mirror.server.url, into);
    expect(result.code, result.stderr).toBe(0);
    expect(mirror.asked.sort()).toEqual(manifest.sets.map((set) => `/${set.repository}/archive/${set.ref}.tar.gz`).sort());
    for (const file of ["misp-events/long_event.json", "misp-decaying-models/phishing-model.json", "misp-taxonomies/admiralty-scale/machinetag.json", "misp-taxonomies/MANIFEST.json", "describeTypes.json"]) {
      expect(readFileSync(path.join(into, file)).equals(readFileSync(sharedPath(file))), file).toBe(true);
    }
    expect(result.stdout).toMatch(/ready in /);

    // Run again: everything is current, nothing is fetched.
    mirror.asked.length = 0;
    const again = await fetchData(mirror.server.url, into);
    expect(again.code).toBe(0);
    expect(mirror.asked).toEqual([]);
    expect(again.stdout).toContain("misp-taxonomies is current");
  });

  it("refuses an archive whose content is not the pinned one, and leaves nothing of it", async () => {
    const tampered = await startMirror({ tamper: true });
    try {
      const into = path.join(temporaryFolder("data"), "cache");
      const result = await fetchData(tampered.server.url, into);
      expect(result.code).toBe(1);
      expect(result.stderr).toMatch(/^test-data: MISP\/misp-decaying-models at f1b97479\w+ from http:\/\/127\.0\.0\.1:\d+ is not the pinned content .*refusing it\n$/);
      expect(existsSync(path.join(into, "misp-decaying-models"))).toBe(false);
    } finally {
      await tampered.server.close();
    }
  });

  it("says which address failed when the source does not have a ref", async () => {
    const empty = await startHttpServer((_request, response) => {
      response.writeHead(404);
      response.end();
    });
    try {
      const result = await fetchData(empty.url, path.join(temporaryFolder("data"), "cache"));
      expect(result.code).toBe(1);
      expect(result.stderr).toMatch(/^test-data: http:\/\/127\.0\.0\.1:\d+\/MISP\/misp-taxonomies\/archive\/7591c551cce8\.tar\.gz answered HTTP 404\n$/);
    } finally {
      await empty.close();
    }
  });
});
