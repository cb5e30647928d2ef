import { DescribeTableCommand, DynamoDBClient, ScanCommand, type TableDescription } from '@aws-sdk/client-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import { TIME_INDEX } from '../../lambda/contract.js';
import { COUNT_SCAN_MAX_BYTES, indexCoverage } from '../../src/resources/index-coverage.js';
import { ensureTimeIndex } from '../../src/resources/table-index.js';
import { mockAwsContext } from '../helpers/mock-context.js';

const ddb = mockClient(DynamoDBClient);
beforeEach(() => ddb.reset());

/** A table as DescribeTable answers for it, with its time index and both counts. */
const described = (items: number, indexed: number, bytes: number): TableDescription => ({
  TableName: 't', TableArn: 'arn:aws:dynamodb:us-east-1:123456789012:table/t', ItemCount: items, TableSizeBytes: bytes,
  GlobalSecondaryIndexes: [{ IndexName: TIME_INDEX, IndexStatus: 'ACTIVE', ItemCount: indexed, IndexArn: 'arn:aws:dynamodb:us-east-1:123456789012:table/t/index/byTime' }],
});

describe('index coverage on AWS (mocked)', () => {
  it("a large table: DescribeTable's ItemCount of the table against the index's, without a scan", async () => {
    const { ctx } = await mockAwsContext();
    expect(await indexCoverage(ctx, described(123_456, 123_000, COUNT_SCAN_MAX_BYTES + 1))).toEqual({ items: 123_456, indexed: 123_000, missing: 456, source: 'describe' });
    // Counts refreshed at different moments can put the index ahead: nothing is missing then.
    expect(await indexCoverage(ctx, described(10, 12, COUNT_SCAN_MAX_BYTES + 1))).toMatchObject({ missing: 0 });
    expect(ddb).not.toHaveReceivedCommand(ScanCommand);
  });

  it('a small table: one scan of the keys lacking feedAt, every page summed, the stack\'s reserved items counted out', async () => {
    const { ctx } = await mockAwsContext();
    const keys = (...names: string[]) => names.map((name) => ({ imageKey: { S: name } }));
    ddb.on(ScanCommand)
      .resolvesOnce({ Items: keys('#thumbs/record', 'a.jpg', 'b.jpg', 'c.jpg'), Count: 4, ScannedCount: 101, LastEvaluatedKey: { imageKey: { S: 'k' } } })
      .resolvesOnce({ Items: keys('#thumbs/lease', 'd.jpg'), Count: 2, ScannedCount: 21 });
    expect(await indexCoverage(ctx, described(0, 0, 1000))).toEqual({ items: 120, indexed: 116, missing: 4, source: 'scan' });
    expect(ddb).toHaveReceivedCommandWith(ScanCommand, {
      TableName: 't', ProjectionExpression: '#key', FilterExpression: 'attribute_not_exists(#feedAt)', ExpressionAttributeNames: { '#feedAt': 'feedAt', '#key': 'imageKey' },
    });
  });

  it('provision --dry-run plans a backfill when the counts differ, and nothing when they agree', async () => {
    const { ctx } = await mockAwsContext();
    ddb.on(DescribeTableCommand).resolves({ Table: described(5_000_000, 4_999_000, COUNT_SCAN_MAX_BYTES * 100) });
    expect(await ensureTimeIndex(ctx, { name: 't', created: false }, { dryRun: true })).toEqual([
      { kind: 'table', id: `t/index/${TIME_INDEX}`, status: 'planned', note: "backfill 1000 items missing from the index (by DescribeTable's counts)" },
    ]);
    ddb.on(DescribeTableCommand).resolves({ Table: described(5_000_000, 5_000_000, COUNT_SCAN_MAX_BYTES * 100) });
    expect(await ensureTimeIndex(ctx, { name: 't', created: false }, { dryRun: true })).toEqual([]);
  });
});
