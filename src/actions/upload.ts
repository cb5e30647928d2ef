import { isNotFound } from '../aws/aws-errors.js';
import type { Context } from '../context.js';
import { ThumbsError } from '../errors.js';
import { listExisting } from '../upload/list-existing.js';
import { normalizePrefix, objectKey, thumbnailNameClashes } from '../upload/object-key.js';
import { MessagePipeline, sendBatch, type SendFailure, type SendOptions } from '../upload/send-messages.js';
import { SentJournal } from '../upload/sent-journal.js';
import { assertQueueExists, notProvisioned, resolveTargets, type UploadTargets } from '../upload/stack-targets.js';
import { uploadFiles, type FileRecord, type UploadRun } from '../upload/upload-files.js';
import { waitForItems, type WaitResult } from '../upload/wait-for-items.js';
import type { Skipped } from '../upload/walk-folder.js';
import { walkFolder } from '../upload/walk-folder.js';
import { DEFAULT_UPLOAD_CONCURRENCY, DEFAULT_WAIT_TIMEOUT_SECONDS } from '../config/defaults.js';

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
  messagesSent: number;
  bytes: number;
  seconds: number;
  /** Dry run only: what a real run would do with each image. */
  planned?: Array<{ path: string; key: string; action: 'upload' | 'message' | 'none' }>;
  wait?: WaitResult;
}


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

/** `thumbs upload <folder>`: images to the originals bucket, one queue message each, resumable. */
export async function upload(ctx: Context, folder: string, options: UploadOptions = {}): Promise<UploadResult> {
  const started = performance.now();
  const dryRun = options.dryRun ?? false;
  const concurrency = options.concurrency ?? DEFAULT_UPLOAD_CONCURRENCY;
  const prefix = normalizePrefix(options.prefix ?? '');
  const listing = await walkFolder(folder);
  if (listing.files.length === 0) throw noImages(folder, listing.skipped);
  for (const clash of thumbnailNameClashes(listing.files.map((file) => objectKey(file.relative, prefix)))) {
    ctx.reporter.warn(`${clash.join(' and ')} will share thumbnail names; the one processed last wins. Rename one to keep both.`);
  }
  const targets = await resolveTargets(ctx);
  const [existing] = await Promise.all([listBucket(ctx, targets, prefix), assertQueueExists(ctx, targets.queueUrl)]);
  const journal = await SentJournal.open(targets.stateDir, targets.stack, { persist: !dryRun });
  const queueUrl = targets.queueUrl;
  const messages = queueUrl && !dryRun
    ? new MessagePipeline((batch) => sendBatch(ctx.clients.sqs, queueUrl, batch, options.send), (sent) => journal.append(sent))
    : undefined;
  const run: UploadRun = { bucket: targets.bucket, prefix, concurrency, dryRun, existing, journal, sendsMessages: queueUrl !== undefined, messages };
  const records = await uploadFiles(ctx, run, listing.files);
  const sending = messages ? await messages.close() : { sent: 0, failed: [], unrecorded: [] };
  for (const note of sending.unrecorded) ctx.reporter.warn(`sent but not recorded in the upload journal: ${note}; a re-run may send them again`);
  const skipped = [...listing.skipped, ...records.filter((r) => r.status === 'skipped').map((r) => ({ path: r.path, reason: r.error ?? '' }))];
  skipped.sort((a, b) => a.path.localeCompare(b.path));
  // Nothing was uploaded or sent when no file is an image, so failing only now loses nothing.
  if (records.every((r) => r.status === 'skipped')) throw noImages(folder, skipped);
  const result = summarize(folder, targets, dryRun, records.filter((r) => r.status !== 'skipped'), skipped, sending);
  if (options.wait && !dryRun) result.wait = await waitFor(ctx, targets, records, options);
  result.seconds = (performance.now() - started) / 1000;
  return result;
}

function summarize(
  folder: string,
  targets: UploadTargets,
  dryRun: boolean,
  records: FileRecord[],
  skipped: Skipped[],
  sending: { sent: number; failed: SendFailure[] },
): UploadResult {
  const pathOf = new Map(records.map((r) => [r.key, r.path]));
  return {
    folder,
    stack: targets.stack,
    bucket: targets.bucket,
    dryRun,
    messages: targets.queueUrl ? 'queue' : 's3-trigger',
    uploaded: records.filter((r) => r.status === 'uploaded').length,
    unchanged: records.filter((r) => r.status === 'unchanged').length,
    skipped,
    failed: [
      ...records.filter((r) => r.status === 'failed').map((r) => ({ path: r.path, error: r.error ?? 'unknown error' })),
      ...sending.failed.map((f) => ({ path: pathOf.get(f.key) ?? f.key, error: `message not sent: ${f.error}` })),
    ],
    messagesSent: sending.sent,
    bytes: records.filter((r) => r.status === 'uploaded').reduce((sum, r) => sum + r.size, 0),
    seconds: 0,
    ...(dryRun ? { planned: records.map(({ path, key, action }) => ({ path, key, action: action === 'skip' ? 'none' : action })) } : {}),
  };
}

async function waitFor(ctx: Context, targets: UploadTargets, records: FileRecord[], options: UploadOptions): Promise<WaitResult> {
  if (!targets.table) throw notProvisioned(ctx, 'no metadata table recorded');
  const expected = new Map(records.filter((r) => r.etag && r.status !== 'failed').map((r) => [r.key, r.etag ?? '']));
  return waitForItems(ctx, {
    table: targets.table,
    deadLetterUrl: targets.deadLetterUrl,
    expected,
    timeoutSeconds: options.waitTimeoutSeconds ?? DEFAULT_WAIT_TIMEOUT_SECONDS,
    pollMs: options.pollMs,
  });
}

/** The error to exit with once the result is shown: failed uploads first, then processing. */
export function uploadOutcomeError(result: UploadResult): ThumbsError | undefined {
  if (result.failed.length > 0) {
    return new ThumbsError('upload-incomplete', `${result.failed.length} of the images in "${result.folder}" failed to upload or announce`, {
      hint: 'Everything else was uploaded. Run the same command again: it uploads and announces only what is missing.',
      resultPrinted: true,
    });
  }
  const wait = result.wait;
  if (wait && wait.failed.length > 0) {
    return new ThumbsError('processing-failed', `${wait.failed.length} images failed processing`, {
      hint: 'See the reasons above; fix or remove those files and upload again. Failed messages end in the dead-letter queue.',
      resultPrinted: true,
    });
  }
  if (wait && wait.missing.length > 0) {
    return new ThumbsError('processing-timeout', `${wait.missing.length} images were not processed within the wait timeout`, {
      hint: 'Is the function (or `thumbs dev` worker) running? Raise --wait-timeout for large uploads.',
      resultPrinted: true,
    });
  }
  return undefined;
}

export { DEFAULT_UPLOAD_CONCURRENCY, DEFAULT_WAIT_TIMEOUT_SECONDS } from '../config/defaults.js';
