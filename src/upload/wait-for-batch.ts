import { readBatch } from '../../lambda/batch-complete.js';
import type { Context } from '../context.js';
import { detailOf, summarize } from '../batches/batch-detail.js';
import { fallbackReason, followBatch } from '../batches/follow-batch.js';
import { missingThumbnailsBucket } from './wait-diagnosis.js';
import { deadLetterCount, readItems, waitForItems, type WaitOptions, type WaitResult } from './wait-for-items.js';

/** BatchGetItem's limit: the sample read when the batch stalls is one request. */
const SAMPLE = 100;

/**
 * `upload --wait`: follows the run's batch record (one read per poll, whatever the batch size) and
 * ends with the batch as `thumbs batches <id>` shows it. When the batch is not complete in time, or
 * is not counted at all, falls back to reading each image (waitForItems) so the user still learns
 * which keys are missing and why.
 */
export async function waitForBatch(ctx: Context, batch: string | undefined, options: WaitOptions): Promise<WaitResult> {
  const started = performance.now();
  const deadline = Date.now() + options.timeoutSeconds * 1000;
  if (await missingThumbnailsBucket(ctx, options.thumbnailsBucket)) {
    ctx.reporter.warn(`the thumbnails bucket ${options.thumbnailsBucket} does not exist: images will fail and end in the dead-letter queue until \`thumbs provision\` re-creates it`);
  }
  // Dead letters already there belong to earlier runs; counted before the first read of the wait.
  const earlierDeadLetters = await deadLetterCount(ctx, options.deadLetterUrl);
  const items = { ...options, earlierDeadLetters, bucketChecked: true };
  if (!batch) return { ...(await waitForItems(ctx, items)), via: 'items', fallback: fallbackReason('no-record', undefined) };
  const followed = await followBatch(ctx, {
    table: options.table, batch, expected: options.expected.size, deadline, pollMs: options.pollMs, signal: options.signal,
    uncounted: async (last) => (await finishedUncounted(ctx, options, last.finished ?? 0, batch))
      // A function killed on the last delivery (its timeout, its memory) cannot count the image it dead-letters.
      || (await deadLetterCount(ctx, options.deadLetterUrl)) > earlierDeadLetters + (last.deadLettered ?? 0),
  });
  const { record } = followed;
  if (followed.outcome === 'complete' && record) {
    const detail = await detailOf(ctx, options.table, record, record.finished ?? 0);
    const images = detail.images;
    return {
      done: images.filter((i) => i.status === 'done').map((i) => i.key),
      failed: images.filter((i) => i.status === 'failed').map((i) => ({ key: i.key, error: i.error ?? 'failed (no reason recorded)' })),
      deadLettered: images.filter((i) => i.status === 'deadLettered').map((i) => ({ key: i.key, reason: i.error ?? 'failed on its last delivery' })),
      missing: [],
      deadLetterDepth: options.deadLetterUrl ? await deadLetterCount(ctx, options.deadLetterUrl) : undefined,
      seconds: (performance.now() - started) / 1000,
      via: 'batch',
      batchReads: followed.reads,
      batch: detail,
    };
  }
  const outcome = followed.outcome === 'complete' ? 'no-record' : followed.outcome;
  const fallback = fallbackReason(outcome, batch);
  ctx.reporter.info(`reading each image: ${fallback}`);
  // On timeout or Ctrl-C one round of per-key reads tells what is known; when the batch is not counted the wait goes on per key.
  const remainingSeconds = outcome === 'not-counting' || outcome === 'no-record' ? Math.max(0, (deadline - Date.now()) / 1000) : 0;
  const perKey = await waitForItems(ctx, { ...items, timeoutSeconds: remainingSeconds, ...(outcome === 'interrupted' ? { signal: undefined } : {}) });
  return {
    ...perKey,
    ...(outcome === 'interrupted' ? { interrupted: true } : {}),
    seconds: (performance.now() - started) / 1000,
    via: 'items',
    fallback,
    batchReads: followed.reads,
    ...(record ? { batch: summarize(record) } : {}),
  };
}

/**
 * A sample of the run's images read once (one BatchGetItem), then the batch again: in a stack
 * whose function counts, an image final for its ETag was counted in the same transaction, so more
 * finished images than counts means the function does not count.
 */
async function finishedUncounted(ctx: Context, options: WaitOptions, counted: number, batch: string): Promise<boolean> {
  const sample = [...options.expected.keys()].slice(0, SAMPLE);
  const finished = (await readItems(ctx, options.table, sample))
    .filter((item) => item.etag === options.expected.get(item.imageKey) && (item.status === 'done' || item.status === 'failed')).length;
  if (finished <= counted) return false;
  const now = await readBatch({ ddb: ctx.clients.doc, config: { table: options.table } }, batch);
  return finished > (now?.finished ?? 0);
}
