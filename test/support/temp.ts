// Temporary folders for tests. Each is made inside the test file's own temporary directory (see
// temp-setup.ts) and removed when the test that made it finishes, or, when made outside a test (in
// beforeAll), when its file finishes, whether the tests passed or not.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { onTestFinished } from "vitest";

const made = new Set<string>();

/** A new, empty folder named `halflife-PREFIX-…`, removed after the test (or the file) that made it. */
export function temporaryFolder(prefix = "test"): string {
  const dir = mkdtempSync(path.join(tmpdir(), `halflife-${prefix.replace(/^halflife-/, "").replace(/-$/, "")}-`));
  made.add(dir);
  try {
    onTestFinished(() => removeFolder(dir));
  } catch {
    // Made outside a running test: removed with the file's other folders.
  }
  return dir;
}

/** Removes a folder made by temporaryFolder (or anything else); safe to call twice. */
export function removeFolder(dir: string): void {
  rmSync(dir, { recursive: true, force: true, maxRetries: 5, retryDelay: 50 });
  made.delete(dir);
}

/** Removes every folder this file made and has not removed yet. */
export function removeTemporaryFolders(): void {
  for (const dir of [...made]) removeFolder(dir);
}
