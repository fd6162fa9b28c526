// The package as npm publishes it: built into a temporary folder (never the checkout's dist/),
// packed with `npm pack`, unpacked into a consumer's node_modules, and run from there, where
// neither src/ nor tsx exist. Its dependencies are linked from this checkout's node_modules, so that
// the test needs no registry; `.ci/run` also installs the packed tarball from the registry.
import { execFileSync, spawn } from "node:child_process";
import { cpSync, mkdirSync, readFileSync, symlinkSync, writeFileSync } from "node:fs";
import path from "node:path";
import { beforeAll, describe, expect, inject, it } from "vitest";
import { projectRoot } from "../support/data.js";
import { temporaryFolder } from "../support/temp.js";

const manifest = JSON.parse(readFileSync(path.join(projectRoot, "package.json"), "utf8")) as {
  version: string;
  dependencies: Record<string, string>;
};

let consumer: string;
let installed: string;
let tarballFiles: string[];

beforeAll(() => {
  const work = temporaryFolder("package");
  // The package's folder: what its `files` list names, built here rather than in the checkout.
  const source = path.join(work, "source");
  mkdirSync(source);
  // The run's global setup has built the UI from these sources already (when the browser tests run).
  const webUi = inject("webUiDir");
  execFileSync(process.execPath, [path.join(projectRoot, "scripts/build.mjs"), "--out", source, ...(webUi ? ["--web-from", webUi] : [])], { stdio: "pipe" });
  for (const entry of ["package.json", "README.md", "bin", "deploy"]) cpSync(path.join(projectRoot, entry), path.join(source, entry), { recursive: true });
  const packed = JSON.parse(execFileSync("npm", ["pack", "--json", "--ignore-scripts", "--pack-destination", work], { cwd: source, encoding: "utf8" })) as Array<{
    filename: string;
    files: Array<{ path: string }>;
  }>;
  tarballFiles = packed[0]!.files.map((f) => f.path);

  consumer = path.join(work, "consumer");
  installed = path.join(consumer, "node_modules", "halflife");
  mkdirSync(installed, { recursive: true });
  execFileSync("tar", ["-xzf", path.join(work, packed[0]!.filename), "-C", installed, "--strip-components=1"]);
  for (const dependency of Object.keys(manifest.dependencies)) {
    const link = path.join(consumer, "node_modules", dependency);
    mkdirSync(path.dirname(link), { recursive: true });
    symlinkSync(path.join(projectRoot, "node_modules", dependency), link, "dir");
  }
}, 180_000);

/** A minimal environment: nothing of the test's own HALFLIFE_* settings leaks in. */
const baseEnv = (): Record<string, string> => ({ PATH: process.env.PATH ?? "", TMPDIR: process.env.TMPDIR ?? "/tmp", TZ: "UTC" });

/** Runs the installed executable, from the consumer's folder. */
function halflife(args: string[]): { code: number; stdout: string; stderr: string } {
  try {
    const stdout = execFileSync(process.execPath, [path.join(installed, "bin/halflife.js"), ...args], {
      cwd: consumer,
      encoding: "utf8",
      stdio: ["ignore", "pipe", "pipe"],
      env: baseEnv(),
    });
    return { code: 0, stdout, stderr: "" };
  } catch (error) {
    const failed = error as { status: number; stdout: string; stderr: string };
    return { code: failed.status, stdout: failed.stdout, stderr: failed.stderr };
  }
}

describe("the packed package", () => {
  it("holds the compiled code, the built UI and the service files, and no sources or tests", () => {
    expect(tarballFiles).toEqual(expect.arrayContaining(["bin/halflife.js", "dist/src/main.js", "dist/src/index.d.ts", "web/dist/index.html", "deploy/halflife.service"]));
    expect(tarballFiles.filter((file) => /^(src|test|bench|scripts)\//.test(file) || (file.endsWith(".ts") && !file.endsWith(".d.ts")))).toEqual([]);
  });

  it("does not need tsx at run time", () => {
    expect(Object.keys(manifest.dependencies)).not.toContain("tsx");
  });

  it("prints its version from dist/ alone", () => {
    expect(halflife(["--version"])).toMatchObject({ code: 0, stdout: `${manifest.version}\n` });
  });

  it("answers bad usage with one line and exit code 2", () => {
    expect(halflife(["serve", "--port", "http"])).toEqual({
      code: 2,
      stdout: "",
      stderr: 'halflife: --port must be a port number from 1 to 65535 (or 0 for any free port), got "http"\n',
    });
  });

  it("serves the demo, the API and the web UI, and stops cleanly on SIGTERM", async () => {
    const data = temporaryFolder("package-serve");
    const child = spawn(process.execPath, [path.join(installed, "bin/halflife.js"), "serve", "--demo", "--port", "0"], {
      cwd: data,
      env: { ...baseEnv(), HALFLIFE_LOG_LEVEL: "warn" },
      stdio: ["ignore", "pipe", "pipe"],
    });
    const exited = new Promise<number | null>((resolve) => child.once("exit", resolve));
    try {
      let output = "";
      const started = await new Promise<{ url: string; key: string }>((resolve, reject) => {
        child.stdout.on("data", (chunk) => {
          output += chunk;
          const url = /listening on (http:\/\/\S+?)\/\n/.exec(output)?.[1];
          const key = /Admin key \(\S+\): ([A-Za-z0-9]{40})/.exec(output)?.[1];
          if (url && key && output.includes("Demo data:")) resolve({ url, key });
        });
        child.stderr.on("data", (chunk) => (output += chunk));
        void exited.then((code) => reject(new Error(`serve exited (${code}): ${output}`)));
      });
      const headers = { Authorization: started.key, Accept: "application/json" };
      expect((await fetch(`${started.url}/servers/getVersion`, { headers })).status).toBe(200);
      const events = (await (await fetch(`${started.url}/events/index`, { headers })).json()) as unknown[];
      expect(events.length).toBeGreaterThan(0);
      const page = await fetch(`${started.url}/`, { headers: { Accept: "text/html" } });
      expect((await page.text()).toLowerCase()).toContain("<!doctype html>");
    } finally {
      if (child.exitCode === null && child.signalCode === null) child.kill("SIGTERM");
    }
    expect(await exited).toBe(0);
  });

  it("lets a consumer import the scoring core from the package root", () => {
    writeFileSync(
      path.join(consumer, "check.mjs"),
      `import { computeBaseScore, formulas } from "halflife";
const model = { formula: "Polynomial", parameters: { lifetime: 120, decay_speed: 2, threshold: 30, default_base_score: 80,
  base_score_config: { "admiralty-scale:source-reliability": 50, "phishing:psychological-acceptability": 50 } } };
const attribute = { timestamp: 0, last_seen: null, AttributeTag: [
  { Tag: { name: 'admiralty-scale:source-reliability="a"', numerical_value: 100 } },
  { Tag: { name: 'phishing:psychological-acceptability="high"', numerical_value: 75 } }] };
const result = computeBaseScore(model, attribute);
const polynomial = formulas.get("Polynomial");
const score = polynomial.computeScore(model, attribute, result.baseScore, 30 * 86400, { now: 30 * 86400 });
console.log(JSON.stringify({ base: result.baseScore, keys: Object.keys(result).sort(), score, decayed: polynomial.isDecayed(model, attribute, score) }));
`,
    );
    const output = JSON.parse(execFileSync(process.execPath, ["check.mjs"], { cwd: consumer, encoding: "utf8", env: baseEnv() }));
    expect(output).toEqual({ base: 87.5, keys: ["baseScore", "effectiveRatios", "overridden", "tags"], score: 43.75, decayed: false });
  });
});
