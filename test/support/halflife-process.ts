// The real `halflife` executable as a long-running child process (a server, a sweep, an import),
// for tests that run several processes on one SQLite file or kill one with SIGKILL.
import { spawn, type ChildProcess } from "node:child_process";
import path from "node:path";
import SqliteDatabase from "better-sqlite3";
import { projectRoot } from "./data.js";

export interface HalflifeProcess {
  child: ChildProcess;
  /** Resolves with the exit code (null when killed by a signal) and everything printed. */
  done: Promise<{ code: number | null; signal: NodeJS.Signals | null; stdout: string; stderr: string }>;
  /** Resolves with the first match once stdout or stderr prints something matching. */
  printed(pattern: RegExp): Promise<RegExpExecArray>;
  output(): string;
}

export function startHalflife(args: string[], env: Record<string, string>, cwd = projectRoot): HalflifeProcess {
  const child = spawn(process.execPath, [path.join(projectRoot, "bin/halflife.js"), ...args], {
    cwd,
    env: { ...process.env, TZ: "UTC", HALFLIFE_LOG_LEVEL: "silent", ...env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let stdout = "";
  let stderr = "";
  const watchers: Array<{ pattern: RegExp; resolve(match: RegExpExecArray): void }> = [];
  const check = () => {
    for (const watcher of [...watchers]) {
      const match = watcher.pattern.exec(stdout + stderr);
      if (match) {
        watchers.splice(watchers.indexOf(watcher), 1);
        watcher.resolve(match);
      }
    }
  };
  child.stdout!.on("data", (chunk) => {
    stdout += chunk;
    check();
  });
  child.stderr!.on("data", (chunk) => {
    stderr += chunk;
    check();
  });
  const done = new Promise<{ code: number | null; signal: NodeJS.Signals | null; stdout: string; stderr: string }>((resolve) =>
    child.on("close", (code, signal) => resolve({ code, signal, stdout, stderr })),
  );
  return {
    child,
    done,
    printed: (pattern) =>
      new Promise((resolve, reject) => {
        const match = pattern.exec(stdout + stderr);
        if (match) return resolve(match);
        watchers.push({ pattern, resolve });
        void done.then(() => reject(new Error(`halflife ${args.join(" ")} exited before printing ${pattern}:\n${stdout}${stderr}`)));
      }),
    output: () => stdout + stderr,
  };
}

/** `halflife serve` on a free loopback port, resolved once it listens, with its base URL. */
export async function startServer(env: Record<string, string>, cwd?: string): Promise<HalflifeProcess & { url: string; stop(): Promise<void> }> {
  const server = startHalflife(["serve", "--host", "127.0.0.1", "--port", "0"], env, cwd);
  const url = (await server.printed(/listening on (http:\/\/\S+?)\/?\s/))[1]!;
  return {
    ...server,
    url,
    async stop() {
      if (server.child.exitCode === null && server.child.signalCode === null) server.child.kill("SIGTERM");
      await server.done;
    },
  };
}

/** Polls `probe` every few milliseconds until it is true; fails after `timeoutMs`. */
export async function waitUntil(probe: () => boolean | Promise<boolean>, timeoutMs: number, what: string): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await probe())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 3));
  }
}

/**
 * Whether another connection holds the file's write lock right now: this one asks for it without
 * waiting, and gives it straight back if it got it.
 */
export function writeLockTaken(database: SqliteDatabase.Database): boolean {
  try {
    database.exec("begin immediate");
    database.exec("rollback");
    return false;
  } catch (error) {
    if ((error as { code?: string }).code === "SQLITE_BUSY") return true;
    throw error;
  }
}

/** A connection for probing a store file from the test, that never waits for a lock. */
export function probeConnection(file: string): SqliteDatabase.Database {
  const database = new SqliteDatabase(file, { timeout: 0 });
  return database;
}
