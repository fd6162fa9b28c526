// Running `halflife` commands in tests. `runCli` calls the executable's own entry point (src/main.ts)
// in process, with its own streams and environment: what a user gets, at the cost of a function
// call. `runHalflife` starts the real executable in a child process, as a user or cron would; the
// few tests that need a real process (signals, locks between processes, the executable itself) use
// it.
import { spawn } from "node:child_process";
import path from "node:path";
import { PassThrough, Readable } from "node:stream";
import { main } from "../../src/main.js";
import { projectRoot } from "./data.js";

export interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

export interface CliOptions {
  /** Standard input (empty by default). */
  input?: string;
  /** Environment variables; only these are set (plus TZ=UTC): the test's own environment is not read. */
  env?: Record<string, string | undefined>;
  /** Whether standard error is a terminal (it is not, by default). */
  terminal?: boolean;
  /** Ends a running `serve`. */
  signal?: AbortSignal;
}

/** Collects what a command writes. */
function collector(terminal = false): { stream: PassThrough & { isTTY?: boolean }; text(): string } {
  const stream: PassThrough & { isTTY?: boolean } = new PassThrough();
  if (terminal) stream.isTTY = true;
  const chunks: Buffer[] = [];
  stream.on("data", (chunk: Buffer) => chunks.push(chunk));
  return { stream, text: () => Buffer.concat(chunks).toString("utf8") };
}

export interface RunningCli {
  stdout(): string;
  stderr(): string;
  /** Resolves once standard output matches. */
  printed(pattern: RegExp): Promise<RegExpExecArray>;
  done: Promise<CliResult>;
}

/** Starts `halflife ARGS` in process, through the same entry point as the executable. */
export function startCli(args: string[], options: CliOptions = {}): RunningCli {
  const stdout = collector();
  const stderr = collector(options.terminal);
  const env = Object.fromEntries(Object.entries({ TZ: "UTC", ...options.env }).filter((entry): entry is [string, string] => entry[1] !== undefined));
  const code = main(["node", "halflife", ...args], {
    env,
    stdin: Readable.from(options.input ? [Buffer.from(options.input)] : []),
    stdout: stdout.stream,
    stderr: stderr.stream,
    interactive: false,
    ...(options.signal ? { signal: options.signal } : {}),
  });
  const done = code.then((exitCode) => ({ code: exitCode, stdout: stdout.text(), stderr: stderr.text() }));
  return {
    stdout: stdout.text,
    stderr: stderr.text,
    done,
    printed: (pattern) =>
      new Promise((resolve, reject) => {
        const check = () => {
          const match = pattern.exec(stdout.text());
          if (!match) return false;
          stdout.stream.off("data", onData);
          resolve(match);
          return true;
        };
        const onData = () => void setImmediate(check);
        if (check()) return;
        stdout.stream.on("data", onData);
        void done.then((result) => {
          if (!check()) reject(new Error(`halflife ${args.join(" ")} ended (${result.code}) before printing ${pattern}: ${result.stdout}${result.stderr}`));
        });
      }),
  };
}

/** Runs `halflife ARGS` in process, through the same entry point as the executable. */
export function runCli(args: string[], options: CliOptions = {}): Promise<CliResult> {
  return startCli(args, options).done;
}

/** Runs the real `halflife` executable in a child process. */
export function runHalflife(args: string[], options: { input?: string; env?: Record<string, string | undefined>; cwd?: string } = {}): Promise<CliResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [path.join(projectRoot, "bin/halflife.js"), ...args], {
      cwd: options.cwd ?? projectRoot,
      env: { ...process.env, TZ: "UTC", ...options.env },
      stdio: ["pipe", "pipe", "pipe"],
    });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (chunk) => (stdout += chunk));
    child.stderr.on("data", (chunk) => (stderr += chunk));
    child.on("error", reject);
    child.on("close", (code) => resolve({ code: code ?? -1, stdout, stderr }));
    child.stdin.end(options.input ?? "");
  });
}
