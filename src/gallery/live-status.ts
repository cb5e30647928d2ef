import type { SQSClient } from '@aws-sdk/client-sqs';
import { BatchGetCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { summarize, type BatchSummary } from '../batches/batch-detail.js';
import { batchKey, type BatchRecord } from '../../lambda/contract.js';
import { queueDepth } from '../queues/queue-depth.js';
import type { GalleryImage, RecentItem } from './load-images.js';

/** The status line of the live page. Queue counts are SQS's approximate ones. */
export interface PipelineStatus {
  waiting?: number;
  inFlight?: number;
  deadLettered?: number;
  /** Images recorded as done in the last 60 s, counted among the newest `LIVE_WINDOW` items. */
  donePerMinute: number;
  /** True when every item looked at was that recent, so the real rate may be higher. */
  doneCapped: boolean;
}

/** Newest items read per poll: enough for the status line and for what changed since the last one. */
export const LIVE_WINDOW = 100;

export async function pipelineStatus(
  sqs: SQSClient,
  queues: { queueUrl?: string; deadLetterUrl?: string },
  newest: RecentItem[],
  now = Date.now(),
): Promise<PipelineStatus> {
  return { ...(await queueCounts(sqs, queues)), ...doneRate(newest, now) };
}

/** SQS's approximate counts of the queue and the dead-letter queue (those that exist). */
export async function queueCounts(sqs: SQSClient, queues: { queueUrl?: string; deadLetterUrl?: string }): Promise<Pick<PipelineStatus, 'waiting' | 'inFlight' | 'deadLettered'>> {
  const depthsOf = (url: string | undefined) => (url ? queueDepth(sqs, url) : undefined);
  const [queue, dead] = await Promise.all([depthsOf(queues.queueUrl), depthsOf(queues.deadLetterUrl)]);
  return {
    ...(queue ? { waiting: queue.waiting, inFlight: queue.inFlight } : {}),
    ...(dead ? { deadLettered: dead.waiting } : {}),
  };
}

/** Done in the last minute among the newest items. */
export function doneRate(newest: RecentItem[], now = Date.now()): Pick<PipelineStatus, 'donePerMinute' | 'doneCapped'> {
  const recent = newest.filter((image) => image.processedAt !== undefined && Date.parse(image.processedAt) >= now - 60_000);
  return {
    donePerMinute: recent.filter((image) => image.status === 'done').length,
    doneCapped: newest.length >= LIVE_WINDOW && recent.length === newest.length,
  };
}

/** The newest processedAt among images, or `floor` when none is newer: the live cursor. */
export function newestProcessedAt(images: GalleryImage[], floor = ''): string {
  return images.reduce((max, image) => ((image.processedAt ?? '') > max ? image.processedAt ?? max : max), floor);
}

/** Items recorded after `since` (the function's own clock, from the previous answer), and the next cursor. */
export function changedSince(newest: GalleryImage[], since: string): { images: GalleryImage[]; cursor: string } {
  const images = newest.filter((image) => (image.processedAt ?? '') > since);
  return { images, cursor: newestProcessedAt(images, since) };
}

/**
 * The batches a page watches (its drops), in the order asked: one BatchGetItem, whatever their size.
 * Unknown ids, and any DynamoDB left unprocessed this time, are left out: the page asks again next poll.
 */
export async function batchSummaries(doc: DynamoDBDocumentClient, table: string, ids: string[]): Promise<BatchSummary[]> {
  const { Responses } = await doc.send(new BatchGetCommand({ RequestItems: { [table]: { Keys: ids.map((id) => ({ imageKey: batchKey(id) })) } } }));
  const found = new Map(((Responses?.[table] ?? []) as BatchRecord[]).map((record) => [record.batch, record]));
  return ids.flatMap((id) => (found.has(id) ? [summarize(found.get(id)!)] : []));
}
