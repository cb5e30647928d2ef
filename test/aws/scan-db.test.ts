import { DynamoDBClient, ResourceNotFoundException } from '@aws-sdk/client-dynamodb';
import { STSClient, GetCallerIdentityCommand } from '@aws-sdk/client-sts';
import { DynamoDBDocumentClient, QueryCommand, ScanCommand, type QueryCommandInput } from '@aws-sdk/lib-dynamodb';
import { FEED_SHARDS, FEED_STATUSES, feedPartition, feedSortValue } from '../../lambda/contract.js';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import { PassThrough } from 'node:stream';
import { PAGES_AHEAD_PER_SEGMENT, scanDb, scanItems, streamScan } from '../../src/actions/scan-db.js';
import { writeItemsJson } from '../../src/output/items.js';
import { mockAwsContext } from '../helpers/mock-context.js';

const doc = mockClient(DynamoDBDocumentClient);
// The stack's record and lease (reserved items of its table): none here.
mockClient(DynamoDBClient);
const sts = mockClient(STSClient);
const item = (key: string, processedAt = '2025-01-01T00:00:00.000Z') => ({ imageKey: key, status: 'done', processedAt });

beforeEach(() => {
  doc.reset();
  sts.reset();
  sts.on(GetCallerIdentityCommand).resolves({ Account: '123456789012', Arn: 'arn:aws:iam::123456789012:user/me' });
});

describe('scanItems', () => {
  it('follows LastEvaluatedKey within each segment of a parallel scan', async () => {
    const { ctx } = await mockAwsContext();
    doc.on(ScanCommand, { Segment: 0 }).resolvesOnce({ Items: [item('a')], LastEvaluatedKey: { imageKey: 'a' } }).resolves({ Items: [item('b')] });
    doc.on(ScanCommand, { Segment: 1 }).resolves({ Items: [item('c')] });
    const { items, limited } = await scanItems(ctx.clients.doc, 'tbl', { segments: 2 });
    expect(items.map((i) => i.imageKey).sort()).toEqual(['a', 'b', 'c']);
    expect(limited).toBe(false);
    expect(doc).toHaveReceivedCommandTimes(ScanCommand, 3);
    expect(doc).toHaveReceivedCommandWith(ScanCommand, { TableName: 'tbl', Segment: 0, TotalSegments: 2, ExclusiveStartKey: { imageKey: 'a' } });
    expect(doc).toHaveReceivedCommandWith(ScanCommand, { TableName: 'tbl', Segment: 1, TotalSegments: 2 });
  });

  it('streams a 50,000-item scan holding at most two pages per segment, never the whole table', async () => {
    const { ctx } = await mockAwsContext();
    const PAGE = 500;
    const PAGES = 100;
    let served = 0;
    doc.on(ScanCommand).callsFake((input: { ExclusiveStartKey?: { page: number } }) => {
      served += 1;
      const page = input.ExclusiveStartKey?.page ?? 0;
      const Items = Array.from({ length: PAGE }, (_, i) => item(`k${page * PAGE + i}`));
      return { Items, ...(page + 1 < PAGES ? { LastEvaluatedKey: { page: page + 1 } } : {}) };
    });
    let consumed = 0;
    let mostAhead = 0;
    for await (const _ of streamScan(ctx.clients.doc, 'tbl', { segments: 1 })) {
      consumed += 1;
      // Pages requested beyond the one being read: the bound that keeps memory flat.
      mostAhead = Math.max(mostAhead, served - Math.ceil(consumed / PAGE));
    }
    expect(consumed).toBe(PAGE * PAGES);
    expect(served).toBe(PAGES);
    expect(mostAhead).toBeGreaterThanOrEqual(1);
    expect(mostAhead).toBeLessThanOrEqual(PAGES_AHEAD_PER_SEGMENT - 1);
  });

  it('writes a paginated scan as one valid JSON array, and CSV with one header', async () => {
    const { ctx } = await mockAwsContext();
    doc.on(ScanCommand, { Segment: 0 })
      .resolvesOnce({ Items: Array.from({ length: 700 }, (_, i) => item(`a${i}`)), LastEvaluatedKey: { imageKey: 'a699' } })
      .resolves({ Items: [item('quote"d\nkey')] });
    doc.on(ScanCommand, { Segment: 1 }).resolves({ Items: [item('b')] });
    const sink = () => {
      const chunks: string[] = [];
      const out = new PassThrough();
      out.on('data', (chunk: Buffer) => chunks.push(chunk.toString('utf8')));
      return { out, text: () => chunks.join('') };
    };
    const json = sink();
    expect(await writeItemsJson(streamScan(ctx.clients.doc, 'tbl', { segments: 2 }), json.out)).toBe(702);
    const parsed = JSON.parse(json.text()) as Array<{ imageKey: string }>;
    expect(parsed).toHaveLength(702);
    // The same document as printing the whole array at once.
    expect(json.text()).toBe(`${JSON.stringify(parsed, null, 2)}\n`);
    expect(parsed.map((i) => i.imageKey)).toContain('quote"d\nkey');
    const empty = sink();
    doc.reset();
    doc.on(ScanCommand).resolves({ Items: [] });
    expect(await writeItemsJson(streamScan(ctx.clients.doc, 'tbl', { segments: 2 }), empty.out)).toBe(0);
    expect(JSON.parse(empty.text())).toEqual([]);
  });

  it('filters on status, a DynamoDB reserved word, through an attribute name', async () => {
    const { ctx } = await mockAwsContext();
    doc.on(ScanCommand).resolves({ Items: [] });
    await scanItems(ctx.clients.doc, 'tbl', { segments: 1, status: 'failed' });
    // The stack's reserved items (its record and lease) are left out by the same filter.
    expect(doc).toHaveReceivedCommandWith(ScanCommand, {
      FilterExpression: '#s = :s AND NOT begins_with(#reservedKey, :reservedPrefix)',
      ExpressionAttributeNames: { '#s': 'status', '#reservedKey': 'imageKey' },
      ExpressionAttributeValues: { ':s': 'failed', ':reservedPrefix': '#thumbs/' },
    });
  });
});

describe('scanDb', () => {
  it('scans the stack table by its derived name with 4 segments by default, newest first', async () => {
    const { ctx } = await mockAwsContext();
    doc.on(ScanCommand).resolves({ Items: [] });
    doc.on(ScanCommand, { Segment: 2 }).resolves({ Items: [item('old', '2024-01-01T00:00:00.000Z'), item('new', '2025-06-01T00:00:00.000Z')] });
    const result = await scanDb(ctx);
    expect(result.items.map((i) => i.imageKey)).toEqual(['new', 'old']);
    expect(doc).toHaveReceivedCommandTimes(ScanCommand, 4);
    expect(doc).toHaveReceivedCommandWith(ScanCommand, { TableName: 'thumbs-default-images', TotalSegments: 4, Segment: 3 });
  });

  it('turns a missing table into "not provisioned" with a hint', async () => {
    const { ctx } = await mockAwsContext();
    doc.on(ScanCommand).rejects(new ResourceNotFoundException({ message: 'Requested resource not found', $metadata: {} }));
    await expect(scanDb(ctx)).rejects.toMatchObject({ code: 'not-provisioned', hint: expect.stringContaining('thumbs provision') });
  });
});

describe('scanDb --limit through the time index', () => {
  it('returns the five newest with about five items read: one small Query per (status, shard) partition', async () => {
    const { ctx } = await mockAwsContext();
    // Every partition holds many items, newest first, two a page; item i of partition p was processed at minute 8i+p.
    doc.on(QueryCommand).callsFake((input: QueryCommandInput) => {
      const partition = FEED_STATUSES.flatMap((s) => Array.from({ length: FEED_SHARDS }, (_, shard) => feedPartition(s, shard))).indexOf(String(input.ExpressionAttributeValues?.[':f']));
      const from = (input.ExclusiveStartKey?.page as number | undefined) ?? 0;
      const Items = [from, from + 1].map((i) => {
        const processedAt = new Date(Date.UTC(2025, 0, 1) - (8 * i + partition) * 60_000).toISOString();
        return { imageKey: `p${partition}-${i}`, status: 'done', processedAt, feedAt: feedSortValue(processedAt, `p${partition}-${i}`) };
      });
      return Promise.resolve({ Items, LastEvaluatedKey: { page: from + 2 } });
    });
    const result = await scanDb(ctx, { limit: 5 });
    expect(result.items.map((i) => i.imageKey)).toEqual(['p0-0', 'p1-0', 'p2-0', 'p3-0', 'p4-0']);
    const calls = doc.commandCalls(QueryCommand).map((call) => call.args[0].input);
    expect(calls.length).toBeGreaterThanOrEqual(FEED_SHARDS * FEED_STATUSES.length);
    expect(calls.length).toBeLessThanOrEqual(FEED_SHARDS * FEED_STATUSES.length + 2);
    expect(new Set(calls.map((input) => input.Limit))).toEqual(new Set([2]));
    expect(doc).not.toHaveReceivedCommand(ScanCommand);
  });
});

