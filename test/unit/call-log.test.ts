import { describe, expect, it } from 'vitest';
import { CallLog } from '../../src/aws/call-log.js';

function logOf(calls: Array<[number, number]>): CallLog {
  const log = new CallLog();
  for (const [startMs, endMs] of calls) log.calls.push({ service: 's', command: 'c', startMs, endMs, ok: true });
  return log;
}

describe('CallLog.criticalPathLength', () => {
  it('counts concurrent calls once and sequential calls each', () => {
    expect(logOf([]).criticalPathLength()).toBe(0);
    expect(logOf([[0, 10], [1, 11], [2, 9]]).criticalPathLength()).toBe(1);
    expect(logOf([[0, 10], [10, 20], [20, 30]]).criticalPathLength()).toBe(3);
    // Two chains: a (0-10) -> b (11-20); c (0-30) alone. Longest is 2.
    expect(logOf([[0, 10], [11, 20], [0, 30]]).criticalPathLength()).toBe(2);
  });
});
