import { constants, PerformanceObserver } from 'node:perf_hooks';
import { describe, expect, it } from 'vitest';
import { boundHeapGrowthAfter } from '../../../src/upload/run-limits.js';

async function* numbers(count: number): AsyncGenerator<number> {
  for (let i = 0; i < count; i += 1) yield i;
}

/** Full (mark-compact) collections observed while `work` runs, with the GC entries delivered. */
async function fullCollectionsDuring(work: () => Promise<void>): Promise<number> {
  let full = 0;
  const observer = new PerformanceObserver((list) => {
    for (const entry of list.getEntries()) if (((entry as { detail?: { kind?: number } }).detail)?.kind === constants.NODE_PERFORMANCE_GC_MAJOR) full += 1;
  });
  observer.observe({ entryTypes: ['gc'] });
  await work();
  await new Promise((resolve) => setTimeout(resolve, 50));
  observer.disconnect();
  return full;
}

describe('boundHeapGrowthAfter', () => {
  it('passes every entry through, and collects once when the run reaches its length', async () => {
    const seen: number[] = [];
    const short = await fullCollectionsDuring(async () => {
      for await (const n of boundHeapGrowthAfter(numbers(5), 10)) seen.push(n);
    });
    expect(seen).toEqual([0, 1, 2, 3, 4]);
    expect(short).toBe(0);
    const long = await fullCollectionsDuring(async () => {
      for await (const n of boundHeapGrowthAfter(numbers(5), 3)) seen.push(n);
    });
    expect(seen).toEqual([0, 1, 2, 3, 4, 0, 1, 2, 3, 4]);
    expect(long).toBeGreaterThanOrEqual(1);
  });
});
