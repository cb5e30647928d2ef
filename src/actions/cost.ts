import { openItemStream, type StoredItem } from './scan-db.js';
import { errorName } from '../aws/aws-errors.js';
import { controlPlane } from '../aws/control-plane.js';
import type { Context } from '../context.js';
import { billedReports, type BilledReports } from '../cost/billed-reports.js';
import { dynamoItemBytes } from '../cost/item-size.js';
import { readLastEstimate } from '../cost/last-estimate.js';
import { BATCH_SIZE } from '../cost/lambda-model.js';
import { costPerImage, GB, READ_UNIT_BYTES, sqsRequestsPerImage, writeUnits, type CostParts } from '../cost/per-image.js';
import { pricesFor } from '../cost/prices.js';
import { openStack, stateDirFor } from '../state/open-stack.js';
import { defaultStackConfig, recordedConfig } from '../state/stack-config.js';

/** Where the function time came from. */
export type TimeSource = 'report-lines' | 'item-times' | 'worker-times';

export interface CostResult {
  stack: string;
  region: string;
  /** ISO time; absent: everything the table holds. */
  since?: string;
  images: number;
  failed: number;
  memoryMb: number;
  arch: string;
  timeSource: TimeSource;
  /** In words: how the function time was found, for the reader. */
  timeNote: string;
  invocations: number;
  /** Function milliseconds billed (or, from item times, that would be) per image. */
  msPerImage: number;
  perImage: CostParts;
  total: CostParts;
  storageGb: number;
  storagePerMonth: number;
  /** The last `thumbs estimate` of the stack, priced for the same images and memory. */
  estimate?: { at: string; folder: string; msPerImage: number; perImage: number; total: number };
}

/** What the SQS message costs in bytes is close to this for any key (lambda/contract.ts messageBody). */
const MESSAGE_BYTES = 300;
/** Per-image log bytes when no estimate measured them: one record line and a tenth of the start and report records. */
const LOG_BYTES = 560;

interface Tally {
  images: number;
  failed: number;
  durationMs: number;
  originalBytes: number;
  renditionBytes: number;
  renditions: number;
  writeUnits: number;
  readUnits: number;
}

async function tally(items: AsyncIterable<StoredItem>, since: string | undefined): Promise<Tally> {
  const t: Tally = { images: 0, failed: 0, durationMs: 0, originalBytes: 0, renditionBytes: 0, renditions: 0, writeUnits: 0, readUnits: 0 };
  for await (const item of items) {
    if (since !== undefined && (item.processedAt ?? '') < since) continue;
    const size = dynamoItemBytes(item);
    t.images += 1;
    if (item.status === 'failed') t.failed += 1;
    t.durationMs += item.durationMs ?? 0;
    t.originalBytes += item.bytes ?? 0;
    for (const rendition of item.renditions ?? []) {
      t.renditions += 1;
      t.renditionBytes += rendition.bytes ?? 0;
    }
    t.writeUnits += writeUnits(size);
    t.readUnits += Math.max(1, Math.ceil(size / READ_UNIT_BYTES));
  }
  return t;
}

/** REPORT lines on AWS; undefined where there are none to read (another endpoint, no log group, no permission). */
async function reports(ctx: Context, logGroup: string, since: number): Promise<BilledReports | undefined> {
  if (ctx.target.backend !== 'aws') return undefined;
  try {
    const found = await ctx.reporter.step(`read the function's REPORT lines in ${logGroup}`, () => billedReports(controlPlane(ctx).logs, logGroup, since));
    return found.invocations > 0 ? found : undefined;
  } catch (error) {
    ctx.reporter.warn(`could not read the function's REPORT lines (${errorName(error) ?? (error as Error).message}); using the items' recorded times`);
    return undefined;
  }
}

/** `thumbs cost`: what the stack's processing cost, from what it recorded, against its last estimate. */
export async function actualCost(ctx: Context, options: { since?: number } = {}): Promise<CostResult> {
  const stack = await openStack(ctx, { persist: false });
  const stateDir = stateDirFor(ctx);
  const config = recordedConfig(stack.store.current) ?? defaultStackConfig();
  const prices = pricesFor(stack.region, config.arch, `stack "${stack.stack}" region`);
  const since = options.since === undefined ? undefined : new Date(options.since).toISOString();
  const stream = await openItemStream(ctx, {});
  const t = await ctx.reporter.step(`read the items of ${stream.table}`, () => tally(stream.items, since));
  const logGroup = stack.store.get('logGroup')?.id ?? stack.names.logGroup;
  const billed = t.images > 0 ? await reports(ctx, logGroup, options.since ?? 0) : undefined;
  const last = await readLastEstimate(stateDir, stack.stack);
  const n = Math.max(t.images, 1);
  // Records of a batch run recordConcurrency at a time, so their times overlap by about that much.
  const overlap = Math.min(config.recordConcurrency, BATCH_SIZE);
  const invocations = billed?.invocations ?? Math.ceil(t.images / BATCH_SIZE);
  const gbSeconds = billed?.gbSeconds ?? (t.durationMs / overlap / 1000) * (config.memory / 1024);
  const lambda = gbSeconds * prices.lambdaGbSecond + invocations * prices.lambdaRequest;
  const s3 = (t.images + t.renditions) * prices.s3Put + t.images * prices.s3Get;
  const sqs = sqsRequestsPerImage(MESSAGE_BYTES) * t.images * prices.sqsRequest;
  const dynamodb = t.writeUnits * prices.dynamodbWrite + t.readUnits * prices.dynamodbRead;
  const logs = ((last?.profile.logBytes ?? LOG_BYTES) * t.images / GB) * prices.logsGb;
  const total: CostParts = { lambda, s3, sqs, dynamodb, logs, total: lambda + s3 + sqs + dynamodb + logs };
  const perImage = Object.fromEntries(Object.entries(total).map(([key, usd]) => [key, usd / n])) as unknown as CostParts;
  const timeSource: TimeSource = billed ? 'report-lines' : ctx.target.backend === 'embedded' ? 'worker-times' : 'item-times';
  const timeNote = billed
    ? `Lambda's billed duration from ${billed.invocations} REPORT lines`
    : `${ctx.target.backend === 'embedded' ? 'the local worker\'s record times, priced as Lambda would bill them' : 'the items\' recorded function times'} (records overlap ${overlap} at a time, ${config.memory} MB)`;
  const storageGb = (t.originalBytes + t.renditionBytes) / GB;
  const estimated = last ? costPerImage(last.profile, config.memory, last.parallelFraction, prices) : undefined;
  return {
    stack: stack.stack,
    region: stack.region,
    ...(since ? { since } : {}),
    images: t.images,
    failed: t.failed,
    memoryMb: config.memory,
    arch: config.arch,
    timeSource,
    timeNote,
    invocations,
    msPerImage: billed ? billed.billedMs / n : t.durationMs / overlap / n,
    perImage,
    total,
    storageGb,
    storagePerMonth: storageGb * prices.s3GbMonth,
    ...(last && estimated
      ? { estimate: { at: last.at, folder: last.folder, msPerImage: estimated.msPerImage, perImage: estimated.parts.total, total: estimated.parts.total * t.images } }
      : {}),
  };
}
