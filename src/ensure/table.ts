import {
  CreateTableCommand,
  DescribeTableCommand,
  ListTagsOfResourceCommand,
  waitUntilTableExists,
  type TableDescription,
} from '@aws-sdk/client-dynamodb';
import { isNotFound } from '../aws/aws-errors.js';
import type { Context } from '../context.js';
import { ThumbsError } from '../errors.js';
import { carriesStackTag, stackTagList, tagListToMap } from '../resources/tags.js';
import type { StateStore } from '../state/state-store.js';
import { TIME_INDEX_ATTRIBUTES, TIME_INDEX_DEFINITION } from '../resources/table-index.js';
import type { EnsureOptions, EnsureResult } from './types.js';

export const TABLE_KEY = 'imageKey';

export async function describeTable(ctx: Context, name: string): Promise<TableDescription | undefined> {
  try {
    return (await ctx.clients.dynamodb.send(new DescribeTableCommand({ TableName: name }))).Table;
  } catch (error) {
    if (isNotFound(error)) return undefined;
    throw error;
  }
}

export async function tableCarriesTag(ctx: Context, arn: string | undefined, stack: string): Promise<boolean> {
  if (!ctx.capabilities.readsResourceTags || !arn) return true;
  const { Tags } = await ctx.clients.dynamodb.send(new ListTagsOfResourceCommand({ ResourceArn: arn }));
  return carriesStackTag(tagListToMap(Tags), stack);
}

/** On-demand table keyed by imageKey (string); waits until it is ACTIVE so the function can write at once. */
export async function ensureTable(
  ctx: Context,
  spec: { name: string; stack: string },
  store: StateStore,
  options: EnsureOptions,
): Promise<EnsureResult> {
  const existing = await describeTable(ctx, spec.name);
  if (existing) {
    const key = existing.KeySchema?.find((k) => k.KeyType === 'HASH')?.AttributeName;
    if (key !== TABLE_KEY) {
      throw new ThumbsError('table-mismatch', `table "${spec.name}" exists with partition key "${key}", not "${TABLE_KEY}"`, {
        hint: 'It is not a thumbs table: choose another --stack, or delete that table yourself.',
      });
    }
    const base = { kind: 'table' as const, id: spec.name, arn: existing.TableArn ?? '' };
    if (store.get('table')?.id === spec.name) return { ...base, status: 'unchanged' };
    const origin = (await tableCarriesTag(ctx, existing.TableArn, spec.stack)) ? 'created' : 'adopted';
    if (!options.dryRun) await store.record('table', { ...base, origin });
    return { ...base, status: origin === 'created' ? 'unchanged' : 'adopted' };
  }
  if (options.dryRun) return { kind: 'table', id: spec.name, status: 'planned', note: `create on-demand table, key ${TABLE_KEY}` };
  const created = await ctx.clients.dynamodb.send(
    new CreateTableCommand({
      TableName: spec.name,
      BillingMode: 'PAY_PER_REQUEST',
      AttributeDefinitions: [{ AttributeName: TABLE_KEY, AttributeType: 'S' }, ...TIME_INDEX_ATTRIBUTES],
      KeySchema: [{ AttributeName: TABLE_KEY, KeyType: 'HASH' }],
      GlobalSecondaryIndexes: [TIME_INDEX_DEFINITION],
      Tags: stackTagList(spec.stack),
    }),
  );
  const arn = created.TableDescription?.TableArn ?? '';
  await store.record('table', { id: spec.name, arn, origin: 'created' });
  if (created.TableDescription?.TableStatus !== 'ACTIVE') {
    await waitUntilTableExists({ client: ctx.clients.dynamodb, maxWaitTime: 120, minDelay: 1, maxDelay: 5 }, { TableName: spec.name });
  }
  return { kind: 'table', id: spec.name, arn, status: 'created' };
}
