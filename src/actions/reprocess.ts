import type { Context } from '../context.js';
import { ThumbsError } from '../errors.js';
import type { ImageMessage } from '../../lambda/contract.js';
import { isReservedKey, MESSAGE_VERSION } from '../../lambda/contract.js';
import { randomUUID } from 'node:crypto';
import { sealBatch, startBatch } from '../batches/batch-record.js';
import { DEFAULT_WAIT_TIMEOUT_SECONDS } from '../config/defaults.js';
import { currentRenderSettings, type CurrentSettings } from '../reprocess/current-settings.js';
import { reconcile, type Reason } from '../reprocess/reconcile.js';
import { type Expected, type ReprocessWait } from '../reprocess/wait-for-reprocess.js';
import { followReprocess } from '../reprocess/follow-reprocess.js';
import { openStack } from '../state/open-stack.js';
import { normalizePrefix } from '../upload/object-key.js';
import pLimit from 'p-limit';
import { BATCH_SIZE, sendBatch, type SendFailure } from '../upload/send-messages.js';
import { hasFunction, noFunctionToWaitFor, notProvisioned } from '../upload/stack-targets.js';
import { count } from '../output/plural.js';

export type Selectable = Exclude<Reason, 'current'>;

export interface ReprocessOptions {
  /** Which reasons to announce; default failed, stale and missing. */
  reasons?: Selectable[];
  /** Every original, current ones included, rendered again even when done with these settings. */
  all?: boolean;
  prefix?: string;
  dryRun?: boolean;
  wait?: boolean;
  waitTimeoutSeconds?: number;
  pollMs?: number;
}

export interface ReprocessResult {
  /** The batch of this run's messages (`thumbs batches <id>`); absent on a dry run or when nothing was sent. */
  batch?: string;
  stack: string;
  bucket: string;
  /** The folder listed (`photos` means `photos/`); empty for the whole bucket. */
  prefix: string;
  dryRun: boolean;
  settings: Omit<CurrentSettings, 'renditions'> & { renditions: string };
  /** Originals seen, per reason (current: nothing to do). */
  counts: Record<Reason, number>;
  /** What was (or, with --dry-run, would be) announced. */
  selected: number;
  messagesSent: number;
  failed: SendFailure[];
  /** Up to EXAMPLES keys per reason, to see what a run would do. */
  examples: Partial<Record<Reason, string[]>>;
  wait?: ReprocessWait;
  seconds: number;
}

const EXAMPLES = 10;
export const DEFAULT_REASONS: Selectable[] = ['failed', 'stale', 'missing'];

/** ListObjectsV2 gives no content type; the function reads the real one from the object. */
function contentTypeOf(key: string): string {
  const ext = key.slice(key.lastIndexOf('.') + 1).toLowerCase();
  const types: Record<string, string> = { jpg: 'image/jpeg', jpeg: 'image/jpeg', png: 'image/png', webp: 'image/webp', gif: 'image/gif', avif: 'image/avif', tif: 'image/tiff', tiff: 'image/tiff' };
  return types[ext] ?? 'application/octet-stream';
}

/** SendMessageBatch calls in flight at once. */
const SEND_CONCURRENCY = 8;

async function sendPage(ctx: Context, queueUrl: string, messages: ImageMessage[], runId: string): Promise<{ sent: number; failed: SendFailure[] }> {
  const limit = pLimit(SEND_CONCURRENCY);
  const batches = [];
  for (let start = 0; start < messages.length; start += BATCH_SIZE) {
    const batch = messages.slice(start, start + BATCH_SIZE);
    batches.push(limit(() => sendBatch(ctx.clients.sqs, queueUrl, batch, { runId })));
  }
  const outcomes = await Promise.all(batches);
  return { sent: outcomes.reduce((sum, o) => sum + o.sent.length, 0), failed: outcomes.flatMap((o) => o.failed) };
}

/**
 * `thumbs reprocess`: compares the originals bucket, the table and the function's current settings,
 * and sends one message per original that needs work, as the listing streams by.
 */
export async function reprocess(ctx: Context, options: ReprocessOptions = {}): Promise<ReprocessResult> {
  const started = performance.now();
  const stack = await openStack(ctx, { persist: false });
  const bucket = stack.store.get('originalsBucket')?.id;
  const table = stack.store.get('table')?.id;
  const queueUrl = stack.store.get('queue')?.id;
  if (!bucket || !table) throw notProvisioned(ctx, 'no originals bucket or table recorded');
  if (!queueUrl) throw notProvisioned(ctx, 'no queue recorded');
  if (options.wait && !options.dryRun && !hasFunction(ctx, stack.store.current)) throw noFunctionToWaitFor(ctx, 'reprocess');
  const settings = currentRenderSettings(stack);
  const wanted = new Set<Reason>(options.all ? ['failed', 'stale', 'missing', 'current'] : (options.reasons?.length ? options.reasons : DEFAULT_REASONS));
  const dryRun = options.dryRun ?? false;
  const counts: Record<Reason, number> = { failed: 0, stale: 0, missing: 0, current: 0 };
  const examples: ReprocessResult['examples'] = {};
  const expected = new Map<string, Expected>();
  const sending = { sent: 0, failed: [] as SendFailure[] };
  let selected = 0;

  const prefix = normalizePrefix(options.prefix ?? '');
  // One batch for the run, recorded before its first message (batch-record.ts).
  const runId = randomUUID();
  const thumbnailsBucket = stack.store.get('thumbnailsBucket')?.id;
  const place = thumbnailsBucket && !dryRun ? { stack: stack.stack, table, thumbnailsBucket } : undefined;
  if (place) await startBatch(ctx, place, runId, 'reprocess');
  const walk = reconcile(ctx, { bucket, table, prefix, settings });
  for await (const page of walk) {
    const messages: ImageMessage[] = [];
    for (const original of page) {
      // The function ignores an object under a reserved key; announcing it would keep its batch open.
      if (isReservedKey(original.key)) continue;
      counts[original.reason] += 1;
      if (!wanted.has(original.reason)) continue;
      selected += 1;
      const list = (examples[original.reason] ??= []);
      if (list.length < EXAMPLES) list.push(original.key);
      if (dryRun) continue;
      messages.push({
        v: MESSAGE_VERSION, bucket, key: original.key, etag: original.etag, size: original.size, contentType: contentTypeOf(original.key),
        settings: settings.hash, ...(options.all ? { force: true } : {}),
      });
      if (options.wait) expected.set(original.key, { etag: original.etag, ...(original.previous ? { previous: original.previous } : {}) });
    }
    // Each page is sent before the next is listed: memory holds one page, however large the bucket.
    const outcome = await sendPage(ctx, queueUrl, messages, runId);
    sending.sent += outcome.sent;
    sending.failed.push(...outcome.failed);
  }
  const batch = place ? await sealBatch(ctx, place, runId, sending.sent) : undefined;
  const result: ReprocessResult = {
    ...(batch ? { batch: runId } : {}),
    stack: stack.stack,
    bucket,
    prefix,
    dryRun,
    settings: { hash: settings.hash, quality: settings.quality, source: settings.source, renditions: settings.renditions.map((r) => `${r.format}:${r.size}`).join(',') },
    counts,
    selected,
    messagesSent: sending.sent,
    failed: sending.failed,
    examples,
    seconds: 0,
  };
  if (options.wait && !dryRun && expected.size > 0) {
    // The counts first, so the user knows what the wait is for.
    ctx.reporter.info(countsLine(result));
    for (const failure of sending.failed) expected.delete(failure.key);
    result.wait = await followReprocess(ctx, result.batch, {
      table,
      deadLetterUrl: stack.store.get('deadLetterQueue')?.id,
      expected,
      settings: settings.hash,
      timeoutSeconds: options.waitTimeoutSeconds ?? DEFAULT_WAIT_TIMEOUT_SECONDS,
      pollMs: options.pollMs,
    });
  }
  result.seconds = (performance.now() - started) / 1000;
  return result;
}

export function countsLine(result: Pick<ReprocessResult, 'counts' | 'selected' | 'dryRun' | 'prefix'>): string {
  const { failed, stale, missing, current } = result.counts;
  return `originals${result.prefix ? ` under ${result.prefix}` : ''}: ${failed} failed, ${stale} stale, ${missing} missing, ${current} current; ${result.selected} ${result.dryRun ? 'would be announced' : 'announced'}`;
}

/** The error to exit with once the result is shown. */
export function reprocessOutcomeError(result: ReprocessResult): ThumbsError | undefined {
  if (result.failed.length > 0) {
    return new ThumbsError('reprocess-incomplete', `${count(result.failed.length, 'message')} could not be sent`, {
      hint: 'Run the same command again: it announces only what still needs work.',
      resultPrinted: true,
    });
  }
  const wait = result.wait;
  if (wait?.deadLettered?.length) {
    return new ThumbsError('dead-lettered', `${count(wait.deadLettered.length, 'image')} ended in the dead-letter queue`, {
      hint: 'The function failed them on every delivery (see `thumbs batches <id>` or `thumbs logs --key <key>`); fix the cause, then `thumbs dlq --redrive`.',
      resultPrinted: true,
    });
  }
  if (wait && wait.failed.length > 0) {
    return new ThumbsError('processing-failed', `${count(wait.failed.length, 'image')} failed processing`, {
      hint: 'See the reasons above (or `thumbs logs --key <key>`); fix or remove those originals, then `thumbs reprocess --failed`.',
      resultPrinted: true,
    });
  }
  if (wait && wait.missing.length > 0) {
    return new ThumbsError('processing-timeout', `${wait.missing.length} images were not processed within the wait timeout`, {
      hint: 'Is the function (or `thumbs dev` worker) running? `thumbs dlq` shows messages that gave up; raise --wait-timeout for large runs.',
      resultPrinted: true,
    });
  }
  return undefined;
}
