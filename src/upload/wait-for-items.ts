import { GetQueueAttributesCommand } from '@aws-sdk/client-sqs';
import { BatchGetCommand } from '@aws-sdk/lib-dynamodb';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Context } from '../context.js';
import { TABLE_KEY } from '../resources/table.js';

export interface WaitOptions {
  table: string;
  deadLetterUrl: string | undefined;
  /** key -> the ETag whose processing we wait for (an item for an older version does not count). */
  expected: Map<string, string>;
  /** default 300 */
  timeoutSeconds: number;
  /** Pause between polling rounds; default 1000 ms. */
  pollMs?: number;
}

export interface WaitResult {
  done: string[];
  failed: Array<{ key: string; error: string }>;
  missing: string[];
  /** Messages in the dead-letter queue now (all of them, not only this run's). */
  deadLetterDepth: number | undefined;
  seconds: number;
}

/** BatchGetItem reads at most 100 keys per call. */
const BATCH_GET_MAX = 100;

interface ItemState {
  imageKey: string;
  etag?: string;
  status?: string;
  error?: string;
}

/**
 * Polls the metadata table until every expected image has an item for its ETag with status
 * done or failed, or the timeout passes. Only keys still outstanding are read again.
 */
export async function waitForItems(ctx: Context, options: WaitOptions): Promise<WaitResult> {
  const started = performance.now();
  const deadline = Date.now() + options.timeoutSeconds * 1000;
  const remaining = new Set(options.expected.keys());
  const result: WaitResult = { done: [], failed: [], missing: [], deadLetterDepth: undefined, seconds: 0 };
  const progress = ctx.reporter.progress('processing', remaining.size);
  while (remaining.size > 0) {
    for (const item of await readItems(ctx, options.table, [...remaining])) {
      if (item.etag !== options.expected.get(item.imageKey)) continue;
      if (item.status === 'done') result.done.push(item.imageKey);
      else if (item.status === 'failed') result.failed.push({ key: item.imageKey, error: item.error ?? 'failed (no reason recorded)' });
      else continue;
      remaining.delete(item.imageKey);
      progress.tick();
    }
    if (remaining.size === 0 || Date.now() >= deadline) break;
    await sleep(Math.min(options.pollMs ?? 1000, Math.max(0, deadline - Date.now())));
  }
  progress.done();
  result.missing = [...remaining].sort();
  result.deadLetterDepth = await queueDepth(ctx, options.deadLetterUrl);
  result.seconds = (performance.now() - started) / 1000;
  return result;
}

async function readItems(ctx: Context, table: string, keys: string[]): Promise<ItemState[]> {
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

export async function queueDepth(ctx: Context, url: string | undefined): Promise<number | undefined> {
  if (!url) return undefined;
  const { Attributes } = await ctx.clients.sqs.send(
    new GetQueueAttributesCommand({ QueueUrl: url, AttributeNames: ['ApproximateNumberOfMessages'] }),
  );
  return Number(Attributes?.ApproximateNumberOfMessages ?? 0);
}
