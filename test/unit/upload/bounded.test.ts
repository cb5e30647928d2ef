import { describe, expect, it } from 'vitest';
import { forEachBounded } from '../../../src/upload/bounded.js';

/** A source that counts how many of its entries have been handed out and not yet finished. */
function fakeSource(count: number) {
  const state = { handedOut: 0, finished: 0, peakHeld: 0 };
  async function* entries() {
    for (let i = 0; i < count; i += 1) {
      state.handedOut += 1;
      state.peakHeld = Math.max(state.peakHeld, state.handedOut - state.finished);
      yield { name: `photo-${i}.jpg`, size: i };
    }
  }
  return { state, entries: entries() };
}

describe('forEachBounded', () => {
  it('works through 50,000 entries without ever holding more than its bound', async () => {
    const { state, entries } = fakeSource(50_000);
    let inFlight = 0;
    let peak = 0;
    const stats = await forEachBounded(entries, async () => {
      inFlight += 1;
      peak = Math.max(peak, inFlight);
      await new Promise((resolve) => setImmediate(resolve));
      inFlight -= 1;
      state.finished += 1;
    }, { limit: 16 });
    expect(stats).toEqual({ taken: 50_000, peakInFlight: 16, stopped: false });
    expect(peak).toBe(16);
    expect(state.finished).toBe(50_000);
    // The source is pulled only when a slot is free: never all 50,000 at once.
    expect(state.peakHeld).toBeLessThanOrEqual(17);
  });

  it('takes nothing new once stopped, and lets the work in flight finish', async () => {
    const { state, entries } = fakeSource(50_000);
    const stop = new AbortController();
    let finished = 0;
    const stats = await forEachBounded(entries, async () => {
      await new Promise((resolve) => setImmediate(resolve));
      finished += 1;
      if (finished === 100) stop.abort();
    }, { limit: 8, signal: stop.signal });
    expect(stats.stopped).toBe(true);
    expect(finished).toBe(stats.taken);
    expect(stats.taken).toBeLessThanOrEqual(100 + 8);
    expect(state.handedOut).toBe(stats.taken);
  });
});
