export interface BoundedOptions {
  /** Items worked on at once, at least 1. */
  limit: number;
  /** Once aborted, no further item is taken from the source; those in flight finish. */
  signal?: AbortSignal;
}

export interface BoundedStats {
  /** Items taken from the source. */
  taken: number;
  /** The most items in flight at any moment: never above the limit. */
  peakInFlight: number;
  /** The source still had items when the signal stopped the run. */
  stopped: boolean;
}

/**
 * Runs `work` over an async source with at most `limit` items in flight, taking the next item
 * only when a slot is free, so a source of any length is never held in memory (p-limit queues
 * every task it is given up front, which is what this replaces). `work` must not throw: an
 * error is a result the caller records.
 */
export async function forEachBounded<T>(source: AsyncIterable<T>, work: (item: T) => Promise<void>, options: BoundedOptions): Promise<BoundedStats> {
  const stats: BoundedStats = { taken: 0, peakInFlight: 0, stopped: false };
  const inFlight = new Set<Promise<void>>();
  const iterator = source[Symbol.asyncIterator]();
  try {
    for (;;) {
      if (options.signal?.aborted) {
        stats.stopped = true;
        break;
      }
      const next = await iterator.next();
      if (next.done) break;
      stats.taken += 1;
      const task: Promise<void> = work(next.value).finally(() => inFlight.delete(task));
      inFlight.add(task);
      stats.peakInFlight = Math.max(stats.peakInFlight, inFlight.size);
      if (inFlight.size >= Math.max(1, options.limit)) await Promise.race(inFlight);
    }
  } finally {
    await Promise.all(inFlight);
    if (stats.stopped) await iterator.return?.();
  }
  return stats;
}
