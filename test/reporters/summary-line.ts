import type { Reporter, TestModule } from 'vitest/node';

export interface SummaryCounts {
  passed: number;
  failed: number;
  skipped: number;
}

/** Tests by outcome; a file that failed without a failing test (it did not load, or a hook threw) counts as one failure. */
export function countResults(testModules: ReadonlyArray<Pick<TestModule, 'children' | 'state'>>): SummaryCounts {
  const counts = { passed: 0, failed: 0, skipped: 0 };
  for (const module of testModules) {
    let failedHere = 0;
    for (const test of module.children.allTests()) {
      const state = test.result().state;
      if (state === 'passed') counts.passed += 1;
      else if (state === 'failed') failedHere += 1;
      else counts.skipped += 1;
    }
    counts.failed += module.state() === 'failed' ? Math.max(failedHere, 1) : failedHere;
  }
  return counts;
}

/**
 * Ends the run with the plain line "N passed, N failed, N skipped", which CI reads to count the
 * tests whatever the runner's own summary looks like.
 */
export default class SummaryLineReporter implements Reporter {
  onTestRunEnd(testModules: ReadonlyArray<TestModule>): void {
    const counts = countResults(testModules);
    process.stdout.write(`\n${counts.passed} passed, ${counts.failed} failed, ${counts.skipped} skipped\n`);
  }
}
