import { GetCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { readEntries } from '../../lambda/batch-complete.js';
import { BATCHES_FEED, batchKey, FEED_KEY, TIME_INDEX, type BatchRecord } from '../../lambda/contract.js';
import type { Context } from '../context.js';
import { usageError } from '../errors.js';
import { openStack } from '../state/open-stack.js';
import { notProvisioned } from '../upload/stack-targets.js';

export interface BatchSummary {
  id: string;
  source: string;
  startedAt: string;
  /** null while the run is still announcing images. */
  expected: number | null;
  done: number;
  failed: number;
  deadLettered: number;
  complete: boolean;
  completedAt: string | null;
  /** From start to completion; null while incomplete. */
  durationSeconds: number | null;
}

export interface BatchDetail extends BatchSummary {
  stack: string;
  /** s3:// URLs of the report, once complete. */
  report: { csv: string; json: string } | null;
  notifications: Record<string, string>;
  images: Array<{ key: string; status: string; renditions: number; bytes: number; error?: string; durationMs: number }>;
}

export const DEFAULT_BATCH_LIMIT = 20;

export function summarize(record: BatchRecord): BatchSummary {
  const duration = record.completedAt ? (Date.parse(record.completedAt) - Date.parse(record.startedAt)) / 1000 : null;
  return {
    id: record.batch,
    source: record.source,
    startedAt: record.startedAt,
    expected: record.expected ?? null,
    done: record.done ?? 0,
    failed: record.failed ?? 0,
    deadLettered: record.deadLettered ?? 0,
    complete: record.completedAt !== undefined,
    completedAt: record.completedAt ?? null,
    durationSeconds: duration,
  };
}

async function tableOf(ctx: Context): Promise<string> {
  const { store } = await openStack(ctx, { persist: false });
  const table = store.get('table')?.id;
  if (!table) throw notProvisioned(ctx, 'no table recorded');
  return table;
}

/** `thumbs batches`: the newest batches first, one Query of the time index's batch partition. */
export async function listBatches(ctx: Context, options: { limit?: number } = {}): Promise<{ stack: string; batches: BatchSummary[] }> {
  const table = await tableOf(ctx);
  const { Items = [] } = await ctx.clients.doc.send(new QueryCommand({
    TableName: table,
    IndexName: TIME_INDEX,
    KeyConditionExpression: '#feed = :feed',
    ExpressionAttributeNames: { '#feed': FEED_KEY },
    ExpressionAttributeValues: { ':feed': BATCHES_FEED },
    ScanIndexForward: false,
    Limit: options.limit ?? DEFAULT_BATCH_LIMIT,
  }));
  return { stack: ctx.settings.stack, batches: (Items as BatchRecord[]).map(summarize) };
}

/** `thumbs batches <id>`: one batch with every image it counted (failed ones with their reason). */
export async function showBatch(ctx: Context, id: string): Promise<BatchDetail> {
  const table = await tableOf(ctx);
  const { Item } = await ctx.clients.doc.send(new GetCommand({ TableName: table, Key: { imageKey: batchKey(id) }, ConsistentRead: true }));
  const record = Item as BatchRecord | undefined;
  if (!record) {
    throw usageError('unknown-batch', `batch "${id}" (argument <id>) is not a batch of stack ${ctx.settings.stack}`, 'List the recent ones with `thumbs batches`; upload --json and reprocess --json name theirs.');
  }
  const entries = await readEntries({ ddb: ctx.clients.doc, config: { table } }, id, 0);
  const report = record.report;
  return {
    ...summarize(record),
    stack: record.stack,
    report: report ? { csv: `s3://${report.bucket}/${report.csv}`, json: `s3://${report.bucket}/${report.json}` } : null,
    notifications: record.notifications ?? {},
    images: entries.map((e) => ({ key: e.key, status: e.status, renditions: e.renditions, bytes: e.bytes, ...(e.error ? { error: e.error } : {}), durationMs: e.durationMs })),
  };
}
