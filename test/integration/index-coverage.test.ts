import { ScanCommand } from '@aws-sdk/client-dynamodb';
import { BatchWriteCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { feedAttributes, FEED_SORT_KEY, TIME_INDEX, type ImageItem } from '../../lambda/contract.js';
import { provision } from '../../src/actions/provision.js';
import { status } from '../../src/actions/status.js';
import { startEmbedded, type EmbeddedHarness } from '../helpers/embedded.js';

/** A processed item; `indexed` as this release's function writes it, else as an old function or another tool did. */
function item(i: number, indexed: boolean): ImageItem {
  const base = {
    imageKey: `photos/${indexed ? 'new' : 'old'}-${String(i).padStart(4, '0')}.jpg`,
    sourceBucket: 'originals', etag: `etag${i}`, bytes: 1000 + i, contentType: 'image/jpeg', renditions: [],
    status: i % 4 === 0 ? 'failed' as const : 'done' as const, attempts: 1,
    processedAt: new Date(Date.UTC(2026, 0, 1) + i * 1000).toISOString(), durationMs: 10,
  };
  return indexed ? { ...base, ...feedAttributes(base) } : base;
}

async function write(table: string, items: ImageItem[]): Promise<void> {
  for (let i = 0; i < items.length; i += 25) {
    const batch = items.slice(i, i + 25).map((Item) => ({ PutRequest: { Item } }));
    await harness.ctx.clients.doc.send(new BatchWriteCommand({ RequestItems: { [table]: batch } }));
  }
}

/**
 * Read straight from DynamoDB, not through thumbs: images in the table, and in its time index. The
 * stack's own record is an item of the table too, under a key no image can have ('#thumbs/').
 */
async function counted(table: string): Promise<{ table: number; index: number; lacking: number }> {
  const count = async ({ FilterExpression, ExpressionAttributeNames, ...input }: Omit<ConstructorParameters<typeof ScanCommand>[0], 'TableName'>) => {
    let total = 0;
    let start: Record<string, never> | undefined;
    const images = {
      FilterExpression: ['NOT begins_with(#k, :reserved)', FilterExpression].filter(Boolean).join(' AND '),
      ExpressionAttributeNames: { '#k': 'imageKey', ...ExpressionAttributeNames },
      ExpressionAttributeValues: { ':reserved': { S: '#thumbs/' } },
    };
    do {
      const page = await harness.ctx.clients.dynamodb.send(new ScanCommand({ TableName: table, Select: 'COUNT', ExclusiveStartKey: start, ...input, ...images }));
      total += page.Count ?? 0;
      start = page.LastEvaluatedKey as typeof start;
    } while (start);
    return total;
  };
  return {
    table: await count({}),
    index: await count({ IndexName: TIME_INDEX }),
    lacking: await count({ FilterExpression: 'attribute_not_exists(#f)', ExpressionAttributeNames: { '#f': FEED_SORT_KEY } }),
  };
}

let harness: EmbeddedHarness;
let table: string;

beforeAll(async () => {
  harness = await startEmbedded({ stack: 'cover' });
  const result = await provision(harness.ctx);
  table = result.resources.find((r) => r.kind === 'table')?.id ?? '';
  expect(table).not.toBe('');
}, 60_000);
afterAll(async () => harness?.stop());

describe('the time index stays complete', () => {
  it('status reports the items outside the index; provision backfills them, and again whenever more appear', async () => {
    await write(table, [...Array.from({ length: 30 }, (_, i) => item(i, true)), ...Array.from({ length: 40 }, (_, i) => item(i, false))]);
    expect(await counted(table)).toEqual({ table: 70, index: 30, lacking: 40 });

    const before = (await status(harness.ctx)).resources.find((r) => r.kind === 'table');
    expect(before?.table).toMatchObject({ items: 70, indexed: 30, missingFromIndex: 40, source: 'scan' });

    const plan = await provision(harness.ctx, { dryRun: true });
    expect(plan.resources.find((r) => r.id === `${table}/index/${TIME_INDEX}`)).toMatchObject({ status: 'planned', note: expect.stringContaining('40 items missing from the index') });
    expect(await counted(table)).toMatchObject({ lacking: 40 });

    const fixed = await provision(harness.ctx);
    expect(fixed.resources.find((r) => r.id === `${table}/index/${TIME_INDEX}`)).toMatchObject({ status: 'updated', note: 'backfilled 40 items missing from the index' });
    expect(await counted(table)).toEqual({ table: 70, index: 70, lacking: 0 });
    expect((await status(harness.ctx)).resources.find((r) => r.kind === 'table')?.table).toMatchObject({ items: 70, indexed: 70, missingFromIndex: 0 });

    // Nothing missing: a re-run reports nothing for the index.
    const again = await provision(harness.ctx);
    expect(again.resources.find((r) => r.id === `${table}/index/${TIME_INDEX}`)).toBeUndefined();

    // Not only once: items written without the attributes later are found and backfilled too.
    await write(table, Array.from({ length: 5 }, (_, i) => item(100 + i, false)));
    const later = await provision(harness.ctx);
    expect(later.resources.find((r) => r.id === `${table}/index/${TIME_INDEX}`)).toMatchObject({ note: 'backfilled 5 items missing from the index' });
    expect(await counted(table)).toEqual({ table: 75, index: 75, lacking: 0 });
  });
});
