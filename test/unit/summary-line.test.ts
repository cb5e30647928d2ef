import { describe, expect, it } from 'vitest';
import { countResults } from '../reporters/summary-line.js';

type Module = Parameters<typeof countResults>[0][number];

function module(state: string, tests: string[]): Module {
  return {
    state: () => state,
    children: { allTests: () => tests.map((s) => ({ result: () => ({ state: s }) })) },
  } as unknown as Module;
}

describe('the summary line', () => {
  it('counts tests by outcome', () => {
    expect(countResults([module('passed', ['passed', 'passed', 'skipped']), module('failed', ['passed', 'failed'])])).toEqual({ passed: 3, failed: 1, skipped: 1 });
  });

  it('counts a test file that failed to load as a failure, though it ran no test', () => {
    expect(countResults([module('passed', ['passed']), module('failed', [])])).toEqual({ passed: 1, failed: 1, skipped: 0 });
  });
});
