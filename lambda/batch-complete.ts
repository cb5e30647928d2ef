import { PutObjectCommand } from '@aws-sdk/client-s3';
import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { GetCommand, UpdateCommand, paginateQuery } from '@aws-sdk/lib-dynamodb';
import { stringify } from 'csv-stringify/sync';
import { setTimeout as delay } from 'node:timers/promises';
import type { BatchDeps } from './batch-hooks.js';
import { notifyAll } from './notify.js';
import { withConflictRetries } from './batch-count.js';
import { batchFeed, batchKey, FEED_KEY, TIME_INDEX, type BatchEntry, type BatchNotice, type BatchRecord } from './contract.js';

export const reportKeys = (batch: string) => ({ csv: `reports/${batch}.csv`, json: `reports/${batch}.json` });

/** The batch record, read consistently: a count just committed is always seen. */
export async function readBatch(deps: { ddb: BatchDeps['ddb']; config: { table: string } }, batch: string): Promise<BatchRecord | undefined> {
  const { Item } = await deps.ddb.send(new GetCommand({ TableName: deps.config.table, Key: { imageKey: batchKey(batch) }, ConsistentRead: true }));
  return Item as BatchRecord | undefined;
}

export const isFinished = (record: BatchRecord | undefined): record is BatchRecord & { expected: number } =>
  record !== undefined && record.expected !== undefined && (record.finished ?? 0) >= record.expected;

/**
 * After a count (or the seal): when the batch has every image, the report is written and the
 * batch completed by a conditional `completedAt`; the one request whose condition held sends the
 * notification, so two deliveries finishing together notify once. The report is written before
 * the completion so a failure leaves the batch incomplete and a redelivery tries again.
 * Returns true when this call completed the batch.
 */
export async function completeIfFinished(deps: BatchDeps, batch: string): Promise<boolean> {
  const record = await readBatch(deps, batch);
  if (!isFinished(record) || record.completedAt) return false;
  const entries = await readEntries(deps, batch, record.finished ?? 0);
  const report = await writeReport(deps, record, entries);
  const completedAt = new Date().toISOString();
  try {
    await withConflictRetries(() => deps.ddb.send(new UpdateCommand({
      TableName: deps.config.table,
      Key: { imageKey: batchKey(batch) },
      UpdateExpression: 'SET completedAt = :at, report = :report',
      ConditionExpression: 'attribute_exists(imageKey) AND attribute_not_exists(completedAt)',
      ExpressionAttributeValues: { ':at': completedAt, ':report': report },
    })));
  } catch (err) {
    if (err instanceof ConditionalCheckFailedException || (err as Error).name === 'ConditionalCheckFailedException') return false;
    throw err;
  }
  const notice: BatchNotice = {
    batch,
    stack: record.stack,
    expected: record.expected,
    done: record.done ?? 0,
    failed: record.failed ?? 0,
    deadLettered: record.deadLettered ?? 0,
    startedAt: record.startedAt,
    completedAt,
    report,
  };
  deps.log?.('info', { msg: 'batch complete', ...notice });
  if (deps.batches && deps.batches.targets.length > 0) {
    const notifications = await notifyAll(deps, notice, entries);
    await deps.ddb.send(new UpdateCommand({
      TableName: deps.config.table,
      Key: { imageKey: batchKey(batch) },
      UpdateExpression: 'SET notifications = :n',
      ExpressionAttributeValues: { ':n': notifications },
    }));
  }
  return true;
}

/**
 * The batch's entries from the time index, in key order. The index is eventually consistent, so
 * the last entries written may take a moment to appear: read again until every counted one has.
 */
export async function readEntries(deps: { ddb: BatchDeps['ddb']; config: { table: string } }, batch: string, counted: number): Promise<BatchEntry[]> {
  let entries: BatchEntry[] = [];
  for (let attempt = 0; attempt < 20; attempt += 1) {
    entries = [];
    const pages = paginateQuery({ client: deps.ddb }, {
      TableName: deps.config.table,
      IndexName: TIME_INDEX,
      KeyConditionExpression: '#feed = :feed',
      ExpressionAttributeNames: { '#feed': FEED_KEY },
      ExpressionAttributeValues: { ':feed': batchFeed(batch) },
    });
    for await (const page of pages) entries.push(...((page.Items ?? []) as BatchEntry[]));
    if (entries.length >= counted) break;
    await delay(250);
  }
  return entries;
}

const REPORT_COLUMNS = ['key', 'status', 'renditions', 'bytes', 'error', 'duration_ms'];

async function writeReport(deps: BatchDeps, record: BatchRecord, entries: BatchEntry[]): Promise<BatchNotice['report']> {
  const keys = reportKeys(record.batch);
  const rows = entries.map((e) => ({ key: e.key, status: e.status, renditions: e.renditions, bytes: e.bytes, error: e.error ?? '', duration_ms: e.durationMs }));
  // quoted_match: a bare LF inside an error message would otherwise split a row.
  const csv = stringify(rows, { header: true, columns: REPORT_COLUMNS, quoted_match: /[\r\n]/ });
  const json = JSON.stringify({ batch: record.batch, stack: record.stack, expected: record.expected, startedAt: record.startedAt, images: rows }, null, 2);
  const bucket = deps.config.thumbnailsBucket;
  await Promise.all([
    deps.s3.send(new PutObjectCommand({ Bucket: bucket, Key: keys.csv, Body: csv, ContentType: 'text/csv; charset=utf-8' })),
    deps.s3.send(new PutObjectCommand({ Bucket: bucket, Key: keys.json, Body: json, ContentType: 'application/json' })),
  ]);
  return { bucket, ...keys };
}
