// Vitest global setup: one temporary directory for the whole run, inside which each test file gets
// its own (temp-setup.ts). At the end, anything still in it is reported and removed, so that a run
// never leaves `halflife-*` folders in the machine's temporary directory, even when a test file
// was killed before its own clean-up. A run that was killed itself is cleaned up by the next one.
import { chmodSync, mkdtempSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";

let root: string | null = null;

/** Whether a process is alive (signal 0 checks without sending anything). */
function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === "EPERM";
  }
}

/** Removes the directories of earlier runs that were killed before their teardown. */
function reapKilledRuns(): void {
  for (const name of readdirSync(tmpdir())) {
    const pid = Number(/^halflife-test-run-(\d+)-/.exec(name)?.[1]);
    if (pid && pid !== process.pid && !alive(pid)) rmSync(path.join(tmpdir(), name), { recursive: true, force: true, maxRetries: 5, retryDelay: 50 });
  }
}

export function setup(): void {
  reapKilledRuns();
  root = mkdtempSync(path.join(tmpdir(), `halflife-test-run-${process.pid}-`));
  // Traversable by other users, as the file directories inside it are (see temp-setup.ts).
  chmodSync(root, 0o755);
  // Test workers start after global setup and inherit this.
  process.env.HALFLIFE_TEST_TMP_ROOT = root;
}

export function teardown(): void {
  if (!root) return;
  const left = readdirSync(root).flatMap((file) => {
    try {
      return readdirSync(path.join(root!, file))
        .filter((name) => name.startsWith("halflife-"))
        .map((name) => `${file}/${name}`);
    } catch {
      return [];
    }
  });
  rmSync(root, { recursive: true, force: true, maxRetries: 5, retryDelay: 50 });
  delete process.env.HALFLIFE_TEST_TMP_ROOT;
  root = null;
  if (left.length > 0) process.stderr.write(`\n!! removed ${left.length} temporary folder(s) that test files left behind: ${left.join(", ")}\n`);
}
