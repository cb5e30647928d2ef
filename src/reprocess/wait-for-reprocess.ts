import { setTimeout as sleep } from 'node:timers/promises';
import type { BatchDetail, BatchSummary } from '../batches/batch-detail.js';
import type { Context } from '../context.js';
import { queueDepth } from '../queues/queue-depth.js';
import { readItems } from './reconcile.js';

export interface Expected {
  etag: string;
  /** processedAt of the item when the message was sent; a new outcome has another. */
  previous?: string;
}

export interface ReprocessWait {
  done: string[];
  failed: Array<{ key: string; error: string }>;
  missing: string[];
  /** Done, but with other settings than asked for (the function's settings changed meanwhile). */
  otherSettings: string[];
  deadLetterDepth: number | undefined;
  seconds: number;
  /** Counted dead-lettered by the function (known when the wait followed the batch). */
  deadLettered?: Array<{ key: string; reason: string }>;
  /** How the wait followed the run: its batch record (one read per poll), or each image's item. */
  via?: 'batch' | 'items';
  /** Why each image was read instead of the batch record alone. */
  fallback?: string;
  /** GetItem reads of the batch record. */
  batchReads?: number;
  /** The batch as `thumbs batches <id> --json` shows it (with images[] when it completed), as last read. */
  batch?: BatchSummary | BatchDetail;
}

export interface ReprocessWaitOptions {
  table: string;
  deadLetterUrl: string | undefined;
  expected: Map<string, Expected>;
  settings: string;
  timeoutSeconds: number;
  pollMs?: number;
}

/**
 * Polls the table until every announced original has a new outcome for its ETag, or the timeout
 * passes. A new outcome is told by its processedAt, not by the clock: the function's clock and
 * this machine's need not agree.
 */
export async function waitForReprocess(
  ctx: Context,
  options: ReprocessWaitOptions,
): Promise<ReprocessWait> {
  const started = performance.now();
  const deadline = Date.now() + options.timeoutSeconds * 1000;
  const remaining = new Map(options.expected);
  const result: ReprocessWait = { done: [], failed: [], missing: [], otherSettings: [], deadLetterDepth: undefined, seconds: 0 };
  const progress = ctx.reporter.progress('processing', remaining.size);
  while (remaining.size > 0) {
    const items = await readItems(ctx, options.table, [...remaining.keys()]);
    for (const [key, want] of remaining) {
      const item = items.get(key);
      if (!item || item.etag !== want.etag || item.processedAt === want.previous) continue;
      if (item.status === 'done') {
        result.done.push(key);
        if (item.settings !== options.settings) result.otherSettings.push(key);
      } else if (item.status === 'failed') {
        result.failed.push({ key, error: item.error ?? 'failed (no reason recorded)' });
      } else continue;
      remaining.delete(key);
      progress.tick();
    }
    if (remaining.size === 0 || Date.now() >= deadline) break;
    await sleep(Math.min(options.pollMs ?? 1000, Math.max(0, deadline - Date.now())));
  }
  progress.done();
  result.missing = [...remaining.keys()].sort();
  result.deadLetterDepth = options.deadLetterUrl ? (await queueDepth(ctx.clients.sqs, options.deadLetterUrl)).waiting : undefined;
  result.seconds = (performance.now() - started) / 1000;
  return result;
}
