import { paginateScan } from '@aws-sdk/client-dynamodb';
import { NOT_RESERVED, RESERVED_KEY_PREFIX } from '../../lambda/contract.js';
import { paginateListObjectsV2 } from '@aws-sdk/client-s3';
import { GetQueueAttributesCommand } from '@aws-sdk/client-sqs';
import { errorName, isAccessDenied, isNotFound } from '../aws/aws-errors.js';
import type { Context } from '../context.js';
import { queueNameOf, queueUrl } from '../resources/queues.js';
import { RESOURCE_MODULES } from '../resources/registry.js';
import { expectedId, expectedKinds } from '../resources/expected.js';
import { judged, type Difference, type Ownership, type ResourceModule } from '../resources/resource.js';
import { searchBeyond, type Known } from '../resources/stack-search.js';
import { describeTable } from '../resources/table.js';
import { COUNT_SCAN_MAX_BYTES, indexCoverage } from '../resources/index-coverage.js';
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
  /** Items in the time index, and those outside it (shown nowhere by the gallery or scan-db --limit; provision backfills them). Absent: no index yet. */
  indexed?: number;
  missingFromIndex?: number;
}

export interface ResourceStatus extends ResourceRecord {
  kind: ResourceKind;
  /** false: the stack should have it (its recorded choices say so) but the state file does not record it. */
  recorded: boolean;
  /** undefined: it could not be checked (error says why). */
  exists?: boolean;
  /** foreign: it exists but no longer carries the stack's tag. */
  ownership?: Ownership;
  /** Attributes thumbs set that differ now; for adopted resources reported only, never repaired. */
  drift?: Difference[];
  /** Attributes this endpoint leaves out of its answers (not AWS): neither drift nor repaired. */
  unreported?: Difference[];
  bucket?: BucketStats;
  queue?: QueueDepth;
  table?: TableStats;
  /** Why the contents could not be read, e.g. access denied on an adopted bucket. */
  error?: string;
}

/** A resource of the stack the state file does not account for, found by name, by tag or as a further trigger. */
export interface ExtraResource {
  /** undefined: a kind thumbs never makes, tagged with the stack's tag by hand. */
  kind?: ResourceKind;
  id: string;
  arn?: string;
  foundBy: 'name' | 'tag' | 'trigger';
  /** created: it carries thumbs' tags, so teardown deletes it; adopted: it has the stack's name or tag only. */
  origin: ResourceRecord['origin'];
}

export interface StatusResult {
  stack: string;
  backend: string;
  region: string;
  account?: string;
  /** A state file records resources of this stack here. */
  provisioned: boolean;
  /** Everything expected exists, is the stack's and matches, and nothing extra: `thumbs status` exits 0 only then. */
  healthy: boolean;
  resources: ResourceStatus[];
  /** What exists beyond the record (with no state file: everything found of the stack). Any makes the stack unhealthy. */
  extra: ExtraResource[];
  /** Searches that could not run, e.g. the tagging API denied. */
  notes: string[];
  /** The on-request renderer's base URL (the function URL), when it exists. */
  rendererUrl?: string;
}

export { COUNT_SCAN_MAX_BYTES } from '../resources/index-coverage.js';

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
  // With the time index: the table's and the index's counts, in the same one scan (or DescribeTable) as before.
  const coverage = await indexCoverage(ctx, description);
  if (coverage) return { items: coverage.items, source: coverage.source, bytes, indexed: coverage.indexed, missingFromIndex: coverage.missing };
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

async function statusOf(ctx: Context, module: ResourceModule, record: ResourceRecord, stack: OpenStack, recorded: boolean): Promise<ResourceStatus> {
  const base: ResourceStatus = { kind: module.kind, recorded, ...record };
  const inspected = await probe(() => module.inspect(ctx, record, stack));
  if (!inspected.value) return { ...base, ...(inspected.error ? { error: inspected.error } : { exists: false }) };
  const { exists, ownership } = inspected.value;
  if (!exists) return { ...base, exists: false };
  const { drift, unreported } = judged(ctx, inspected.value.drift);
  const contents = await probe(() => contentsOf(ctx, module.kind, record));
  return {
    ...base, exists, ownership, drift, ...(unreported.length ? { unreported } : {}),
    ...(contents.value ?? {}), ...(contents.error ? { error: contents.error } : {}),
  };
}

/** An expected resource the state file lacks: looked for by its name; found, it is checked like a recorded one. */
async function unrecordedStatus(ctx: Context, module: ResourceModule, stack: OpenStack): Promise<ResourceStatus> {
  const found = await probe(() => module.discover(ctx, stack));
  // Found by name without the stack's tag: not the stack's, and provision refuses to take it over.
  if (found.value?.origin === 'adopted') return { kind: module.kind, recorded: false, ...found.value, exists: true, ownership: 'foreign' };
  if (found.value) return statusOf(ctx, module, found.value, stack, false);
  const missing: ResourceStatus = { kind: module.kind, recorded: false, id: expectedId(module.kind, stack.names), origin: 'created' };
  return found.error ? { ...missing, error: found.error } : { ...missing, exists: false };
}

export const isHealthy = (r: ResourceStatus) =>
  r.recorded && r.exists === true && r.ownership !== 'foreign' && (r.drift ?? []).length === 0 && !r.error;

const moduleOf = (kind: ResourceKind) => RESOURCE_MODULES.find((m) => m.kind === kind);

/** Kinds outside `kinds` that exist by the stack's name and carry its tag (a function of a data-only stack). */
async function foundByName(ctx: Context, stack: OpenStack, kinds: readonly ResourceKind[], onlyOwned: boolean): Promise<Array<{ kind: ResourceKind; record: ResourceRecord }>> {
  const found = await Promise.all(
    RESOURCE_MODULES.filter((m) => !kinds.includes(m.kind)).map(async (module) => ({ kind: module.kind, record: (await probe(() => module.discover(ctx, stack))).value })),
  );
  return found.flatMap(({ kind, record }) => (record && (!onlyOwned || record.origin === 'created') ? [{ kind, record }] : []));
}

async function extraOf(ctx: Context, stack: OpenStack, known: Known[], byName: Array<{ kind: ResourceKind; record: ResourceRecord }>) {
  const search = await searchBeyond(ctx, stack, [...known, ...byName]);
  const extra: ExtraResource[] = [
    ...byName.map(({ kind, record }) => ({ kind, id: record.id, ...(record.arn ? { arn: record.arn } : {}), foundBy: kind === 'eventSourceMapping' ? ('trigger' as const) : ('name' as const), origin: record.origin })),
    ...search.found,
  ];
  return { extra, notes: search.notes };
}

/**
 * What should exist by the recorded choices (a function and its trigger unless data-only), each
 * checked concurrently, and what exists beyond: by the stack's names, its tag and its triggers.
 * Without a state file, what is found of the stack by name and tag.
 */
export async function status(ctx: Context): Promise<StatusResult> {
  const base = { stack: ctx.settings.stack, backend: ctx.target.backend, region: ctx.clients.region };
  // openStack checks that a recorded stack lives on this backend and region; its record is read from its table.
  const stack = await openStack(ctx, { persist: false });
  const state = stack.hadState ? stack.store.current : undefined;
  if (!state || Object.keys(state.resources).length === 0) {
    const byName = await ctx.reporter.step('look for the stack by name and tag', () => foundByName(ctx, stack, [], false));
    const { extra, notes } = await extraOf(ctx, stack, [], byName);
    return { ...base, account: stack.account, provisioned: false, healthy: false, resources: [], extra, notes };
  }
  const expected = expectedKinds(state, ctx.capabilities);
  const kinds = RESOURCE_KINDS.filter((kind) => stack.store.get(kind) || expected.includes(kind));
  const resources = await ctx.reporter.step(`status of ${kinds.length} resources`, () =>
    Promise.all(
      kinds.flatMap((kind) => {
        const module = moduleOf(kind);
        const record = stack.store.get(kind);
        if (!module) return [];
        return [record ? statusOf(ctx, module, record, stack, true) : unrecordedStatus(ctx, module, stack)];
      }),
    ),
  );
  const known = resources.filter((r) => r.exists !== false).map((r) => ({ kind: r.kind, record: r }));
  const { extra, notes } = await extraOf(ctx, stack, known, await foundByName(ctx, stack, kinds, true));
  const rendererUrl = resources.find((r) => r.kind === 'functionUrl' && r.exists)?.extra?.url;
  return { ...base, account: stack.account, provisioned: true, healthy: resources.every(isHealthy) && extra.length === 0, resources, extra, notes, ...(rendererUrl ? { rendererUrl } : {}) };
}

export { OBJECT_COUNT_CAP } from '../config/defaults.js';
