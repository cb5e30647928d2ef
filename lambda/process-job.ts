import { GetObjectCommand, HeadObjectCommand, PutObjectCommand } from '@aws-sdk/client-s3';
import type { S3Client } from '@aws-sdk/client-s3';
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { ThumbsConfig } from './config.js';
import type { Job } from './events.js';
import { unquote } from './events.js';
import { classifyFailure, isMissingObject, isPreconditionFailed, PermanentError } from './failures.js';
import { renditionKey, THUMBNAIL_CACHE_CONTROL } from './keys.js';
import { placeholderOf } from './placeholder.js';
import { settingsHash } from './settings-hash.js';
import { isDone, readItem } from './store.js';
import type { BatchConfig } from './batch-config.js';
import { countUnwritten, recordItem } from './batch-hooks.js';
import type { Logger } from './log.js';
import { BATCH_METADATA, isReservedKey, type ImageItem, type RenditionRecord } from './contract.js';
import { transform } from './transform.js';
import type { RenditionOutput } from './transform.js';

export interface JobDeps {
  s3: S3Client;
  ddb: DynamoDBDocumentClient;
  config: ThumbsConfig;
  /** Batch counting and notification; absent: images are recorded uncounted. */
  batches?: BatchConfig;
  log?: Logger;
}

export interface JobOutcome {
  /** done: written; failed: permanent failure recorded; skipped: already done or superseded; retry: transient. */
  status: 'done' | 'failed' | 'skipped' | 'retry';
  reason?: string;
  ms: number;
}

/** What is known about the original so far; a failed item records as much of it as was learnt. */
interface Facts {
  etag: string;
  bytes: number;
  contentType: string;
  attempts: number;
  width?: number;
  height?: number;
  format?: string;
}

/** Processes one original. Never throws: every error becomes an outcome. */
export async function processJob(deps: JobDeps, job: Job): Promise<JobOutcome> {
  const started = performance.now();
  const facts: Facts = {
    etag: job.etag ?? '',
    bytes: job.size ?? 0,
    contentType: job.contentType ?? 'application/octet-stream',
    attempts: job.receiveCount ?? 1,
  };
  const elapsed = () => Math.round(performance.now() - started);
  try {
    const outcome = await run(deps, job, facts, started);
    return { ...outcome, ms: elapsed() };
  } catch (err) {
    const failure = classifyFailure(err);
    if (failure.kind === 'transient') return { status: 'retry', reason: failure.reason, ms: elapsed() };
    try {
      const written = await recordItem(deps, job, buildItem(job, facts, [], started, deps.config, failure.reason), job.force);
      return { status: written ? 'failed' : 'skipped', reason: failure.reason, ms: elapsed() };
    } catch (writeErr) {
      return { status: 'retry', reason: `recording failure: ${classifyFailure(writeErr).reason}`, ms: elapsed() };
    }
  }
}

async function run(deps: JobDeps, job: Job, facts: Facts, started: number): Promise<Omit<JobOutcome, 'ms'>> {
  const { s3, ddb, config } = deps;
  // A reserved item (a batch record) must never be overwritten by an object that happens to share its key.
  if (isReservedKey(job.key)) return { status: 'skipped', reason: 'reserved key' };
  const prior = await readItem(ddb, config.table, job.key);
  if (!job.force && isDone(prior, job.etag, job.settings)) return alreadyDone(deps, job, prior);
  if (job.size !== undefined && job.size > config.maxBytes) throw overBytes(job.size, config.maxBytes);

  const original = await fetchOriginal(s3, job, config.maxBytes, facts);
  // The newer upload has a message of its own; recording this one would only describe a version now gone.
  if (!original) {
    await countUnwritten(deps, job, { status: 'failed', renditions: 0, bytes: facts.bytes, durationMs: Math.round(performance.now() - started), error: 'superseded by a newer upload' });
    return { status: 'skipped', reason: 'superseded by a newer upload' };
  }
  // The object may have been replaced since the message was sent: what counts is the version read.
  if (!job.force && isDone(prior, facts.etag, job.settings)) return alreadyDone(deps, job, prior);
  if (prior?.etag === facts.etag) facts.attempts = Math.max(facts.attempts, prior.attempts + 1);

  const result = await transform(original, config);
  Object.assign(facts, { width: result.width, height: result.height, format: result.format });
  const renditions = await Promise.all(
    result.renditions.map((output, i) => upload(s3, config.thumbnailsBucket, job.key, output, config.renditions[i]!)),
  );
  const item = { ...buildItem(job, facts, renditions, started, config), ...(await placeholderOf(result.renditions)) };
  const written = await recordItem(deps, job, item, job.force);
  return written ? { status: 'done' } : { status: 'skipped', reason: 'a concurrent delivery recorded it first' };
}

/** Done already (an earlier run, or a duplicate delivery): counted toward this message's batch once. */
async function alreadyDone(deps: JobDeps, job: Job, prior: ImageItem | undefined): Promise<Omit<JobOutcome, 'ms'>> {
  // The original is not read for a done image, so its batch (an S3 notification's only pointer to one) is asked for alone.
  if (!job.run) batchFromMetadata(job, await headOriginal(deps.s3, job));
  await countUnwritten(deps, job, { status: 'done', renditions: prior?.renditions?.length ?? 0, bytes: prior?.bytes ?? 0, durationMs: 0 });
  return { status: 'skipped', reason: 'already done' };
}

/** The original's bytes, or undefined when it was replaced after the job's etag was taken. */
async function fetchOriginal(s3: S3Client, job: Job, maxBytes: number, facts: Facts): Promise<Buffer | undefined> {
  const res = await getOriginal(s3, job);
  if (!res) return undefined;
  batchFromMetadata(job, res);
  if (res.ETag) facts.etag = unquote(res.ETag);
  if (res.ContentType) facts.contentType = res.ContentType;
  if (res.ContentLength !== undefined) facts.bytes = res.ContentLength;
  if (!res.Body) throw new PermanentError('object has no body');
  if (res.ContentLength !== undefined && res.ContentLength > maxBytes) {
    // Checked before reading so an oversized object is never buffered.
    (res.Body as { destroy?: () => void }).destroy?.();
    throw overBytes(res.ContentLength, maxBytes);
  }
  const bytes = await res.Body.transformToByteArray();
  facts.bytes = bytes.length;
  if (bytes.length > maxBytes) throw overBytes(bytes.length, maxBytes);
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.length);
}

/** A job without a message's run (an S3 notification) counts toward the batch its object's metadata names. */
function batchFromMetadata(job: Job, object: { Metadata?: Record<string, string> } | undefined): void {
  const batch = object?.Metadata?.[BATCH_METADATA];
  if (!job.run && batch) job.run = batch;
}

/** The original's metadata, or undefined when it is gone (then there is nothing to count it by). */
async function headOriginal(s3: S3Client, job: Job) {
  try {
    return await s3.send(new HeadObjectCommand({ Bucket: job.bucket, Key: job.key }));
  } catch (err) {
    if (isMissingObject(err)) return undefined;
    throw err;
  }
}

/**
 * Only here is a missing object the input's fault (the original was deleted); the same 404 from
 * writing renditions means our own bucket is missing, which retrying (then the DLQ) must keep.
 */
async function getOriginal(s3: S3Client, job: Job) {
  // Quoted, as S3 compares it with the stored ETag; skip the condition when the job carries none.
  const ifMatch = job.etag ? { IfMatch: `"${job.etag}"` } : {};
  try {
    return await s3.send(new GetObjectCommand({ Bucket: job.bucket, Key: job.key, ...ifMatch }));
  } catch (err) {
    if (isMissingObject(err)) throw new PermanentError('original was deleted (NoSuchKey)', { cause: err });
    if (isPreconditionFailed(err)) return undefined;
    throw err;
  }
}

async function upload(
  s3: S3Client,
  bucket: string,
  originalKey: string,
  output: RenditionOutput,
  spec: ThumbsConfig['renditions'][number],
): Promise<RenditionRecord> {
  const key = renditionKey(originalKey, spec);
  await s3.send(
    new PutObjectCommand({
      Bucket: bucket,
      Key: key,
      Body: output.body,
      ContentType: output.contentType,
      CacheControl: THUMBNAIL_CACHE_CONTROL,
    }),
  );
  return { name: output.name, key, width: output.width, height: output.height, bytes: output.bytes, format: output.format };
}

function buildItem(job: Job, facts: Facts, renditions: RenditionRecord[], started: number, config: ThumbsConfig, error?: string): ImageItem {
  const item: ImageItem = {
    imageKey: job.key,
    sourceBucket: job.bucket,
    etag: facts.etag,
    bytes: facts.bytes,
    contentType: facts.contentType,
    renditions,
    status: error === undefined ? 'done' : 'failed',
    attempts: facts.attempts,
    processedAt: new Date().toISOString(),
    durationMs: Math.round(performance.now() - started),
    settings: settingsHash(config),
  };
  if (facts.width !== undefined) Object.assign(item, { width: facts.width, height: facts.height, format: facts.format });
  if (error !== undefined) item.error = error;
  return item;
}

function overBytes(size: number, max: number): PermanentError {
  return new PermanentError(`over byte limit (${size} > ${max} bytes)`);
}
