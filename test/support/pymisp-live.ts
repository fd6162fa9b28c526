// PyMISP's own live test suite (tests/testlive_comprehensive.py of PyMISP 2.5.34), run unchanged
// against a real `halflife serve`. The Python virtual environment is made by .ci/run (pinned
// versions from PyPI); the suite itself comes from PyPI's source distribution of the same PyMISP,
// fetched with the environment's pip into .tmp/pymisp/ at test time and never committed.
import { spawn, spawnSync } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";

export const PYMISP_VERSION = "2.5.34";
const ROOT = fileURLToPath(new URL("../..", import.meta.url));
const CACHE = path.join(ROOT, ".tmp", "pymisp");
const RUNNER = path.join(ROOT, "test", "pymisp-live", "run_methods.py");
const ADMIN_KEY = "PyMispLiveSuiteAdminKey00000000000000001";

export type Outcome = "passed" | "failed" | "error" | "skipped" | "not run";
export type SuiteResults = Record<string, { outcome: Outcome; reason: string }>;

type Env = Record<string, string | undefined>;

/** The virtual environment's python, or null with the reason it is not there. */
export function findVenvPython(env: Env = process.env): { python: string } | { python: null; reason: string } {
  const venv = env.HALFLIFE_PYMISP_VENV ?? path.join(CACHE, "venv");
  const python = path.join(venv, "bin", "python");
  if (!existsSync(python)) return { python: null, reason: `no PyMISP virtual environment at ${venv} (.ci/run makes it)` };
  const check = spawnSync(python, ["-c", "import pymisp; print(pymisp.__version__)"], { encoding: "utf8" });
  const version = check.stdout.trim();
  if (check.status !== 0) return { python: null, reason: `${python} cannot import pymisp` };
  if (version !== PYMISP_VERSION) return { python: null, reason: `${venv} has PyMISP ${version}, not ${PYMISP_VERSION}` };
  return { python };
}

/** Whether a missing environment fails the run (CI) rather than skipping the suite. */
export function pymispRequired(env: Env = process.env): boolean {
  return /^(1|true|yes)$/i.test(env.HALFLIFE_REQUIRE_PYMISP ?? "");
}

/** PyMISP's source distribution, downloaded once by pip into the cache folder. */
function sourceArchive(python: string): string {
  const archive = path.join(CACHE, `pymisp-${PYMISP_VERSION}.tar.gz`);
  if (existsSync(archive)) return archive;
  mkdirSync(CACHE, { recursive: true });
  const download = spawnSync(
    python,
    ["-m", "pip", "download", "--quiet", "--no-deps", "--no-binary", ":all:", `pymisp==${PYMISP_VERSION}`, "-d", CACHE],
    { encoding: "utf8", timeout: 300_000 },
  );
  if (download.status !== 0 || !existsSync(archive)) {
    throw new Error(`pip could not download PyMISP ${PYMISP_VERSION}'s source distribution:\n${download.stderr}`);
  }
  return archive;
}

/**
 * A temporary folder holding the suite as shipped (its tests/ folder with the data files it reads)
 * and the keys.py it imports its server URL and key from.
 */
export function prepareSuite(python: string, url: string): { dir: string; cleanup(): void } {
  const dir = mkdtempSync(path.join(tmpdir(), "halflife-pymisp-live-"));
  const unpacked = spawnSync("tar", ["-xzf", sourceArchive(python), "-C", dir], { encoding: "utf8" });
  if (unpacked.status !== 0) throw new Error(`tar could not unpack PyMISP: ${unpacked.stderr}`);
  const [root] = readdirSync(dir).filter((name) => name.startsWith("pymisp-"));
  const suiteDir = path.join(dir, root!);
  if (!existsSync(path.join(suiteDir, "tests", "testlive_comprehensive.py"))) throw new Error("the archive holds no tests/testlive_comprehensive.py");
  // The suite clones a repository of sample binaries from GitHub when this folder is missing; the
  // methods run here need none of them, and the tests reach no network.
  mkdirSync(path.join(suiteDir, "tests", "viper-test-files"), { recursive: true });
  writeFileSync(path.join(suiteDir, "tests", "keys.py"), `url = ${JSON.stringify(url + "/")}\nkey = ${JSON.stringify(ADMIN_KEY)}\n`);
  return { dir: suiteDir, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}

export interface LiveServer {
  url: string;
  stop(): Promise<void>;
}

/** `halflife serve` on a free loopback port, with its own SQLite file and a known admin key. */
export async function startLiveServer(env: Env = {}): Promise<LiveServer> {
  const dir = mkdtempSync(path.join(tmpdir(), "halflife-pymisp-serve-"));
  const child = spawn(process.execPath, [path.join(ROOT, "bin", "halflife.js"), "serve", "--host", "127.0.0.1", "--port", "0"], {
    cwd: dir,
    // The suite expects the host organisation of MISP's training machine, named ORGNAME.
    env: { ...process.env, HALFLIFE_DB: path.join(dir, "halflife.db"), HALFLIFE_ADMIN_KEY: ADMIN_KEY, HALFLIFE_ORG_NAME: "ORGNAME", HALFLIFE_LOG_LEVEL: "warn", ...env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let output = "";
  const exited = new Promise<number | null>((resolve) => child.once("exit", (code) => resolve(code)));
  const url = await new Promise<string>((resolve, reject) => {
    child.stdout.on("data", (chunk: Buffer) => {
      output += chunk.toString();
      const found = /listening on (http:\/\/\S+?)\/?\s/.exec(output)?.[1];
      if (found) resolve(found);
    });
    child.stderr.on("data", (chunk: Buffer) => (output += chunk.toString()));
    void exited.then((code) => reject(new Error(`halflife serve exited (${code}) before listening:\n${output}`)));
  });
  return {
    url,
    async stop() {
      if (child.exitCode === null) child.kill("SIGTERM");
      await exited;
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** Runs the named methods of the suite and returns each one's outcome. */
export async function runSuiteMethods(python: string, suiteDir: string, methods: readonly string[]): Promise<SuiteResults> {
  const output = path.join(suiteDir, "results.json");
  const child = spawn(python, [RUNNER, suiteDir, output, ...methods], {
    cwd: suiteDir,
    env: { ...process.env, PYTHONDONTWRITEBYTECODE: "1" },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let log = "";
  child.stdout.on("data", (chunk: Buffer) => (log += chunk.toString()));
  child.stderr.on("data", (chunk: Buffer) => (log += chunk.toString()));
  // A bounded run: PyMISP sets no time limit on its requests.
  const timer = setTimeout(() => child.kill("SIGKILL"), 15 * 60_000);
  const code = await new Promise<number | null>((resolve) => child.once("exit", resolve));
  clearTimeout(timer);
  if (code !== 0 || !existsSync(output)) throw new Error(`the suite runner stopped (exit ${code}):\n${log.slice(-4000)}`);
  return JSON.parse(readFileSync(output, "utf8")) as SuiteResults;
}
