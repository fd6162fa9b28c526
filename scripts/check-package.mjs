#!/usr/bin/env node
// `npm run check-package` (CI runs it): the package as a user gets it. Packs this checkout with
// `npm pack` (which builds dist/ and the web UI), installs the tarball into an empty prefix with its
// dependencies from the registry, and from there runs `halflife --version`, `halflife serve --demo`
// (answering over HTTP, then stopped), and `import { formulas } from "halflife"`. Nothing of the
// checkout is reachable from the prefix: no src/, no tsx. Prints how long `--version` takes.
/* global fetch, setTimeout, clearTimeout */
import { execFileSync, spawn } from "node:child_process";
import { mkdirSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";

const root = fileURLToPath(new URL("..", import.meta.url));
const { version } = JSON.parse(readFileSync(path.join(root, "package.json"), "utf8"));
const work = mkdtempSync(path.join(tmpdir(), "halflife-check-package-"));
const say = (text) => process.stdout.write(`check-package: ${text}\n`);
const env = { PATH: process.env.PATH, HOME: process.env.HOME ?? work, TMPDIR: work, TZ: "UTC" };

function fail(message) {
  throw new Error(message);
}

async function serveDemo(bin) {
  const data = path.join(work, "data");
  mkdirSync(data);
  const child = spawn(bin, ["serve", "--demo", "--port", "0"], { cwd: data, env: { ...env, HALFLIFE_LOG_LEVEL: "warn" }, stdio: ["ignore", "pipe", "pipe"] });
  const exited = new Promise((resolve) => child.once("exit", (code) => resolve(code)));
  try {
    let output = "";
    const { url, key } = await new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`serve --demo did not start within 60 s: ${output}`)), 60_000);
      child.stdout.on("data", (chunk) => {
        output += chunk;
        const found = { url: /listening on (http:\/\/\S+?)\/\n/.exec(output)?.[1], key: /Admin key \(\S+\): ([A-Za-z0-9]{40})/.exec(output)?.[1] };
        if (found.url && found.key && output.includes("Demo data:")) {
          clearTimeout(timer);
          resolve(found);
        }
      });
      child.stderr.on("data", (chunk) => (output += chunk));
      exited.then((code) => reject(new Error(`serve --demo exited (${code}): ${output}`)));
    });
    const headers = { Authorization: key, Accept: "application/json" };
    const answer = await fetch(`${url}/servers/getVersion`, { headers });
    if (answer.status !== 200) fail(`GET /servers/getVersion answered ${answer.status}`);
    const events = await (await fetch(`${url}/events/index`, { headers })).json();
    if (!Array.isArray(events) || events.length === 0) fail("the demo has no events");
    const page = await (await fetch(`${url}/`, { headers: { Accept: "text/html" } })).text();
    if (!/<!doctype html>/i.test(page)) fail("the web UI is not served at /");
    say(`serve --demo answered at ${url} (${events.length} demo events, the web UI at /)`);
  } finally {
    if (child.exitCode === null && child.signalCode === null) child.kill("SIGTERM");
  }
  const code = await exited;
  if (code !== 0) fail(`serve exited with ${code} on SIGTERM`);
}

try {
  say("npm pack (builds dist/ and the web UI)");
  const output = execFileSync("npm", ["pack", "--json", "--pack-destination", work], { cwd: root, encoding: "utf8", stdio: ["ignore", "pipe", "inherit"] });
  // Lifecycle scripts may print before npm's JSON.
  const [packed] = JSON.parse(output.slice(output.search(/^\[/m)));
  const tarball = path.join(work, packed.filename);
  say(`${packed.filename}: ${packed.entryCount} files, ${Math.round(packed.size / 1024)} kB`);

  const prefix = path.join(work, "prefix");
  mkdirSync(prefix);
  say("npm install of the tarball into an empty prefix");
  execFileSync("npm", ["install", "--prefix", prefix, "--no-audit", "--no-fund", "--loglevel=error", tarball], { stdio: "inherit", env: { ...process.env, TMPDIR: work } });
  const bin = path.join(prefix, "node_modules", ".bin", "halflife");

  const started = process.hrtime.bigint();
  const printed = execFileSync(bin, ["--version"], { cwd: prefix, env, encoding: "utf8" }).trim();
  const ms = Number(process.hrtime.bigint() - started) / 1e6;
  if (printed !== version) fail(`halflife --version printed "${printed}", expected "${version}"`);
  say(`halflife --version: ${printed} in ${Math.round(ms)} ms`);

  await serveDemo(bin);

  const imported = execFileSync(
    process.execPath,
    ["--input-type=module", "-e", 'import { formulas, computeBaseScore } from "halflife"; console.log(formulas.names().join(","), typeof computeBaseScore);'],
    { cwd: prefix, env, encoding: "utf8" },
  ).trim();
  if (!imported.startsWith("Polynomial,PolynomialExtended,Sightings") || !imported.endsWith("function")) fail(`importing halflife gave: ${imported}`);
  say(`import { formulas } from "halflife": ${imported}`);
  say("the packed package installs and runs from dist/ alone");
} catch (error) {
  process.stderr.write(`check-package: FAILED: ${error.message}\n`);
  process.exitCode = 1;
} finally {
  rmSync(work, { recursive: true, force: true });
}
