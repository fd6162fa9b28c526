import { spawn, spawnSync } from "node:child_process";
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, utimesSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { CLUSTER_DIR_PREFIX, compareVersions, createCluster, findPostgresBinaries, reapAbandonedClusters, startCluster } from "../support/postgres-cluster.js";
import type { PostgresBinaries } from "../support/postgres-cluster.js";

// These tests drive the harness with stand-in binaries that only record how they were called, so
// they are fast and run on any machine. The real server is exercised by postgres-server.test.ts.

const scratchDirs: string[] = [];

/** A temp directory that the `postgres` user can use too, since root runs the binaries as that user. */
function scratch(): string {
  const dir = mkdtempSync(path.join(tmpdir(), "halflife-harness-test-"));
  chmodSync(dir, 0o777);
  scratchDirs.push(dir);
  return dir;
}

afterEach(() => {
  for (const dir of scratchDirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

const RECORDING_TOOL = '#!/bin/sh\necho "$(basename "$0") $*" >> "$(dirname "$0")/calls.log"\n';

/** Stand-in `initdb` and `pg_ctl` that append their command lines to `calls.log` beside them, unless given other scripts. */
function fakeBinaries(dir: string, tools: string[] = ["initdb", "pg_ctl"], scripts: Record<string, string> = {}): PostgresBinaries {
  mkdirSync(dir, { recursive: true, mode: 0o777 });
  chmodSync(dir, 0o777);
  for (const tool of tools) writeFileSync(path.join(dir, tool), scripts[tool] ?? RECORDING_TOOL, { mode: 0o755 });
  return { dir, initdb: path.join(dir, "initdb"), pgCtl: path.join(dir, "pg_ctl") };
}

function calls(binaries: PostgresBinaries): string[] {
  const log = path.join(binaries.dir, "calls.log");
  return existsSync(log) ? readFileSync(log, "utf8").trim().split("\n") : [];
}

/** The pid of a process that has already exited. */
function deadPid(): number {
  const pid = spawnSync("true").pid;
  if (pid === undefined) throw new Error("could not run `true`");
  return pid;
}

async function until(condition: () => boolean, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`condition not met within ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

describe("finding the PostgreSQL binaries", () => {
  it("orders versions numerically, so 15 is above 9.6", () => {
    expect(["15", "9.6", "16", "10"].sort(compareVersions)).toEqual(["9.6", "10", "15", "16"]);
  });

  it("takes the highest version under the library root that has both initdb and pg_ctl", () => {
    const libRoot = scratch();
    fakeBinaries(path.join(libRoot, "9.6/bin"));
    fakeBinaries(path.join(libRoot, "15/bin"));
    fakeBinaries(path.join(libRoot, "17/bin"), ["initdb"]);

    expect(findPostgresBinaries({ libRoot, searchPath: "" })?.dir).toBe(path.join(libRoot, "15/bin"));
  });

  it("falls back to the first PATH directory that has both tools", () => {
    const root = scratch();
    const partial = fakeBinaries(path.join(root, "partial"), ["pg_ctl"]);
    const complete = fakeBinaries(path.join(root, "complete"));

    const found = findPostgresBinaries({ libRoot: path.join(root, "missing"), searchPath: [partial.dir, complete.dir].join(path.delimiter) });
    expect(found).toEqual(complete);
  });

  it("finds nothing when PostgreSQL is not installed", () => {
    const root = scratch();
    expect(findPostgresBinaries({ libRoot: path.join(root, "missing"), searchPath: root })).toBeNull();
  });
});

describe("a harness cluster", () => {
  it("is created in a fresh directory and started with the test settings on a free loopback port", async () => {
    const binaries = fakeBinaries(path.join(scratch(), "bin"));
    const cluster = await startCluster(binaries, { parentDir: scratch() });
    await cluster.stop();

    expect(path.basename(cluster.root)).toMatch(new RegExp(`^${CLUSTER_DIR_PREFIX}`));
    expect(cluster.url).toBe(`postgres://postgres@127.0.0.1:${cluster.port}/postgres`);
    const [initdb, start] = calls(binaries);
    expect(initdb).toContain(`initdb -D ${cluster.root}/data -U postgres -A trust --no-sync`);
    expect(start).toContain(`-p ${cluster.port} -k '${cluster.root}' -c listen_addresses=127.0.0.1 -c fsync=off`);
    expect(start).toContain("-c max_connections=200");
  });

  it("is stopped fast and removed by stop(), and a second stop does nothing", async () => {
    const binaries = fakeBinaries(path.join(scratch(), "bin"));
    const cluster = await startCluster(binaries, { parentDir: scratch() });

    await cluster.stop();
    cluster.stopSync();
    await cluster.stop();

    expect(existsSync(cluster.root)).toBe(false);
    expect(calls(binaries).filter((line) => line.startsWith("pg_ctl stop"))).toEqual([`pg_ctl stop -D ${cluster.root}/data -m fast -w`]);
  });

  it("is stopped and removed by its watchdog when its owner dies without cleaning up", async () => {
    // Stands for a test runner killed with SIGKILL: it never gets to run its teardown.
    const owner = spawn("sleep", ["60"], { stdio: "ignore" });
    const binaries = fakeBinaries(path.join(scratch(), "bin"));
    try {
      const cluster = await startCluster(binaries, { parentDir: scratch(), ownerPid: owner.pid });
      owner.kill("SIGKILL");

      await until(() => !existsSync(cluster.root), 5_000);
      expect(calls(binaries)).toContain(`pg_ctl stop -D ${cluster.root}/data -m immediate -w`);
    } finally {
      owner.kill("SIGKILL");
    }
  });

  it("can be stopped from an exit handler in the middle of start-up, leaving no directory behind", async () => {
    const binaries = fakeBinaries(path.join(scratch(), "bin"), ["initdb", "pg_ctl"], { initdb: "#!/bin/sh\nsleep 30\n" });
    const cluster = createCluster(binaries, { parentDir: scratch() });
    const starting = cluster.start();
    await until(() => existsSync(cluster.root), 1_000);

    cluster.stopSync();

    await expect(starting).rejects.toThrow();
    expect(existsSync(cluster.root)).toBe(false);
  });

  it("reports why initdb failed, and leaves no directory behind", async () => {
    const binaries = fakeBinaries(path.join(scratch(), "bin"), ["initdb", "pg_ctl"], { initdb: "#!/bin/sh\necho 'initdb: disk full' >&2\nexit 1\n" });
    const parentDir = scratch();

    await expect(startCluster(binaries, { parentDir })).rejects.toThrow("initdb: disk full");
    expect(reapAbandonedClusters(null, parentDir)).toEqual([]);
    expect(spawnSync("ls", ["-A", parentDir], { encoding: "utf8" }).stdout).toBe("");
  });
});

describe("reaping clusters left behind by killed runs", () => {
  it("stops and removes the clusters whose owner is gone, and keeps those of live owners and those being created", () => {
    const parent = scratch();
    const binaries = fakeBinaries(path.join(scratch(), "bin"));
    const make = (name: string, owner: string | null, running: boolean) => {
      const dir = path.join(parent, name);
      mkdirSync(path.join(dir, "data"), { recursive: true });
      if (owner !== null) writeFileSync(path.join(dir, "owner.pid"), owner);
      if (running) writeFileSync(path.join(dir, "data/postmaster.pid"), "");
      return dir;
    };
    const abandoned = make(`${CLUSTER_DIR_PREFIX}abandoned`, String(deadPid()), true);
    const crashed = make(`${CLUSTER_DIR_PREFIX}crashed`, String(deadPid()), false);
    const live = make(`${CLUSTER_DIR_PREFIX}live`, String(process.pid), true);
    const starting = make(`${CLUSTER_DIR_PREFIX}starting`, null, false);
    const orphaned = make(`${CLUSTER_DIR_PREFIX}orphaned`, null, false);
    const anHourAgo = new Date(Date.now() - 3_600_000);
    utimesSync(orphaned, anHourAgo, anHourAgo);
    const unrelated = make("someone-elses-dir", String(deadPid()), true);

    expect(reapAbandonedClusters(binaries, parent).sort()).toEqual([abandoned, crashed, orphaned]);
    expect([abandoned, crashed, orphaned, live, starting, unrelated].map(existsSync)).toEqual([false, false, false, true, true, true]);
    expect(calls(binaries)).toEqual([`pg_ctl stop -D ${abandoned}/data -m immediate -w`]);
  });
});
