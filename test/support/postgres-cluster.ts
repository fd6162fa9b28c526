// A throw-away PostgreSQL cluster: found, started, stopped and removed by the test harness.
//
// Each cluster lives in its own fresh temp directory and listens on a free loopback port, so a
// cluster left behind by a killed run can never collide with the next one. Three layers clean up:
// `stop()` (or `stopSync()` from exit and signal handlers), a detached watchdog that stops the
// cluster as soon as its owner process is gone (even after SIGKILL), and `reapAbandonedClusters()`
// at the next start for anything both of those missed (a reboot, a killed watchdog).
import { execFileSync, spawn } from "node:child_process";
import type { ChildProcess } from "node:child_process";
import { accessSync, chownSync, constants, existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from "node:fs";
import { createServer } from "node:net";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import path from "node:path";

/** Temp directories of harness clusters start with this, so the reaper recognises them. */
export const CLUSTER_DIR_PREFIX = "halflife-pg-";
const OWNER_FILE = "owner.pid";
const LOG_FILE = "server.log";

export interface PostgresBinaries {
  /** The directory holding `initdb` and `pg_ctl`. */
  dir: string;
  initdb: string;
  pgCtl: string;
}

export interface FindOptions {
  /** Where Debian and Ubuntu put one `<version>/bin` per installed major version. */
  libRoot?: string;
  /** A PATH-style list of directories, searched when nothing is under `libRoot`. */
  searchPath?: string;
}

function isExecutable(file: string): boolean {
  try {
    accessSync(file, constants.X_OK);
    return statSync(file).isFile();
  } catch {
    return false;
  }
}

/** The binaries in one directory, or null unless it holds both `initdb` and `pg_ctl`. */
export function binariesIn(dir: string): PostgresBinaries | null {
  const initdb = path.join(dir, "initdb");
  const pgCtl = path.join(dir, "pg_ctl");
  return isExecutable(initdb) && isExecutable(pgCtl) ? { dir, initdb, pgCtl } : null;
}

/** Orders "9.6" < "15" < "16" as versions, not as strings. */
export function compareVersions(a: string, b: string): number {
  const left = a.split(".").map(Number);
  const right = b.split(".").map(Number);
  for (let i = 0; i < Math.max(left.length, right.length); i++) {
    const difference = (left[i] ?? 0) - (right[i] ?? 0);
    if (difference !== 0) return difference;
  }
  return 0;
}

/**
 * The PostgreSQL server binaries to use: the highest version under `/usr/lib/postgresql/<version>/bin`
 * (Debian does not put them on PATH), else the first directory on PATH that has both tools.
 */
export function findPostgresBinaries(options: FindOptions = {}): PostgresBinaries | null {
  const libRoot = options.libRoot ?? "/usr/lib/postgresql";
  let versions: string[] = [];
  try {
    versions = readdirSync(libRoot).filter((name) => /^\d+(\.\d+)*$/.test(name));
  } catch {
    // No such directory: not a Debian-style installation.
  }
  for (const version of versions.sort(compareVersions).reverse()) {
    const found = binariesIn(path.join(libRoot, version, "bin"));
    if (found) return found;
  }
  for (const dir of (options.searchPath ?? process.env.PATH ?? "").split(path.delimiter)) {
    const found = dir === "" ? null : binariesIn(dir);
    if (found) return found;
  }
  return null;
}

/** PostgreSQL refuses to run as root, so root hands the cluster to the `postgres` user. */
interface Account {
  uid: number;
  gid: number;
}

const runningAsRoot = (): boolean => process.getuid?.() === 0;

function postgresAccount(): Account | null {
  if (!runningAsRoot()) return null;
  try {
    const id = (flag: string) => Number(execFileSync("id", [flag, "postgres"], { encoding: "utf8", stdio: ["ignore", "pipe", "ignore"] }).trim());
    return { uid: id("-u"), gid: id("-g") };
  } catch {
    throw new Error("running as root, but there is no `postgres` user to run PostgreSQL as");
  }
}

/** The command line that runs `binary` as the cluster's owner. */
function asOwner(account: Account | null, binary: string, args: string[]): [string, string[]] {
  return account ? ["runuser", ["-u", "postgres", "--", binary, ...args]] : [binary, args];
}

/** True when every directory from `dir` up to `/` can be entered by other users. */
function traversableByOthers(dir: string): boolean {
  for (let current = path.resolve(dir); ; current = path.dirname(current)) {
    if ((statSync(current).mode & 0o001) === 0) return false;
    if (current === path.dirname(current)) return true;
  }
}

/** Where cluster directories go: the temp dir, unless the `postgres` user could not reach it. */
export function clusterParentDir(): string {
  const base = tmpdir();
  return runningAsRoot() && !traversableByOthers(base) ? "/tmp" : base;
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.on("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const { port } = server.address() as AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

function tail(file: string, lines = 15): string {
  try {
    return readFileSync(file, "utf8").trimEnd().split("\n").slice(-lines).join("\n");
  } catch {
    return "";
  }
}

function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: it exists, it just belongs to someone else.
    return (error as NodeJS.ErrnoException).code === "EPERM";
  }
}

// Polls the owner once a second; when it is gone, stops the cluster and deletes its directory.
// $0 names the process in `ps`; the stop command follows the owner pid and the directory.
const WATCHDOG_SCRIPT = `owner=$1; root=$2; shift 2
while kill -0 "$owner" 2>/dev/null; do sleep 1; done
"$@" >/dev/null 2>&1
rm -rf "$root"`;

export interface ClusterOptions {
  /** The process whose death must take the cluster down; the current process by default. */
  ownerPid?: number;
  /** Where to create the cluster's directory. */
  parentDir?: string;
}

export interface PostgresCluster {
  /** The cluster's own directory: `data/`, the socket and `server.log`. */
  readonly root: string;
  /** `postgres://postgres@127.0.0.1:PORT/postgres` (superuser, trust authentication) once started. */
  readonly url: string | null;
  readonly port: number | null;
  /** Runs initdb and starts the server on a free port; on failure, cleans up and throws with the server's log. */
  start(): Promise<string>;
  stop(): Promise<void>;
  /**
   * The same as `stop()`, for `exit` and signal handlers, which cannot wait. It also ends an
   * initdb or start under way, and leaves the watchdog running to catch what that start left.
   */
  stopSync(): void;
}

/**
 * A fresh, not yet started cluster, owned by the current user or, under root, by `postgres`. Its
 * watchdog runs from this moment, so that the owner dying even in the middle of start-up leaves
 * nothing behind.
 */
export function createCluster(binaries: PostgresBinaries, options: ClusterOptions = {}): PostgresCluster {
  const account = postgresAccount();
  const root = mkdtempSync(path.join(options.parentDir ?? clusterParentDir(), CLUSTER_DIR_PREFIX));
  const ownerPid = options.ownerPid ?? process.pid;
  writeFileSync(path.join(root, OWNER_FILE), `${ownerPid}\n`);
  if (account) chownSync(root, account.uid, account.gid);

  const dataDir = path.join(root, "data");
  const logFile = path.join(root, LOG_FILE);
  const stopArgs = (mode: "fast" | "immediate") => ["stop", "-D", dataDir, "-m", mode, "-w"];
  const removeDir = () => rmSync(root, { recursive: true, force: true });

  const [stopCommand, stopCommandArgs] = asOwner(account, binaries.pgCtl, stopArgs("immediate"));
  const watchdog = spawn("/bin/sh", ["-c", WATCHDOG_SCRIPT, "halflife-pg-watchdog", String(ownerPid), root, stopCommand, ...stopCommandArgs], {
    cwd: "/",
    detached: true,
    stdio: "ignore",
  });
  watchdog.unref();
  const stopWatchdog = () => {
    if (watchdog.exitCode === null && watchdog.signalCode === null) watchdog.kill();
  };

  let inFlight: ChildProcess | null = null;
  // The owner may not be allowed into the caller's working directory; the cluster's own is safe.
  // Each command gets a process group of its own, so that stopping kills it with whatever it
  // started (runuser's child would keep the output pipes, and the wait, open until it ended).
  const exec = (binary: string, args: string[]) =>
    new Promise<void>((resolve, reject) => {
      const [command, commandArgs] = asOwner(account, binary, args);
      const child = spawn(command, commandArgs, { cwd: root, detached: true, stdio: ["ignore", "ignore", "pipe"] });
      inFlight = child;
      let stderr = "";
      child.stderr!.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
      const timer = setTimeout(() => killGroup(child), 60_000);
      child.once("error", (error) => {
        clearTimeout(timer);
        inFlight = null;
        reject(error);
      });
      child.once("close", (code, signal) => {
        clearTimeout(timer);
        inFlight = null;
        if (code === 0) resolve();
        else reject(new Error(stderr.trim() || `${path.basename(binary)} ended with ${signal ?? `exit ${code}`}`));
      });
    });

  let port: number | null = null;
  let stopped = false;

  return {
    root,
    get port() {
      return port;
    },
    get url() {
      return port === null ? null : `postgres://postgres@127.0.0.1:${port}/postgres`;
    },
    async start() {
      if (stopped || port !== null) throw new Error(`cluster in ${root} was already started or stopped`);
      try {
        // The C locale makes sorting and case folding the same on every machine (and like SQLite's).
        await exec(binaries.initdb, ["-D", dataDir, "-U", "postgres", "-A", "trust", "--no-sync", "-E", "UTF8", "--locale=C"]);
        port = await startOnFreePort(exec, binaries, dataDir, root, logFile);
        return `postgres://postgres@127.0.0.1:${port}/postgres`;
      } catch (error) {
        stopped = true;
        const log = tail(logFile);
        // A start that timed out may have left a server running.
        await exec(binaries.pgCtl, stopArgs("immediate")).catch(() => undefined);
        stopWatchdog();
        removeDir();
        throw new Error(`${(error as Error).message}${log ? `\n--- server.log ---\n${log}` : ""}`);
      }
    },
    async stop() {
      if (stopped) return;
      stopped = true;
      stopWatchdog();
      try {
        if (port !== null) await exec(binaries.pgCtl, stopArgs("fast"));
      } finally {
        removeDir();
      }
    },
    stopSync() {
      if (stopped) return;
      stopped = true;
      const running = inFlight as ChildProcess | null;
      if (running) killGroup(running);
      try {
        execFileSync(...asOwner(account, binaries.pgCtl, stopArgs("fast")), { cwd: root, stdio: "ignore", timeout: 15_000 });
      } catch {
        // Nothing was running yet, or it is already gone; the directory goes all the same.
      } finally {
        removeDir();
      }
    },
  };
}

/** Kills a command started in a process group of its own, and everything it started. */
function killGroup(child: ChildProcess): void {
  if (child.pid === undefined) return;
  try {
    process.kill(-child.pid, "SIGKILL");
  } catch {
    child.kill("SIGKILL");
  }
}

/** Creates a cluster and starts it. */
export async function startCluster(binaries: PostgresBinaries, options: ClusterOptions = {}): Promise<PostgresCluster> {
  const cluster = createCluster(binaries, options);
  await cluster.start();
  return cluster;
}

type Exec = (binary: string, args: string[]) => Promise<void>;

/** Starts the server; a port taken between choosing it and binding it gets another try. */
async function startOnFreePort(exec: Exec, binaries: PostgresBinaries, dataDir: string, root: string, logFile: string): Promise<number> {
  for (let attempt = 1; ; attempt++) {
    const port = await freePort();
    const settings = [
      `-p ${port}`,
      `-k '${root}'`,
      "-c listen_addresses=127.0.0.1",
      "-c fsync=off",
      "-c synchronous_commit=off",
      "-c full_page_writes=off",
      "-c max_connections=200",
    ].join(" ");
    try {
      // -l keeps the server's output out of pg_ctl's stdout, which would otherwise never close.
      await exec(binaries.pgCtl, ["-D", dataDir, "-l", logFile, "-o", settings, "-w", "-t", "60", "start"]);
      return port;
    } catch (error) {
      if (attempt >= 3 || !/could not bind|address already in use/i.test(tail(logFile, 40))) throw error;
    }
  }
}

/** A directory without an owner file is left for a while: it may be a cluster being created. */
const UNOWNED_GRACE_MS = 10 * 60_000;

function abandoned(root: string): boolean {
  try {
    const owner = Number(readFileSync(path.join(root, OWNER_FILE), "utf8").trim());
    return Number.isInteger(owner) && owner > 0 && !processAlive(owner);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== "ENOENT") return false;
    // An initdb orphaned by a killed run can recreate the directory after the watchdog removed it.
    try {
      return Date.now() - statSync(root).mtimeMs > UNOWNED_GRACE_MS;
    } catch {
      return false;
    }
  }
}

/**
 * Removes the clusters of earlier runs whose owner process has died (stopping any server still
 * running in them). Live owners' clusters, including other concurrent runs', are left alone.
 * Returns the directories removed.
 */
export function reapAbandonedClusters(binaries: PostgresBinaries | null, parentDir: string = clusterParentDir()): string[] {
  let names: string[];
  try {
    names = readdirSync(parentDir).filter((name) => name.startsWith(CLUSTER_DIR_PREFIX));
  } catch {
    return [];
  }
  const removed: string[] = [];
  for (const name of names) {
    const root = path.join(parentDir, name);
    if (!abandoned(root)) continue;
    const dataDir = path.join(root, "data");
    if (binaries && existsSync(path.join(dataDir, "postmaster.pid"))) {
      try {
        execFileSync(...asOwner(postgresAccount(), binaries.pgCtl, ["stop", "-D", dataDir, "-m", "immediate", "-w"]), {
          cwd: root,
          stdio: "ignore",
          timeout: 15_000,
        });
      } catch {
        // The server was already gone; the directory still goes.
      }
    }
    try {
      rmSync(root, { recursive: true, force: true });
      removed.push(root);
    } catch {
      // Another user's directory: not ours to remove.
    }
  }
  return removed;
}
