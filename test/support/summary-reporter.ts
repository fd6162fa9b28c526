// The default reporter, plus one last line that CI and humans can grep: "N passed, M failed".
import { DefaultReporter } from "vitest/node";
import type { TestModule } from "vitest/node";

type RunEndArgs = Parameters<DefaultReporter["onTestRunEnd"]>;

export default class SummaryReporter extends DefaultReporter {
  override onTestRunEnd(...args: RunEndArgs): void {
    super.onTestRunEnd(...args);
    const [modules, unhandledErrors, reason] = args;
    let passed = 0;
    let failed = 0;
    let skipped = 0;
    for (const module of modules as ReadonlyArray<TestModule>) {
      for (const test of module.children.allTests()) {
        const state = test.result().state;
        if (state === "passed") passed++;
        else if (state === "failed") failed++;
        else skipped++;
      }
      // A file that fails to load has no tests to count, but it is a failure.
      if (module.state() === "failed" && [...module.children.allTests()].length === 0) failed++;
    }
    failed += unhandledErrors.length;
    // A run can fail before any test runs (a global setup that throws): never report that as clean.
    if (reason === "failed" && failed === 0) failed = 1;
    const tail = skipped > 0 ? `, ${skipped} skipped` : "";
    process.stdout.write(`\n${passed} passed, ${failed} failed${tail}\n`);
  }
}
