import { setTimeout as sleep } from 'node:timers/promises';
import { isFinished, readBatch } from '../../lambda/batch-complete.js';
import type { BatchRecord } from '../../lambda/contract.js';
import type { Context } from '../context.js';

export interface FollowOptions {
  table: string;
  batch: string;
  /** The images the run announced: the progress bar's total when the record has no `expected`. */
  expected: number;
  /** Epoch milliseconds after which the wait gives up. */
  deadline: number;
  /** Pause between reads; default 1000 ms. */
  pollMs?: number;
  signal?: AbortSignal;
  /**
   * Asked when the batch has not moved for STALL_POLLS reads: whether images of the run are
   * finished (or dead-lettered) although the batch did not count them (a function older than batch
   * counting, one that does not count, or one that dies before it can), given the batch as just read.
   */
  uncounted?: (record: BatchRecord) => Promise<boolean>;
}

export type FollowOutcome = 'complete' | 'timeout' | 'interrupted' | 'not-counting' | 'no-record';

export interface Followed {
  outcome: FollowOutcome;
  /** The batch as last read; absent when it was never found. */
  record?: BatchRecord;
  /** GetItem reads of the batch record. */
  reads: number;
}

/** Reads without a change in the counts after which `uncounted` is asked. */
export const STALL_POLLS = 10;
/** Reads after the last count while the function writes the report and sets completedAt. */
export const COMPLETION_POLLS = 3;

/**
 * Follows a batch by its record alone: one consistent GetItem per poll, however many images the
 * batch has, until every image is counted (and completedAt is set, or a few more reads passed),
 * the deadline passes, or the batch turns out not to be counted.
 */
export async function followBatch(ctx: Context, options: FollowOptions): Promise<Followed> {
  const read = () => readBatch({ ddb: ctx.clients.doc, config: { table: options.table } }, options.batch);
  let progress: ReturnType<Context['reporter']['progress']> | undefined;
  let shown = 0;
  let failures = 0;
  let still = 0;
  let sinceFinished = 0;
  let reads = 0;
  let record: BatchRecord | undefined;
  const end = (outcome: FollowOutcome): Followed => {
    progress?.done();
    return { outcome, ...(record ? { record } : {}), reads };
  };
  for (;;) {
    const previous: BatchRecord | undefined = record;
    record = await read();
    reads += 1;
    if (!record) return end('no-record');
    const finished = record.finished ?? 0;
    // The sealed count is the total: it includes messages resent for an earlier run.
    progress ??= ctx.reporter.progress(`processing batch ${options.batch.slice(0, 8)}`, record.expected ?? options.expected);
    if (finished > shown) progress.tick(finished - shown);
    shown = Math.max(shown, finished);
    const failed = (record.failed ?? 0) + (record.deadLettered ?? 0);
    if (failed > failures) {
      failures = failed;
      ctx.reporter.warn(`batch ${options.batch}: ${record.done ?? 0} done, ${record.failed ?? 0} failed, ${record.deadLettered ?? 0} dead-lettered of ${record.expected ?? options.expected} so far`);
    }
    if (record.completedAt) return end('complete');
    if (isFinished(record) && (sinceFinished += 1) > COMPLETION_POLLS) return end('complete');
    still = previous && (previous.finished ?? 0) === finished ? still + 1 : 0;
    if (still >= STALL_POLLS && options.uncounted) {
      still = 0;
      if (await options.uncounted(record)) return end('not-counting');
    }
    if (options.signal?.aborted) return end('interrupted');
    if (Date.now() >= options.deadline) return end('timeout');
    await sleep(Math.min(options.pollMs ?? 1000, Math.max(0, options.deadline - Date.now())), undefined, { signal: options.signal }).catch(() => undefined);
    if (options.signal?.aborted) return end('interrupted');
  }
}

/** Why a wait left the batch record for per-key reads, in one sentence for the output. */
export function fallbackReason(outcome: Exclude<FollowOutcome, 'complete'>, batch: string | undefined): string {
  switch (outcome) {
    case 'timeout': return `the batch ${batch} was not complete within the wait timeout, so each image was read to tell what is missing and why`;
    case 'interrupted': return 'the wait was interrupted, so each image was read once to tell what is known';
    case 'not-counting': return `images were finished or dead-lettered that the batch ${batch} did not count (a function older than batch counting, or one that died before counting?), so each image was read per poll instead`;
    case 'no-record': return batch ? `the batch record ${batch} was not found, so each image was read per poll instead` : 'this run has no batch record, so each image was read per poll';
  }
}
