import { paginateScan } from '@aws-sdk/client-dynamodb';
import { NOT_RESERVED, RESERVED_KEY_PREFIX } from '../../lambda/contract.js';
import { paginateListObjectsV2 } from '@aws-sdk/client-s3';
import { GetQueueAttributesCommand } from '@aws-sdk/client-sqs';
import { errorName, isAccessDenied, isNotFound } from '../aws/aws-errors.js';
import type { Context } from '../context.js';
import { queueNameOf, queueUrl } from '../resources/queues.js';
import { RESOURCE_MODULES } from '../resources/registry.js';
import type { Difference, Ownership, ResourceModule } from '../resources/resource.js';
import { describeTable } from '../resources/table.js';
import { openStack, type OpenStack } from '../state/open-stack.js';
import { RESOURCE_KINDS, type ResourceKind, type ResourceRecord } from '../state/state-file.js';
import { OBJECT_COUNT_CAP } from '../config/defaults.js';

export interface BucketStats {
  objects: number;
  bytes: number;
  /** Counting stopped at OBJECT_COUNT_CAP: there are at least this many. */
  capped: boolean;
}

export interface QueueDepth {
  visible: number;
  inFlight: number;
  delayed: number;
}

export interface TableStats {
  items: number;
  /** scan: counted now with a COUNT scan; describe: DescribeTable's ItemCount, which AWS refreshes about every 6 hours. */
  source: 'scan' | 'describe';
  bytes?: number;
}

export interface ResourceStatus extends ResourceRecord {
  kind: ResourceKind;
  /** undefined: it could not be checked (error says why). */
  exists?: boolean;
  /** foreign: it exists but no longer carries the stack's tag. */
  ownership?: Ownership;
  /** Attributes thumbs set that differ now; for adopted resources reported only, never repaired. */
  drift?: Difference[];
  bucket?: BucketStats;
  queue?: QueueDepth;
  table?: TableStats;
  /** Why the contents could not be read, e.g. access denied on an adopted bucket. */
  error?: string;
}

export interface StatusResult {
  stack: string;
  backend: string;
  region: string;
  account?: string;
  provisioned: boolean;
  /** Everything recorded exists, is the stack's, and matches: `thumbs status` exits 0 only then. */
  healthy: boolean;
  resources: ResourceStatus[];
}

/** Up to this size a COUNT scan is cheap (about 1,300 read units at most) and exact. */
export const COUNT_SCAN_MAX_BYTES = 10 * 1024 * 1024;

const BUCKET_KINDS: readonly ResourceKind[] = ['originalsBucket', 'thumbnailsBucket', 'siteBucket'];
const QUEUE_KINDS: readonly ResourceKind[] = ['queue', 'deadLetterQueue'];

/**
 * NotFound becomes exists: false, and a denial (an adopted resource we may not list) a note on that
 * row rather than the end of the whole report; anything else, such as expired credentials, is thrown.
 */
async function probe<T>(work: () => Promise<T>): Promise<{ exists?: boolean; value?: T; error?: string }> {
  try {
    return { exists: true, value: await work() };
  } catch (error) {
    if (isNotFound(error)) return { exists: false };
    if (isAccessDenied(error)) return { error: `access denied (${errorName(error)})` };
    throw error;
  }
}

export async function bucketStats(ctx: Context, bucket: string, cap = OBJECT_COUNT_CAP): Promise<BucketStats> {
  const stats: BucketStats = { objects: 0, bytes: 0, capped: false };
  for await (const page of paginateListObjectsV2({ client: ctx.clients.s3, pageSize: 1000 }, { Bucket: bucket })) {
    for (const object of page.Contents ?? []) {
      stats.objects += 1;
      stats.bytes += object.Size ?? 0;
    }
    if (stats.objects >= cap && page.IsTruncated) return { ...stats, capped: true };
  }
  return stats;
}

export async function queueDepth(ctx: Context, url: string): Promise<QueueDepth> {
  const { Attributes = {} } = await ctx.clients.sqs.send(
    new GetQueueAttributesCommand({
      QueueUrl: url,
      AttributeNames: ['ApproximateNumberOfMessages', 'ApproximateNumberOfMessagesNotVisible', 'ApproximateNumberOfMessagesDelayed'],
    }),
  );
  return {
    visible: Number(Attributes.ApproximateNumberOfMessages ?? 0),
    inFlight: Number(Attributes.ApproximateNumberOfMessagesNotVisible ?? 0),
    delayed: Number(Attributes.ApproximateNumberOfMessagesDelayed ?? 0),
  };
}

/** DescribeTable answers at once but its ItemCount lags by hours; a small table is counted exactly instead. */
export async function tableStats(ctx: Context, table: string): Promise<TableStats | undefined> {
  const description = await describeTable(ctx, table);
  if (!description) return undefined;
  const bytes = description.TableSizeBytes ?? 0;
  if (bytes > COUNT_SCAN_MAX_BYTES) return { items: description.ItemCount ?? 0, source: 'describe', bytes };
  let items = 0;
  // The stack's reserved items (its record, its lease) are not images.
  const notReserved = { FilterExpression: NOT_RESERVED.expression, ExpressionAttributeNames: { ...NOT_RESERVED.names }, ExpressionAttributeValues: { ':reservedPrefix': { S: RESERVED_KEY_PREFIX } } };
  for await (const page of paginateScan({ client: ctx.clients.dynamodb }, { TableName: table, Select: 'COUNT', ...notReserved })) {
    items += page.Count ?? 0;
  }
  return { items, source: 'scan', bytes };
}

/** What a resource holds: objects, messages or items. */
async function contentsOf(ctx: Context, kind: ResourceKind, record: ResourceRecord): Promise<Partial<ResourceStatus>> {
  if (BUCKET_KINDS.includes(kind)) return { bucket: await bucketStats(ctx, record.id) };
  if (QUEUE_KINDS.includes(kind)) {
    const url = await queueUrl(ctx, queueNameOf(record));
    return url ? { queue: await queueDepth(ctx, url) } : {};
  }
  if (kind === 'table') {
    const table = await tableStats(ctx, record.id);
    return table ? { table } : {};
  }
  return {};
}

async function statusOf(ctx: Context, module: ResourceModule, record: ResourceRecord, stack: OpenStack): Promise<ResourceStatus> {
  const base: ResourceStatus = { kind: module.kind, ...record };
  const inspected = await probe(() => module.inspect(ctx, record, stack));
  if (!inspected.value) return { ...base, ...(inspected.error ? { error: inspected.error } : { exists: false }) };
  const { exists, ownership, drift } = inspected.value;
  if (!exists) return { ...base, exists: false };
  const contents = await probe(() => contentsOf(ctx, module.kind, record));
  return { ...base, exists, ownership, drift, ...(contents.value ?? {}), ...(contents.error ? { error: contents.error } : {}) };
}

export const isHealthy = (r: ResourceStatus) => r.exists === true && r.ownership !== 'foreign' && (r.drift ?? []).length === 0 && !r.error;

/** Every recorded resource, checked concurrently; without a state file, "nothing provisioned" (and no AWS call). */
export async function status(ctx: Context): Promise<StatusResult> {
  const base = { stack: ctx.settings.stack, backend: ctx.target.backend, region: ctx.clients.region };
  // openStack checks that the recorded stack lives on this backend and region.
  const stack = await openStack(ctx, { persist: false });
  if (Object.keys(stack.store.current.resources).length === 0) return { ...base, provisioned: false, healthy: false, resources: [] };
  const recorded = RESOURCE_KINDS.flatMap((kind) => {
    const record = stack.store.get(kind);
    const module = RESOURCE_MODULES.find((m) => m.kind === kind);
    return record && module ? [[module, record] as const] : [];
  });
  const resources = await ctx.reporter.step(`status of ${recorded.length} resources`, () =>
    Promise.all(recorded.map(([module, record]) => statusOf(ctx, module, record, stack))),
  );
  return { ...base, account: stack.account, provisioned: true, healthy: resources.every(isHealthy), resources };
}

export { OBJECT_COUNT_CAP } from '../config/defaults.js';
