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
}

/** Collects what a command writes. */
function collector(): { stream: PassThrough; text(): string } {
  const stream = new PassThrough();
  const chunks: Buffer[] = [];
  stream.on("data", (chunk: Buffer) => chunks.push(chunk));
  return { stream, text: () => Buffer.concat(chunks).toString("utf8") };
}

/** Runs `halflife ARGS` in process, through the same entry point as the executable. */
export async function runCli(args: string[], options: CliOptions = {}): Promise<CliResult> {
  const stdout = collector();
  const stderr = collector();
  const env = Object.fromEntries(Object.entries({ TZ: "UTC", ...options.env }).filter((entry): entry is [string, string] => entry[1] !== undefined));
  const code = await main(["node", "halflife", ...args], {
    env,
    stdin: Readable.from(options.input ? [Buffer.from(options.input)] : []),
    stdout: stdout.stream,
    stderr: stderr.stream,
    interactive: false,
  });
  return { code, stdout: stdout.text(), stderr: stderr.text() };
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
