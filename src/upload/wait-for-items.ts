import { BatchGetCommand } from '@aws-sdk/lib-dynamodb';
import { setTimeout as sleep } from 'node:timers/promises';
import type { BatchDetail, BatchSummary } from '../batches/batch-detail.js';
import type { Context } from '../context.js';
import { TABLE_KEY } from '../resources/table.js';
import { peekDeadLetters } from './dead-letters.js';
import { diagnoseStall, missingThumbnailsBucket, type WaitDiagnosis } from './wait-diagnosis.js';
import { queueDepth } from '../queues/queue-depth.js';

export interface WaitOptions {
  table: string;
  deadLetterUrl: string | undefined;
  /** key -> the ETag whose processing we wait for (an item for an older version does not count). */
  expected: Map<string, string>;
  /** default 300 */
  timeoutSeconds: number;
  /** Pause between polling rounds; default 1000 ms. */
  pollMs?: number;
  /** For the diagnosis when images are not processed. */
  queueUrl?: string;
  thumbnailsBucket?: string;
  /** Ctrl-C: stop waiting and report what is known. */
  signal?: AbortSignal;
  /** Dead letters counted when the wait began (before this read), when the caller counted them. */
  earlierDeadLetters?: number;
  /** The caller already warned about a missing thumbnails bucket. */
  bucketChecked?: boolean;
}

export interface WaitResult {
  done: string[];
  /** Recorded `failed` by the function and acknowledged: these are not in the dead-letter queue. */
  failed: Array<{ key: string; error: string }>;
  /** Seen in the dead-letter queue (left there) for the ETag uploaded. */
  deadLettered: Array<{ key: string; reason: string }>;
  missing: string[];
  /** Messages in the dead-letter queue now (all of them, not only this run's). */
  deadLetterDepth: number | undefined;
  seconds: number;
  /** Why images were dead-lettered or not processed in time, when the stack tells. */
  diagnosis?: WaitDiagnosis;
  interrupted?: boolean;
  /** How the wait followed the run: its batch record (one read per poll), or each image's item. */
  via?: 'batch' | 'items';
  /** Why each image was read instead of the batch record alone. */
  fallback?: string;
  /** GetItem reads of the batch record. */
  batchReads?: number;
  /** The batch as `thumbs batches <id> --json` shows it (with images[] when it completed), as last read. */
  batch?: BatchSummary | BatchDetail;
}

/** BatchGetItem reads at most 100 keys per call. */
const BATCH_GET_MAX = 100;

export interface ItemState {
  imageKey: string;
  etag?: string;
  status?: string;
  error?: string;
}

/**
 * Polls the metadata table until every expected image has an item for its ETag with status
 * done or failed, or its message is in the dead-letter queue, or the timeout passes. Only keys
 * still outstanding are read again; failures and dead letters are reported as they arrive.
 */
export async function waitForItems(ctx: Context, options: WaitOptions): Promise<WaitResult> {
  const started = performance.now();
  const deadline = Date.now() + options.timeoutSeconds * 1000;
  const remaining = new Set(options.expected.keys());
  const result: WaitResult = { done: [], failed: [], deadLettered: [], missing: [], deadLetterDepth: undefined, seconds: 0 };
  if (!options.bucketChecked && await missingThumbnailsBucket(ctx, options.thumbnailsBucket)) {
    ctx.reporter.warn(`the thumbnails bucket ${options.thumbnailsBucket} does not exist: images will fail and end in the dead-letter queue until \`thumbs provision\` re-creates it`);
  }
  // Dead letters already there belong to earlier runs; only more than these are looked at.
  const earlierDeadLetters = options.earlierDeadLetters ?? await deadLetterCount(ctx, options.deadLetterUrl);
  const progress = ctx.reporter.progress('processing', remaining.size);
  const settle = (key: string) => {
    remaining.delete(key);
    progress.tick();
  };
  while (remaining.size > 0 && !options.signal?.aborted) {
    for (const item of await readItems(ctx, options.table, [...remaining])) {
      if (item.etag !== options.expected.get(item.imageKey)) continue;
      if (item.status === 'done') result.done.push(item.imageKey);
      else if (item.status === 'failed') {
        const error = item.error ?? 'failed (no reason recorded)';
        result.failed.push({ key: item.imageKey, error });
        ctx.reporter.warn(`failed: ${item.imageKey}: ${error}`);
      } else continue;
      settle(item.imageKey);
    }
    if (remaining.size > 0 && options.deadLetterUrl) {
      const depth = await deadLetterCount(ctx, options.deadLetterUrl);
      if (depth > earlierDeadLetters + result.deadLettered.length) {
        for (const letter of await peekDeadLetters(ctx, options.deadLetterUrl, depth)) {
          if (!letter.key || !remaining.has(letter.key) || (letter.etag !== undefined && letter.etag !== options.expected.get(letter.key))) continue;
          result.deadLettered.push({ key: letter.key, reason: letter.reason });
          ctx.reporter.warn(`dead-lettered: ${letter.key}: ${letter.reason}`);
          settle(letter.key);
        }
      }
    }
    if (remaining.size === 0 || Date.now() >= deadline) break;
    await sleep(Math.min(options.pollMs ?? 1000, Math.max(0, deadline - Date.now())), undefined, { signal: options.signal }).catch(() => undefined);
  }
  progress.done();
  if (options.signal?.aborted) result.interrupted = true;
  result.missing = [...remaining].sort();
  result.deadLetterDepth = options.deadLetterUrl ? await deadLetterCount(ctx, options.deadLetterUrl) : undefined;
  if (result.missing.length > 0 || result.deadLettered.length > 0) {
    result.diagnosis = await diagnoseStall(ctx, {
      thumbnailsBucket: options.thumbnailsBucket,
      queueUrl: options.queueUrl,
      completed: result.done.length + result.failed.length + result.deadLettered.length,
    });
  }
  result.seconds = (performance.now() - started) / 1000;
  return result;
}

export async function readItems(ctx: Context, table: string, keys: string[]): Promise<ItemState[]> {
  const items: ItemState[] = [];
  for (let start = 0; start < keys.length; start += BATCH_GET_MAX) {
    let request: Record<string, { Keys: Array<Record<string, unknown>> }> | undefined = {
      [table]: { Keys: keys.slice(start, start + BATCH_GET_MAX).map((key) => ({ [TABLE_KEY]: key })) },
    };
    for (let attempt = 0; request && Object.keys(request).length > 0; attempt += 1) {
      // Unprocessed keys mean throttling: back off before asking for them again.
      if (attempt > 0) await sleep(Math.min(100 * 2 ** attempt, 2000));
      const answer = await ctx.clients.doc.send(new BatchGetCommand({
        RequestItems: {
          [table]: {
            Keys: request[table]?.Keys ?? [],
            ProjectionExpression: '#k, etag, #s, #e',
            ExpressionAttributeNames: { '#k': TABLE_KEY, '#s': 'status', '#e': 'error' },
          },
        },
      }));
      items.push(...((answer.Responses?.[table] ?? []) as ItemState[]));
      request = answer.UnprocessedKeys as typeof request;
    }
  }
  return items;
}

/** Visible and in flight: a peek (or `thumbs dlq`) hides a message for a moment without removing it. */
export async function deadLetterCount(ctx: Context, url: string | undefined): Promise<number> {
  if (!url) return 0;
  const { waiting, inFlight } = await queueDepth(ctx.clients.sqs, url);
  return waiting + inFlight;
}
