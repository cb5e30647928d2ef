import { paginateScan } from '@aws-sdk/client-dynamodb';
import { isReservedKey } from '../../lambda/contract.js';
import { setTimeout as sleep } from 'node:timers/promises';
import { queueDepth } from '../queues/queue-depth.js';
import type { Context } from '../context.js';
import { describeTable } from '../resources/table.js';
import { openStack } from '../state/open-stack.js';
import { notProvisioned } from '../upload/stack-targets.js';

export interface WatchTick {
  time: string;
  /** Messages waiting in the work queue, and received but not yet deleted (being processed). */
  waiting: number;
  inFlight: number;
  deadLetters: number;
  done: number;
  failed: number;
  /** scan: counted now; describe: DescribeTable's ItemCount for a large table (refreshed about every 6 hours, all items). */
  itemsFrom: 'scan' | 'describe';
  /** Items finished per second over the last WINDOW ticks; undefined on the first tick. */
  ratePerSecond?: number;
  /** (waiting + in flight) / rate; undefined while nothing is finishing. */
  etaSeconds?: number;
}

export interface WatchOptions {
  /** Default 2,000 ms. */
  intervalMs?: number;
  signal: AbortSignal;
  onTick: (tick: WatchTick) => void;
}

/** A table up to this size is counted each tick (as `thumbs status` does); a larger one is described. */
const COUNT_SCAN_MAX_BYTES = 10 * 1024 * 1024;
/** Ticks the rate is averaged over: long enough to smooth batches, short enough to follow a change. */
const WINDOW = 5;

async function itemCounts(ctx: Context, table: string): Promise<{ done: number; failed: number; itemsFrom: WatchTick['itemsFrom'] }> {
  const description = await describeTable(ctx, table);
  if ((description?.TableSizeBytes ?? 0) > COUNT_SCAN_MAX_BYTES) return { done: description?.ItemCount ?? 0, failed: 0, itemsFrom: 'describe' };
  const counts = { done: 0, failed: 0, itemsFrom: 'scan' as const };
  const pages = paginateScan({ client: ctx.clients.dynamodb }, { TableName: table, ProjectionExpression: 'imageKey, #s', ExpressionAttributeNames: { '#s': 'status' } });
  for await (const page of pages) {
    for (const item of page.Items ?? []) {
      // A batch's entries carry a status too; only images count.
      if (isReservedKey(item.imageKey?.S ?? '')) continue;
      if (item.status?.S === 'done') counts.done += 1;
      else if (item.status?.S === 'failed') counts.failed += 1;
    }
  }
  return counts;
}

/** Rate over the window and the time left at that rate. */
export function pace(history: Array<{ at: number; finished: number }>, outstanding: number): Pick<WatchTick, 'ratePerSecond' | 'etaSeconds'> {
  const first = history[0];
  const last = history[history.length - 1];
  if (!first || !last || last.at <= first.at) return {};
  const ratePerSecond = Math.max(0, (last.finished - first.finished) / ((last.at - first.at) / 1000));
  return { ratePerSecond, ...(ratePerSecond > 0 ? { etaSeconds: outstanding / ratePerSecond } : {}) };
}

/** `thumbs status --watch`: one tick every interval until the signal aborts. */
export async function watchStatus(ctx: Context, options: WatchOptions): Promise<void> {
  const stack = await openStack(ctx, { persist: false });
  const queue = stack.store.get('queue')?.id;
  const deadLetter = stack.store.get('deadLetterQueue')?.id;
  const table = stack.store.get('table')?.id;
  if (!queue || !deadLetter || !table) throw notProvisioned(ctx, 'no queue, dead-letter queue or table recorded');
  const history: Array<{ at: number; finished: number }> = [];
  while (!options.signal.aborted) {
    const started = Date.now();
    const [work, dead, items] = await Promise.all([queueDepth(ctx.clients.sqs, queue), queueDepth(ctx.clients.sqs, deadLetter), itemCounts(ctx, table)]);
    history.push({ at: started, finished: items.done + items.failed });
    if (history.length > WINDOW) history.shift();
    const outstanding = work.waiting + work.inFlight;
    options.onTick({
      time: new Date(started).toISOString(),
      waiting: work.waiting,
      inFlight: work.inFlight,
      deadLetters: dead.waiting + dead.inFlight,
      ...items,
      ...pace(history, outstanding),
    });
    const wait = Math.max(0, (options.intervalMs ?? 2_000) - (Date.now() - started));
    await sleep(wait, undefined, { signal: options.signal }).catch(() => undefined);
  }
}

export function formatEta(seconds: number | undefined): string {
  if (seconds === undefined) return '-';
  if (seconds < 90) return `${Math.ceil(seconds)}s`;
  if (seconds < 5400) return `${Math.round(seconds / 60)}m`;
  return `${(seconds / 3600).toFixed(1)}h`;
}

/** The block redrawn in place on a terminal. */
export function renderTick(stack: string, tick: WatchTick): string[] {
  const rate = tick.ratePerSecond === undefined ? '-' : `${tick.ratePerSecond.toFixed(1)}/s`;
  return [
    `stack ${stack} at ${tick.time.slice(11, 19)} (every 2 s; Ctrl-C to stop)`,
    `  queue        ${tick.waiting} waiting, ${tick.inFlight} in flight`,
    `  dead-letter  ${tick.deadLetters}`,
    `  items        ${tick.done} done, ${tick.failed} failed${tick.itemsFrom === 'describe' ? ' (DescribeTable: all items, refreshed ~6h)' : ''}`,
    `  rate         ${rate}, about ${formatEta(tick.etaSeconds)} left`,
  ];
}
