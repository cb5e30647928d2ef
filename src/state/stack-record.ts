import { GetItemCommand, UpdateItemCommand } from '@aws-sdk/client-dynamodb';
import { secretAttribute, STACK_RECORD_KEY } from '../../lambda/contract.js';
import { errorName } from '../aws/aws-errors.js';
import type { Context } from '../context.js';
import { ThumbsError } from '../errors.js';
import { STATE_VERSION, type StackState } from './state-file.js';

/**
 * The stack's record: one reserved item of the stack's own table (the one resource thumbs always
 * creates; buckets and role may be adopted). Attributes: `state` (choices, resource records,
 * upgrade progress, as JSON: the shape of the cache file, readable by any release), `recordVersion` (bumped by every write, the condition of the next one), and,
 * beside them, `secret_<name>` attributes that the record's writes never touch and the local cache
 * never holds.
 */
export const RECORD_KEY = STACK_RECORD_KEY;
const RECORD_ITEM = { imageKey: { S: RECORD_KEY } };
/** Writes that lost to another writer are re-read and re-applied this many times before giving up. */
const MAX_ATTEMPTS = 5;

export interface RecordSnapshot {
  state: StackState;
  /** 0: no record yet. */
  version: number;
}

export type StateChange = (state: StackState) => StackState;

const NO_TABLE = new Set(['ResourceNotFoundException']);
/** The table is not there (not created yet, being created, or deleted by teardown). */
export const isNoTable = (error: unknown) => NO_TABLE.has(errorName(error));
const isConflict = (error: unknown) => errorName(error) === 'ConditionalCheckFailedException';

/** The record, or undefined when the table has none; 'no-table' when the table does not exist. */
export async function readRecord(ctx: Context, table: string): Promise<RecordSnapshot | undefined | 'no-table'> {
  try {
    const answer = await ctx.clients.dynamodb.send(new GetItemCommand({ TableName: table, Key: RECORD_ITEM, ConsistentRead: true }));
    const text = answer?.Item?.state?.S;
    if (!text) return undefined;
    return { state: { ...(JSON.parse(text) as StackState), version: STATE_VERSION }, version: Number(answer.Item?.recordVersion?.N ?? 0) };
  } catch (error) {
    if (isNoTable(error)) return 'no-table';
    throw error;
  }
}

/** One conditional write: the record is replaced only if it is still at `expected` (0: absent). */
async function putRecord(ctx: Context, table: string, state: StackState, expected: number): Promise<void> {
  await ctx.clients.dynamodb.send(new UpdateItemCommand({
    TableName: table,
    Key: RECORD_ITEM,
    UpdateExpression: 'SET #state = :state, recordVersion = :next',
    // recordVersion, not the item: a secret may have been stored before the first record.
    ConditionExpression: expected === 0 ? 'attribute_not_exists(recordVersion)' : 'recordVersion = :expected',
    ExpressionAttributeNames: { '#state': 'state' },
    ExpressionAttributeValues: {
      ':state': { S: JSON.stringify({ ...state, version: STATE_VERSION }) },
      ':next': { N: String(expected + 1) },
      ...(expected === 0 ? {} : { ':expected': { N: String(expected) } }),
    },
  }));
}

/**
 * Applies `changes` to the record. When another writer got there first, the record is read again
 * and the changes applied to what it holds now, so neither writer's changes are lost. `base` is
 * what a record that does not exist yet starts from (the stack as this command knows it).
 */
export async function updateRecord(
  ctx: Context,
  table: string,
  known: RecordSnapshot,
  changes: readonly StateChange[],
): Promise<RecordSnapshot | 'no-table'> {
  let current = known;
  for (let attempt = 1; ; attempt += 1) {
    const next = changes.reduce((state, change) => change(state), current.state);
    try {
      await putRecord(ctx, table, next, current.version);
      return { state: next, version: current.version + 1 };
    } catch (error) {
      if (isNoTable(error)) return 'no-table';
      if (!isConflict(error)) throw error;
      if (attempt >= MAX_ATTEMPTS) {
        throw new ThumbsError('record-conflict', `the record of stack "${current.state.stack}" in table ${table} kept changing under this command (${attempt} attempts)`, {
          hint: 'Another thumbs command is writing it at the same time: let it finish, then run this again. Nothing was lost.',
        });
      }
      const fresh = await readRecord(ctx, table);
      if (fresh === 'no-table') return 'no-table';
      // Deleted meanwhile (teardown): start again from this command's own view.
      current = fresh ?? { state: known.state, version: 0 };
    }
  }
}

/**
 * A secret kept with the stack (a webhook's HMAC key, a URL signing key): created once, by whichever
 * command asks first (if_not_exists makes two first askers get the same value), and never written
 * to the local cache. undefined when the table does not exist yet.
 */
export async function ensureSecret(ctx: Context, table: string, name: string, generate: () => string): Promise<string | undefined> {
  const attribute = secretAttribute(name);
  try {
    const answer = await ctx.clients.dynamodb.send(new UpdateItemCommand({
      TableName: table,
      Key: RECORD_ITEM,
      UpdateExpression: 'SET #secret = if_not_exists(#secret, :value)',
      ExpressionAttributeNames: { '#secret': attribute },
      ExpressionAttributeValues: { ':value': { S: generate() } },
      ReturnValues: 'UPDATED_NEW',
    }));
    return answer?.Attributes?.[attribute]?.S;
  } catch (error) {
    if (isNoTable(error)) return undefined;
    throw error;
  }
}

/** A secret kept with the stack, or undefined when there is none (or no table). */
export async function readSecret(ctx: Context, table: string, name: string): Promise<string | undefined> {
  const attribute = secretAttribute(name);
  try {
    const answer = await ctx.clients.dynamodb.send(new GetItemCommand({
      TableName: table, Key: RECORD_ITEM, ProjectionExpression: '#secret', ExpressionAttributeNames: { '#secret': attribute }, ConsistentRead: true,
    }));
    return answer?.Item?.[attribute]?.S;
  } catch (error) {
    if (isNoTable(error)) return undefined;
    throw error;
  }
}
