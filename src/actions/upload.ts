import { randomUUID } from 'node:crypto';
import path from 'node:path';
import { isNotFound } from '../aws/aws-errors.js';
import type { Context } from '../context.js';
import { ExitCode, ThumbsError } from '../errors.js';
import { listExisting } from '../upload/list-existing.js';
import { normalizePrefix, objectKey, thumbnailNameClashes } from '../upload/object-key.js';
import { MessagePipeline, sendBatch, type PipelineResult, type SendOptions } from '../upload/send-messages.js';
import { SentJournal, type QueueIdentity } from '../upload/sent-journal.js';
import { assertTable, noFunctionToWaitFor, notProvisioned, queueIdentity, resolveTargets, type UploadTargets } from '../upload/stack-targets.js';
import { uploadFiles, type UploadRun, type UploadTally } from '../upload/upload-files.js';
import { readItems, type WaitResult } from '../upload/wait-for-items.js';
import { waitForBatch } from '../upload/wait-for-batch.js';
import type { WaitDiagnosis } from '../upload/wait-diagnosis.js';
import type { Skipped } from '../upload/walk-folder.js';
import { countFiles, walkFiles, walkFolder } from '../upload/walk-folder.js';
import { boundHeapGrowthAfter, graceAfter, LONG_RUN } from '../upload/run-limits.js';
import { DEFAULT_UPLOAD_CONCURRENCY, DEFAULT_WAIT_TIMEOUT_SECONDS } from '../config/defaults.js';
import { count } from '../output/plural.js';
import { sealBatch, startBatch, type BatchPlace } from '../batches/batch-record.js';

export interface UploadOptions {
  /** Prepended to every key, e.g. "2024/"; default none. */
  prefix?: string;
  /** Files uploaded at once, 1-64; default 16. */
  concurrency?: number;
  /** Report what would be uploaded and skipped; write nothing. Default false. */
  dryRun?: boolean;
  /** Then wait until every image has its metadata item; default false. */
  wait?: boolean;
  /** default 300 */
  waitTimeoutSeconds?: number;
  /** Polling interval for --wait; default 1000 ms. */
  pollMs?: number;
  /** Retry tuning for SendMessageBatch (tests inject a clock-free wait). */
  send?: SendOptions;
  /** Ctrl-C: start nothing new, let the uploads and batches in flight finish, journal them, return. */
  signal?: AbortSignal;
  /** How long in-flight requests may take after `signal`; then they are abandoned. Default 5,000 ms. */
  graceMs?: number;
}

export interface UploadResult {
  folder: string;
  stack: string;
  bucket: string;
  dryRun: boolean;
  /** queue: thumbs sends one message per image; s3-trigger: S3 notifies the function itself. */
  messages: 'queue' | 's3-trigger';
  uploaded: number;
  unchanged: number;
  skipped: Skipped[];
  failed: Array<{ path: string; error: string }>;
  /** Messages SQS accepted in this run, including those sent again for an interrupted earlier run. */
  messagesSent: number;
  /** Of those, accepted in a request the SDK had to repeat (lost answer, timeout): SQS may hold them twice. */
  messagesResent: number;
  bytes: number;
  seconds: number;
  /** Stopped by Ctrl-C: what was started is finished and journaled; a re-run does the rest. */
  interrupted?: boolean;
  /** Dry run only: what a real run would do with each image. */
  planned?: Array<{ path: string; key: string; action: 'upload' | 'message' | 'none' }>;
  wait?: WaitResult;
  /** The batch this run's messages belong to (its run id): `thumbs batches <id>`. Absent without a queue or on a dry run. */
  batch?: string;
}

/** After Ctrl-C the requests in flight get this long to finish and be journaled. */
export const DEFAULT_GRACE_MS = 5000;

function noImages(folder: string, skipped: Skipped[]): ThumbsError {
  const hint = skipped.length === 0
    ? 'The folder is empty. thumbs uploads JPEG, PNG, WebP, GIF, AVIF and TIFF files (found by content, in subfolders too).'
    : `All ${skipped.length} files were skipped (${skipped.slice(0, 3).map((s) => `${s.path}: ${s.reason}`).join('; ')}${skipped.length > 3 ? '; ...' : ''}). thumbs uploads JPEG, PNG, WebP, GIF, AVIF and TIFF.`;
  return new ThumbsError('no-images', `no images found in folder "${folder}"`, { hint });
}

async function listBucket(ctx: Context, targets: UploadTargets, prefix: string) {
  try {
    return await listExisting(ctx, targets.bucket, prefix);
  } catch (error) {
    if (isNotFound(error)) throw notProvisioned(ctx, `bucket ${targets.bucket} does not exist`);
    throw error;
  }
}

/**
 * The journal of this queue. Entries of batches an earlier run had in flight when it died are
 * looked up in the table: an item for that ETag means the message arrived; the others are sent
 * again (at most the batches that were in flight; the function skips an ETag already done).
 */
async function openJournal(ctx: Context, targets: UploadTargets, queue: QueueIdentity, dryRun: boolean): Promise<SentJournal> {
  const journal = await SentJournal.open(targets.stateDir, targets.stack, { queue, bucket: targets.bucket, persist: !dryRun });
  if (journal.discarded) ctx.reporter.warn(`upload journal discarded: ${journal.discarded}; every image in the folder is announced again`);
  if (journal.uncertain.size === 0 || !targets.table || dryRun) return journal;
  const items = await readItems(ctx, targets.table, [...journal.uncertain.keys()]);
  await journal.settle(items.filter((item) => item.etag !== undefined && journal.uncertain.get(item.imageKey) === item.etag).map((item) => [item.imageKey, item.etag ?? ''] as const));
  if (journal.uncertain.size > 0) {
    ctx.reporter.warn(`${journal.uncertain.size} messages of an earlier run were in flight when it stopped and may be in the queue already; they are sent again (the function processes an image once)`);
  }
  return journal;
}

/** Files sharing a stem in one folder would overwrite each other's thumbnails. */
function warnClashes(ctx: Context, prefix: string) {
  return (relativeDir: string, names: string[]) => {
    for (const clash of thumbnailNameClashes(names.map((name) => objectKey(path.join(relativeDir, name), prefix)))) {
      ctx.reporter.warn(`${clash.join(' and ')} will share thumbnail names; the one processed last wins. Rename one to keep both.`);
    }
  };
}

/**
 * `thumbs upload <folder>`: images to the originals bucket, one queue message each, resumable.
 * Walking, detection, comparison, uploads, journaling and messages run as one bounded pipeline,
 * so memory does not grow with the folder beyond a compact key -> ETag map of the bucket.
 */
export async function upload(ctx: Context, folder: string, options: UploadOptions = {}): Promise<UploadResult> {
  const started = performance.now();
  const dryRun = options.dryRun ?? false;
  const prefix = normalizePrefix(options.prefix ?? '');
  // Counting first also checks the folder before any AWS call; it holds no file names.
  const total = await countFiles(folder);
  if (total === 0) throw noImages(folder, (await walkFolder(folder)).skipped);
  const targets = await resolveTargets(ctx);
  if (options.wait && !dryRun && !targets.hasFunction) throw noFunctionToWaitFor(ctx, 'upload');
  const [existing, queue] = await Promise.all([
    listBucket(ctx, targets, prefix),
    targets.queueUrl ? queueIdentity(ctx, targets.queueUrl) : undefined,
    assertTable(ctx, targets.table, Boolean(options.wait) && !dryRun),
  ]);
  const journal = queue ? await openJournal(ctx, targets, queue, dryRun) : undefined;
  const runId = randomUUID();
  const place = batchPlaceOf(targets);
  // Before the first message, so every count finds its batch.
  if (place && queue && !dryRun) await startBatch(ctx, place, runId, 'upload');
  const grace = graceAfter(options.signal, options.graceMs ?? DEFAULT_GRACE_MS);
  const queueUrl = targets.queueUrl;
  const messages = queueUrl && journal && !dryRun
    ? new MessagePipeline((batch) => sendBatch(ctx.clients.sqs, queueUrl, batch, { send: ctx.clients.sendMessageBatch, ...options.send, runId, abortSignal: grace.abandon }), journal, runId)
    : undefined;
  const run: UploadRun = {
    bucket: targets.bucket, prefix, concurrency: options.concurrency ?? DEFAULT_UPLOAD_CONCURRENCY, dryRun, existing, journal,
    sendsMessages: queueUrl !== undefined, messages, keepExpected: Boolean(options.wait) && !dryRun, stop: options.signal, abandon: grace.abandon,
    maxBytes: targets.maxBytes,
  };
  const progress = ctx.reporter.progress(dryRun ? 'checking' : 'uploading', total);
  let tally: UploadTally;
  let sending: PipelineResult = { sent: 0, resent: 0, failed: [], unrecorded: [] };
  try {
    tally = await uploadFiles(ctx, run, boundHeapGrowthAfter(walkFiles(folder, warnClashes(ctx, prefix)), LONG_RUN), progress);
    if (messages) sending = await messages.close();
  } finally {
    progress.done();
    grace.dispose();
    await journal?.close();
  }
  // Every message this run had accepted, an interrupted run too: a re-run is a batch of its own.
  const batch = place && messages ? await sealBatch(ctx, place, runId, sending.sent) : undefined;
  for (const note of sending.unrecorded) ctx.reporter.warn(`sent but not recorded in the upload journal: ${note}; a re-run may send them again`);
  tally.skipped.sort((a, b) => a.path.localeCompare(b.path));
  const interrupted = tally.pipeline.stopped || Boolean(options.signal?.aborted);
  // Nothing was uploaded or sent when no file is an image, so failing only now loses nothing.
  if (tally.images === 0 && !interrupted) throw noImages(folder, tally.skipped);
  const result = summarize(folder, targets, dryRun, tally, sending);
  if (batch) result.batch = runId;
  if (interrupted) result.interrupted = true;
  else if (options.wait && !dryRun) result.wait = await waitFor(ctx, targets, tally.expected, options, result.batch);
  result.seconds = (performance.now() - started) / 1000;
  return result;
}

function summarize(folder: string, targets: UploadTargets, dryRun: boolean, tally: UploadTally, sending: PipelineResult): UploadResult {
  return {
    folder,
    stack: targets.stack,
    bucket: targets.bucket,
    dryRun,
    messages: targets.queueUrl ? 'queue' : 's3-trigger',
    uploaded: tally.uploaded,
    unchanged: tally.unchanged,
    skipped: tally.skipped,
    failed: [...tally.failed, ...sending.failed.map((f) => ({ path: f.path, error: `message not sent: ${f.error}` }))],
    messagesSent: sending.sent,
    messagesResent: sending.resent,
    bytes: tally.bytes,
    seconds: 0,
    ...(dryRun ? { planned: tally.planned.sort((a, b) => a.path.localeCompare(b.path)) } : {}),
  };
}

/** Follows the run's batch when it has one (README: batch receipts), else each image. */
async function waitFor(ctx: Context, targets: UploadTargets, expected: Map<string, string>, options: UploadOptions, batch: string | undefined): Promise<WaitResult> {
  if (!targets.table) throw notProvisioned(ctx, 'no metadata table recorded');
  return waitForBatch(ctx, batch, {
    table: targets.table,
    deadLetterUrl: targets.deadLetterUrl,
    expected,
    timeoutSeconds: options.waitTimeoutSeconds ?? DEFAULT_WAIT_TIMEOUT_SECONDS,
    pollMs: options.pollMs,
    queueUrl: targets.queueUrl,
    thumbnailsBucket: targets.thumbnailsBucket,
    signal: options.signal,
  });
}

/** Where the batch record goes; undefined when the stack records no table or thumbnails bucket. */
function batchPlaceOf(targets: UploadTargets): BatchPlace | undefined {
  return targets.table && targets.thumbnailsBucket ? { stack: targets.stack, table: targets.table, thumbnailsBucket: targets.thumbnailsBucket } : undefined;
}

/** The error to exit with once the result is shown: failed uploads first, then processing. */
export function uploadOutcomeError(result: UploadResult): ThumbsError | undefined {
  if (result.interrupted) {
    return new ThumbsError('interrupted', `upload of "${result.folder}" interrupted: ${result.uploaded} uploaded, ${count(result.messagesSent, 'message')} sent, all of them journaled`, {
      hint: 'Run the same command again: it uploads the rest and sends one message for each image that has none.',
      exitCode: ExitCode.interrupted,
      resultPrinted: true,
    });
  }
  if (result.failed.length > 0) {
    return new ThumbsError('upload-incomplete', `${result.failed.length} of the images in "${result.folder}" failed to upload or announce`, {
      hint: 'Everything else was uploaded. Run the same command again: it uploads and announces only what is missing.',
      resultPrinted: true,
    });
  }
  const wait = result.wait;
  if (wait?.interrupted) {
    return new ThumbsError('interrupted', `stopped waiting: ${wait.done.length} images done, ${wait.missing.length} not yet`, {
      hint: 'Everything was uploaded and announced; the images are processed whether or not you wait. Check with `thumbs status`.',
      exitCode: ExitCode.interrupted,
      resultPrinted: true,
    });
  }
  if (wait && wait.deadLettered.length > 0) {
    const cause = wait.diagnosis?.cause === 'thumbnails-bucket-missing'
      ? `The cause: ${wait.diagnosis.message}. Run \`thumbs provision\` to re-create it, then \`thumbs dlq --redrive\` to process them again.`
      : 'The function failed them on every delivery without recording a result (a transient error each time, e.g. a missing resource or permission): see `thumbs logs`, fix the cause, then `thumbs dlq --redrive`.';
    return new ThumbsError('dead-lettered', `${wait.deadLettered.length} images ended in the dead-letter queue`, { hint: cause, resultPrinted: true });
  }
  if (wait && wait.failed.length > 0) {
    return new ThumbsError('processing-failed', `${count(wait.failed.length, 'image')} failed processing`, {
      hint: 'The function recorded them failed with the reasons above and acknowledged their messages (they are not in the dead-letter queue). Fix or remove those files and upload again.',
      resultPrinted: true,
    });
  }
  if (wait && wait.missing.length > 0) {
    const diagnosis = wait.diagnosis;
    const hints: Record<WaitDiagnosis['cause'], string> = {
      'thumbnails-bucket-missing': `The cause: ${diagnosis?.message}. Run \`thumbs provision\` to re-create it; the messages then succeed on a later delivery, or \`thumbs dlq --redrive\` brings back those already dead-lettered.`,
      'no-consumer': `The cause: ${diagnosis?.message}. Is the function's event source mapping enabled (\`thumbs status\`), or, with --local, is \`thumbs dev\` running?`,
      slow: `${diagnosis?.message ?? 'Processing is slower than the wait'}: raise --wait-timeout for large uploads; the images are processed whether or not you wait.`,
    };
    return new ThumbsError('processing-timeout', `${wait.missing.length} images were not processed within the wait timeout`, {
      hint: hints[diagnosis?.cause ?? 'slow'],
      resultPrinted: true,
    });
  }
  return undefined;
}

export { DEFAULT_UPLOAD_CONCURRENCY, DEFAULT_WAIT_TIMEOUT_SECONDS } from '../config/defaults.js';
