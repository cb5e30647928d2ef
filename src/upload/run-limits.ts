import { setMaxListeners } from 'node:events';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';

/** Limits on a long upload run: how long in-flight work may finish after Ctrl-C, and how far the heap may grow. */

/** Abandons the requests still in flight `graceMs` after the stop signal. */
export function graceAfter(signal: AbortSignal | undefined, graceMs: number): { abandon: AbortSignal; dispose(): void } {
  const controller = new AbortController();
  // Every request in flight listens to it: 16 uploads and 8 batches are more than the default 10 listeners.
  setMaxListeners(0, controller.signal);
  let timer: NodeJS.Timeout | undefined;
  const start = () => {
    timer = setTimeout(() => controller.abort(), graceMs);
  };
  if (signal?.aborted) start();
  else signal?.addEventListener('abort', start, { once: true });
  return {
    abandon: controller.signal,
    dispose: () => {
      clearTimeout(timer);
      signal?.removeEventListener('abort', start);
    },
  };
}

/**
 * The pipeline's live heap stays small (about 15 MB, plus ~200 bytes a file for the journal), but
 * after each full collection V8 lets the heap grow up to 4x the live size before the next one,
 * and on a busy machine it does: peak RSS then grew with the length of the run, not with what it
 * holds (measured: 127 MB at 1,000 files, 178 MB at 10,000, 290 MB at 100,000). Capping growth at
 * 30% over the live size keeps the peak flat for the cost of a few more collections (measured:
 * set at run time it takes effect; 120 MB at 1,000 files, 130 MB at 10,000). Process-wide, which
 * suits a CLI process whose job is this upload; set only once a run is long enough to need it,
 * so small uploads do not pay the extra collections. V8 computes the next limit only at a full
 * collection, and the last one may have been at start-up, with a limit set by the default growth
 * (measured: live heap 14.7 MB then, and no other full collection in a run of 10,000 tiny files,
 * peak 136 MB); so one full collection runs right after the cap is set, which makes it apply from
 * there (about 10 ms, once a run).
 */
export async function* boundHeapGrowthAfter<T>(entries: AsyncIterable<T>, after: number): AsyncGenerator<T> {
  let seen = 0;
  // The young generation stays at the size start-up left it (a few MB) instead of doubling as the
  // upload's short-lived garbage comes: it had grown to tens of MB over 10,000 files, about 14 MB
  // of the peak (measured: 124 -> 110 MB at 10,000 tiny files, 100 -> 92-100 MB at 1,000, no CPU
  // cost seen). Read by V8 each time it would grow that space, so setting it now takes effect.
  setFlagsFromString('--semi-space-growth-factor=1');
  for await (const entry of entries) {
    if ((seen += 1) === after) {
      setFlagsFromString('--heap-growing-percent=30');
      collectNow();
    }
    yield entry;
  }
}

/** A full collection without starting node with --expose-gc: the flag exposes gc() to contexts made after it. */
function collectNow(): void {
  setFlagsFromString('--expose-gc');
  (runInNewContext('gc') as () => void)();
}

/** Files walked before the heap growth cap is set. */
export const LONG_RUN = 1500;
