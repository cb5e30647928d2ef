import { paginateListTables } from '@aws-sdk/client-dynamodb';
import pLimit from 'p-limit';
import type { Context } from '../context.js';
import { readRecord } from '../state/stack-record.js';
import type { StackState } from '../state/state-file.js';

/** thumbs-<stack>-images (resources/names.ts): the only tables that can hold a stack's record. */
const STACK_TABLE = /^thumbs-([a-z][a-z0-9-]*)-images$/;
const READS_IN_FLIGHT = 8;

/**
 * The stacks whose record lives here (this account and region, or this endpoint): ListTables, then
 * one GetItem per thumbs table. No state file is needed, so every folder and machine lists the same.
 */
export async function recordedStacks(ctx: Context): Promise<StackState[]> {
  const tables: string[] = [];
  for await (const page of paginateListTables({ client: ctx.clients.dynamodb }, {})) {
    tables.push(...(page.TableNames ?? []).filter((name) => STACK_TABLE.test(name)));
  }
  const limit = pLimit(READS_IN_FLIGHT);
  const records = await Promise.all(tables.map((table) => limit(() => readRecord(ctx, table))));
  return records.flatMap((record) => (typeof record === 'object' ? [record.state] : []));
}
