import {
  CreateTableCommand,
  DeleteTableCommand,
  DescribeTableCommand,
  ListTagsOfResourceCommand,
  TagResourceCommand,
  UpdateTableCommand,
  waitUntilTableExists,
  waitUntilTableNotExists,
  type CreateTableCommandOutput,
  type TableDescription,
} from '@aws-sdk/client-dynamodb';
import { errorName, ignoreNotFound, unlessNotFound } from '../aws/aws-errors.js';
import type { Context } from '../context.js';
import { ThumbsError } from '../errors.js';
import { stackTagList, stackTagMap, tagListToMap } from './tags.js';
import type { StateStore } from '../state/state-store.js';
import { tableArnOf } from './arns.js';
import { differs, discovered, notOurs, resultOf, tagDrift, type Difference, type EnsureOptions, type EnsureResult, type Ownership, type ResourceModule } from './resource.js';
import { TIME_INDEX_ATTRIBUTES, TIME_INDEX_DEFINITION } from './table-index.js';

export const TABLE_KEY = 'imageKey';
const BILLING = 'PAY_PER_REQUEST';

export interface TableSpec {
  name: string;
  stack: string;
}

export interface TableLive {
  arn: string;
  /** HASH key as name:type, e.g. imageKey:S. */
  key: string;
  billing: string;
  status: string;
  /** undefined where the backend stores no tags. */
  tags?: Record<string, string>;
}

export async function describeTable(ctx: Context, name: string): Promise<TableDescription | undefined> {
  return (await unlessNotFound(ctx.clients.dynamodb.send(new DescribeTableCommand({ TableName: name }))))?.Table;
}

async function readTags(ctx: Context, arn: string): Promise<Record<string, string> | undefined> {
  if (!ctx.capabilities.readsResourceTags) return undefined;
  const { Tags } = await ctx.clients.dynamodb.send(new ListTagsOfResourceCommand({ ResourceArn: arn }));
  return tagListToMap(Tags);
}

export async function readTable(ctx: Context, name: string): Promise<TableLive | undefined> {
  const table = await describeTable(ctx, name);
  if (!table) return undefined;
  const hash = table.KeySchema?.find((k) => k.KeyType === 'HASH')?.AttributeName;
  const type = table.AttributeDefinitions?.find((a) => a.AttributeName === hash)?.AttributeType;
  // Tables created on demand report BillingModeSummary; an old provisioned one may not.
  const billing = table.BillingModeSummary?.BillingMode ?? ((table.ProvisionedThroughput?.ReadCapacityUnits ?? 0) > 0 ? 'PROVISIONED' : BILLING);
  const arn = table.TableArn ?? '';
  return { arn, key: `${hash}${type ? `:${type}` : ''}`, billing, status: table.TableStatus ?? '', tags: arn ? await readTags(ctx, arn) : undefined };
}

/** The key is compared but never repaired: converge names a mismatch as an error instead of recreating the table. */
export function diffTable(spec: TableSpec, live: TableLive): Difference[] {
  const key = live.key.includes(':') ? `${TABLE_KEY}:S` : TABLE_KEY;
  return [...differs('key', live.key, key), ...differs('billing', live.billing, BILLING), ...(live.tags ? tagDrift(live.tags, stackTagMap(spec.stack)) : [])];
}

/** The one ownership rule for tables: the tag (CreateTable sets it atomically), or existence alone where the backend stores none. */
export function ownsTable(live: TableLive | undefined, stack: string): Ownership {
  if (!live) return 'absent';
  return live.tags === undefined || live.tags['thumbs:stack'] === stack ? 'owned' : 'foreign';
}

export async function tableOwnership(ctx: Context, name: string, stack: string): Promise<Ownership> {
  return ownsTable(await readTable(ctx, name), stack);
}

function keyMismatch(spec: TableSpec, live: TableLive): ThumbsError {
  return new ThumbsError('table-key-mismatch', `table "${spec.name}" has partition key ${live.key}, not ${TABLE_KEY}:S`, {
    hint: 'thumbs never recreates a table that holds data: delete that table yourself, or choose another --stack.',
  });
}

/**
 * On-demand table keyed by imageKey (string); waits until it is ACTIVE so the function can write at
 * once. Billing mode and tags are repaired; a key mismatch is an error. (Secondary indexes are
 * converged separately, next to this, by whoever defines them.)
 */
export async function convergeTable(ctx: Context, spec: TableSpec, store: StateStore, options: EnsureOptions): Promise<EnsureResult> {
  const live = await readTable(ctx, spec.name);
  const recorded = store.get('table');
  if (!live) {
    if (options.dryRun) return { kind: 'table', id: spec.name, status: 'planned', note: `create on-demand table, key ${TABLE_KEY}` };
    const arn = tableArnOf(ctx.clients.region, store.current.account, spec.name);
    await store.record('table', { id: spec.name, arn, origin: 'created' });
    const created = await createOrJoin(ctx, spec, store,
      new CreateTableCommand({
        TableName: spec.name,
        BillingMode: BILLING,
        AttributeDefinitions: [{ AttributeName: TABLE_KEY, AttributeType: 'S' }, ...TIME_INDEX_ATTRIBUTES],
        KeySchema: [{ AttributeName: TABLE_KEY, KeyType: 'HASH' }],
        GlobalSecondaryIndexes: [TIME_INDEX_DEFINITION],
        Tags: stackTagList(spec.stack),
      }),
    );
    if (!created) return { kind: 'table', id: spec.name, arn, status: 'unchanged', note: 'created by another thumbs command at the same moment' };
    if (created.TableDescription?.TableStatus !== 'ACTIVE') {
      await waitUntilTableExists({ client: ctx.clients.dynamodb, maxWaitTime: 120, minDelay: 1, maxDelay: 5 }, { TableName: spec.name });
    }
    return { kind: 'table', id: spec.name, arn: created.TableDescription?.TableArn ?? arn, status: 'created' };
  }
  const base = { kind: 'table' as const, id: spec.name, arn: live.arn };
  const changes = diffTable(spec, live);
  if (changes.some((c) => c.attribute === 'key')) throw keyMismatch(spec, live);
  if (recorded?.origin === 'adopted' && recorded.id === spec.name) return { ...base, status: 'adopted', ...(changes.length ? { changes, note: 'adopted: drift reported, not repaired' } : {}) };
  if (ownsTable(live, spec.stack) === 'foreign') {
    throw notOurs('table', spec.name, spec.stack, 'Delete it if it is a leftover');
  }
  if (!options.dryRun) {
    if (recorded?.id !== spec.name) await store.record('table', { ...base, origin: 'created' });
    const changed = new Set(changes.map((c) => c.attribute));
    if (changed.has('billing')) await ctx.clients.dynamodb.send(new UpdateTableCommand({ TableName: spec.name, BillingMode: BILLING }));
    if (changed.has('tags')) await ctx.clients.dynamodb.send(new TagResourceCommand({ ResourceArn: live.arn, Tags: stackTagList(spec.stack) }));
  }
  return resultOf(base, changes, options.dryRun);
}

/**
 * Creating the table is what settles a first provision run from two folders at once: the second
 * CreateTable fails (ResourceInUseException). That command waits for the table, then writes its
 * records into the stack's record (kept beside the winner's) and takes the stack's lease, which
 * makes it wait for the winner or stop with exit 2 naming it. undefined: the other command created it.
 */
async function createOrJoin(ctx: Context, spec: TableSpec, store: StateStore, create: CreateTableCommand): Promise<CreateTableCommandOutput | undefined> {
  try {
    return await ctx.clients.dynamodb.send(create);
  } catch (error) {
    if (errorName(error) !== 'ResourceInUseException') throw error;
    ctx.reporter.info(`table ${spec.name} was created by another thumbs command a moment ago: waiting for it, then for that command`);
    await waitUntilTableExists({ client: ctx.clients.dynamodb, maxWaitTime: 120, minDelay: 1, maxDelay: 5 }, { TableName: spec.name });
    await store.sync();
    return undefined;
  }
}

export const tableModule: ResourceModule = {
  kind: 'table',
  wave: 3,
  ownership: (ctx, record, stack) => tableOwnership(ctx, record.id, stack.stack),
  async discover(ctx, stack) {
    const name = stack.names.table;
    return discovered(await tableOwnership(ctx, name, stack.stack), { id: name, arn: tableArnOf(stack.region, stack.account, name) });
  },
  async inspect(ctx, record, stack) {
    const live = await readTable(ctx, record.id);
    if (!live) return { exists: false, ownership: 'absent', drift: [] };
    const adopted = record.origin === 'adopted';
    return { exists: true, ownership: adopted ? 'owned' : ownsTable(live, stack.stack), drift: diffTable({ name: record.id, stack: stack.stack }, adopted ? { ...live, tags: undefined } : live) };
  },
  async remove(ctx, record) {
    await ignoreNotFound(async () => {
      await ctx.clients.dynamodb.send(new DeleteTableCommand({ TableName: record.id }));
      await waitUntilTableNotExists({ client: ctx.clients.dynamodb, maxWaitTime: 120, minDelay: 1, maxDelay: 5 }, { TableName: record.id });
    });
    return undefined;
  },
};
