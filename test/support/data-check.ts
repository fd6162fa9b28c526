// Vitest global setup: says once, in one line, when the real MISP test data is missing and how to
// get it; the tests that need it are then skipped. With HALFLIFE_REQUIRE_DATA=1 (CI) the run fails
// instead, as it does for PostgreSQL and Chromium.
import { hasSharedData, sharedDataCandidates } from "./data.js";

export function setup(): void {
  if (hasSharedData) return;
  const where = sharedDataCandidates.join(" or ");
  if (/^(1|true|yes)$/i.test(process.env.HALFLIFE_REQUIRE_DATA ?? "")) {
    throw new Error(`the MISP test data is missing (looked in ${where}), and HALFLIFE_REQUIRE_DATA=1 requires it: run \`npm run test-data\``);
  }
  process.stderr.write(`\n!! MISP test data not found (looked in ${where}): the tests that read it are SKIPPED; \`npm run test-data\` fetches it.\n\n`);
}
