// Runs the real `halflife` executable in a child process, as a user or cron would.
import { spawn } from "node:child_process";
import path from "node:path";
import { projectRoot } from "./data.js";

export interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

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
