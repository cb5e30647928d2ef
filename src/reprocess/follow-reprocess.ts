import { readBatch } from '../../lambda/batch-complete.js';
import type { Context } from '../context.js';
import { detailOf, summarize } from '../batches/batch-detail.js';
import { fallbackReason, followBatch } from '../batches/follow-batch.js';
import { queueDepth } from '../queues/queue-depth.js';
import { readItems } from './reconcile.js';
import { waitForReprocess, type ReprocessWait, type ReprocessWaitOptions } from './wait-for-reprocess.js';

/** BatchGetItem's limit: the sample read when the batch stalls is one request. */
const SAMPLE = 100;

/**
 * `reprocess --wait`: follows the run's batch record (one read per poll, whatever the batch size)
 * and ends with the batch as `thumbs batches <id>` shows it; when the batch is not complete in time
 * or not counted at all, falls back to reading each image (waitForReprocess).
 */
export async function followReprocess(ctx: Context, batch: string | undefined, options: ReprocessWaitOptions): Promise<ReprocessWait> {
  const started = performance.now();
  const deadline = Date.now() + options.timeoutSeconds * 1000;
  const followed = batch
    ? await followBatch(ctx, {
      table: options.table, batch, expected: options.expected.size, deadline, pollMs: options.pollMs,
      uncounted: (last) => finishedUncounted(ctx, options, last.finished ?? 0, batch),
    })
    : { outcome: 'no-record' as const, reads: 0, record: undefined };
  const { record } = followed;
  if (followed.outcome === 'complete' && record) {
    const detail = await detailOf(ctx, options.table, record, record.finished ?? 0);
    const done = detail.images.filter((i) => i.status === 'done').map((i) => i.key);
    // Once, not per poll: which done images carry other settings than asked (changed meanwhile).
    const items = await readItems(ctx, options.table, done);
    return {
      done,
      failed: detail.images.filter((i) => i.status === 'failed').map((i) => ({ key: i.key, error: i.error ?? 'failed (no reason recorded)' })),
      deadLettered: detail.images.filter((i) => i.status === 'deadLettered').map((i) => ({ key: i.key, reason: i.error ?? 'failed on its last delivery' })),
      missing: [],
      otherSettings: done.filter((key) => items.get(key)?.settings !== options.settings),
      deadLetterDepth: options.deadLetterUrl ? (await queueDepth(ctx.clients.sqs, options.deadLetterUrl)).waiting : undefined,
      seconds: (performance.now() - started) / 1000,
      via: 'batch',
      batchReads: followed.reads,
      batch: detail,
    };
  }
  const outcome = followed.outcome === 'complete' ? 'no-record' : followed.outcome;
  const fallback = fallbackReason(outcome, batch);
  ctx.reporter.info(`reading each image: ${fallback}`);
  const remainingSeconds = outcome === 'not-counting' || outcome === 'no-record' ? Math.max(0, (deadline - Date.now()) / 1000) : 0;
  const perKey = await waitForReprocess(ctx, { ...options, timeoutSeconds: remainingSeconds });
  return {
    ...perKey,
    seconds: (performance.now() - started) / 1000,
    via: 'items',
    fallback,
    batchReads: followed.reads,
    ...(record ? { batch: summarize(record) } : {}),
  };
}

/** As upload's: more finished images in a sample than the batch counted means the function does not count. */
async function finishedUncounted(ctx: Context, options: ReprocessWaitOptions, counted: number, batch: string): Promise<boolean> {
  const sample = [...options.expected.keys()].slice(0, SAMPLE);
  const items = await readItems(ctx, options.table, sample);
  const finished = sample.filter((key) => {
    const item = items.get(key);
    const want = options.expected.get(key);
    return item && want && item.etag === want.etag && item.processedAt !== want.previous && (item.status === 'done' || item.status === 'failed');
  }).length;
  if (finished <= counted) return false;
  const now = await readBatch({ ddb: ctx.clients.doc, config: { table: options.table } }, batch);
  return finished > (now?.finished ?? 0);
}
