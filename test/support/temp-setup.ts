// Runs before every test file (vitest `setupFiles`). The file gets a temporary directory of its own
// (TMPDIR, inside the run's, see temp-run.ts), so that whatever its tests and the processes they
// start put in "the" temporary directory stays together. When the file ends, the folders made with
// temporaryFolder() are removed, and any other `halflife-*` folder still there fails the file:
// every test must clean up what it made, also when it fails.
import { chmodSync, mkdtempSync, readdirSync, rmSync } from "node:fs";
import path from "node:path";
import { afterAll } from "vitest";
import { removeTemporaryFolders } from "./temp.js";

const runRoot = process.env.HALFLIFE_TEST_TMP_ROOT;
if (runRoot) {
  const own = mkdtempSync(path.join(runRoot, "file-"));
  // Like /tmp itself: other users (the PostgreSQL harness runs initdb as `postgres`) may use it.
  chmodSync(own, 0o1777);
  process.env.TMPDIR = own;

  afterAll(() => {
    removeTemporaryFolders();
    let left: string[] = [];
    try {
      left = readdirSync(own).filter((name) => name.startsWith("halflife-"));
    } finally {
      rmSync(own, { recursive: true, force: true, maxRetries: 5, retryDelay: 50 });
    }
    if (left.length > 0) {
      throw new Error(
        `this file left ${left.length} temporary folder(s) behind: ${left.join(", ")}. ` +
          "Make them with temporaryFolder() from test/support/temp.ts, or remove them in a finally block or an after hook.",
      );
    }
  });
}
