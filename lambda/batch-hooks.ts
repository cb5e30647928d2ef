import type { S3Client } from '@aws-sdk/client-s3';
import type { SNSClient } from '@aws-sdk/client-sns';
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { BatchConfig } from './batch-config.js';
import { completeIfFinished } from './batch-complete.js';
import { countImage, type CountResult, type Outcome } from './batch-count.js';
import type { ImageItem } from './contract.js';
import type { Job } from './events.js';
import type { Logger } from './log.js';
import { writeItem } from './store.js';

/** What the batch hooks need: the function's clients and configuration. */
export interface BatchDeps {
  s3: S3Client;
  ddb: DynamoDBDocumentClient;
  config: { table: string; thumbnailsBucket: string };
  batches?: BatchConfig;
  log?: Logger;
  /** For email targets; default: a client from the environment (notify.ts). */
  sns?: Pick<SNSClient, 'send'>;
}

const outcomeOf = (item: ImageItem): Outcome => ({
  key: item.imageKey,
  status: item.status,
  renditions: item.renditions.length,
  bytes: item.bytes,
  durationMs: item.durationMs,
  ...(item.error !== undefined ? { error: item.error } : {}),
});

/**
 * Writes the image's item; when its message names a batch, in one transaction with the count
 * (batch-count.ts). Returns whether the item was written, as writeItem does.
 */
export async function recordItem(deps: BatchDeps, job: Job, item: ImageItem, overwrite?: boolean): Promise<boolean> {
  if (!job.run) return writeItem(deps.ddb, deps.config.table, item, { overwrite });
  const result = await countImage(deps.ddb, deps.config.table, job.run, outcomeOf(item), { value: item, overwrite });
  if (result === 'no-batch') return writeItem(deps.ddb, deps.config.table, item, { overwrite });
  await afterCount(deps, job.run, result);
  // Counted before (dead-lettered, then redriven and done now): the count stands, the item is still written.
  if (result === 'already-counted') return writeItem(deps.ddb, deps.config.table, item, { overwrite });
  return result === 'counted';
}

/**
 * An image the function did not write for this message (done already, or superseded by a newer
 * upload) still counts toward the message's batch once, or the batch could never complete.
 */
export async function countUnwritten(deps: BatchDeps, job: Job, outcome: Omit<Outcome, 'key'>): Promise<void> {
  if (!job.run) return;
  const result = await countImage(deps.ddb, deps.config.table, job.run, { key: job.key, ...outcome });
  await afterCount(deps, job.run, result);
}

/**
 * A message failing on its last allowed receive goes to the dead-letter queue next: it is counted
 * deadLettered now, as nothing else will see it again. Unknown maxReceiveCount (0) counts nothing.
 */
export async function countIfLastReceive(deps: BatchDeps, job: Job, reason: string | undefined, ms: number): Promise<void> {
  const max = deps.batches?.maxReceiveCount ?? 0;
  if (!job.run || max === 0 || (job.receiveCount ?? 1) < max) return;
  await countUnwritten(deps, job, { status: 'deadLettered', renditions: 0, bytes: job.size ?? 0, durationMs: ms, error: reason ?? 'failed on every receive' });
}

/**
 * A refused count (a redelivery) checks completion too: when the delivery that counted the last
 * image failed before completing the batch, its redelivery completes it.
 */
async function afterCount(deps: BatchDeps, batch: string, result: CountResult): Promise<void> {
  if (result === 'no-batch') return;
  await completeIfFinished(deps, batch);
}
