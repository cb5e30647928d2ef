import { ResourceNotFoundException } from '@aws-sdk/client-dynamodb';
import { STSClient, GetCallerIdentityCommand } from '@aws-sdk/client-sts';
import { DynamoDBDocumentClient, ScanCommand } from '@aws-sdk/lib-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import { scanDb, scanItems } from '../../src/actions/scan-db.js';
import { mockAwsContext } from '../helpers/mock-context.js';

const doc = mockClient(DynamoDBDocumentClient);
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

  it('stops every segment once --limit items are collected', async () => {
    const { ctx } = await mockAwsContext();
    doc.on(ScanCommand, { Segment: 0 }).resolves({ Items: [item('a'), item('b')], LastEvaluatedKey: { imageKey: 'b' } });
    const { items, limited } = await scanItems(ctx.clients.doc, 'tbl', { segments: 1, limit: 2 });
    expect(items).toHaveLength(2);
    expect(limited).toBe(true);
    expect(doc).toHaveReceivedCommandTimes(ScanCommand, 1);
    expect(doc).toHaveReceivedCommandWith(ScanCommand, { Limit: 2 });
  });

  it('filters on status, a DynamoDB reserved word, through an attribute name', async () => {
    const { ctx } = await mockAwsContext();
    doc.on(ScanCommand).resolves({ Items: [] });
    await scanItems(ctx.clients.doc, 'tbl', { segments: 1, status: 'failed' });
    expect(doc).toHaveReceivedCommandWith(ScanCommand, {
      FilterExpression: '#s = :s',
      ExpressionAttributeNames: { '#s': 'status' },
      ExpressionAttributeValues: { ':s': 'failed' },
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
