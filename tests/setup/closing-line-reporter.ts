import { appendFileSync } from "node:fs";
import type { Reporter, TestModule } from "vitest/node";

// Vitest's own summary is a table that CI systems do not read. This adds one plain closing line,
// "Tests: N passed, N failed, N skipped", which they do. A file that failed to load, or an error
// raised outside any test, counts as a failure: either means tests that should have run did not.
// With TEST_SUMMARY_FILE set, the line is also appended there, so that a script running more
// steps after the tests (CI fuzzes the API) can repeat it last.
export default class ClosingLineReporter implements Reporter {
  /** Per test project, when its first file started and its last one ended (files overlap across workers). */
  private readonly spans = new Map<string, { start: number; end: number }>();

  onTestModuleQueued(testModule: TestModule): void {
    const name = testModule.project.name;
    const span = this.spans.get(name);
    const now = performance.now();
    this.spans.set(name, { start: Math.min(span?.start ?? now, now), end: span?.end ?? now });
  }

  onTestModuleEnd(testModule: TestModule): void {
    const span = this.spans.get(testModule.project.name);
    if (span !== undefined) span.end = Math.max(span.end, performance.now());
  }

  onTestRunEnd(testModules: ReadonlyArray<TestModule>, unhandledErrors: ReadonlyArray<unknown>): void {
    let passed = 0;
    let failed = unhandledErrors.length;
    let skipped = 0;
    for (const testModule of testModules) {
      if (testModule.errors().length > 0) failed += 1;
      for (const testCase of testModule.children.allTests()) {
        const state = testCase.result().state;
        if (state === "passed") passed += 1;
        else if (state === "failed") failed += 1;
        else skipped += 1;
      }
    }
    const line = `Tests: ${passed} passed, ${failed} failed, ${skipped} skipped`;
    const times = [...this.spans].map(([name, { start, end }]) => `${name} ${((end - start) / 1000).toFixed(1)} s`).join(", ");
    process.stdout.write(`\nWall time per test project: ${times}\n${line}\n`);
    const file = process.env["TEST_SUMMARY_FILE"];
    if (file !== undefined && file !== "") appendFileSync(file, `${line}\n`);
  }
}
