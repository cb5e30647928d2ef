import { DescribeTableCommand, DynamoDBClient, ScanCommand } from '@aws-sdk/client-dynamodb';
import { ListObjectsV2Command, S3Client, S3ServiceException } from '@aws-sdk/client-s3';
import { GetQueueAttributesCommand, SQSClient } from '@aws-sdk/client-sqs';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import { bucketStats, COUNT_SCAN_MAX_BYTES, status } from '../../src/actions/status.js';
import { writeState } from '../../src/state/state-file.js';
import { mockAwsContext } from '../helpers/mock-context.js';

const s3 = mockClient(S3Client);
const sqs = mockClient(SQSClient);
const ddb = mockClient(DynamoDBClient);
const page = (count: number, truncated: boolean) => ({
  Contents: Array.from({ length: count }, (_, i) => ({ Key: `k${i}`, Size: 10 })),
  IsTruncated: truncated,
  ...(truncated ? { NextContinuationToken: 'next' } : {}),
});

beforeEach(() => {
  s3.reset();
  sqs.reset();
  ddb.reset();
});

describe('status on AWS (mocked)', () => {
  it('stops counting objects at the cap and says so', async () => {
    const { ctx } = await mockAwsContext();
    s3.on(ListObjectsV2Command).resolves(page(1000, true));
    const stats = await bucketStats(ctx, 'b', 3000);
    expect(stats).toEqual({ objects: 3000, bytes: 30_000, capped: true });
    expect(s3).toHaveReceivedCommandTimes(ListObjectsV2Command, 3);
    expect(s3).toHaveReceivedNthCommandWith(ListObjectsV2Command, 2, { Bucket: 'b', ContinuationToken: 'next' });
  });

  it('checks every recorded resource: a missing bucket, queue depths, a large table by DescribeTable, a function as recorded', async () => {
    const { ctx, stateDir } = await mockAwsContext();
    await writeState(stateDir, {
      version: 1, stack: 'default', account: '123456789012', region: 'us-east-1', backend: 'aws', updatedAt: '',
      resources: {
        originalsBucket: { id: 'orig', origin: 'created' },
        queue: { id: 'https://sqs.us-east-1.amazonaws.com/123456789012/q', origin: 'created' },
        table: { id: 't', origin: 'created' },
        thumbnailsBucket: { id: 'theirs', origin: 'adopted' },
        function: { id: 'fn', origin: 'created' },
      },
    });
    s3.on(ListObjectsV2Command, { Bucket: 'theirs' }).rejects(
      new S3ServiceException({ name: 'AccessDenied', $fault: 'client', $metadata: { httpStatusCode: 403 }, message: 'no' }),
    );
    s3.on(ListObjectsV2Command, { Bucket: 'orig' }).rejects(new S3ServiceException({ name: 'NoSuchBucket', $fault: 'client', $metadata: { httpStatusCode: 404 }, message: 'gone' }));
    sqs.on(GetQueueAttributesCommand).resolves({ Attributes: { ApproximateNumberOfMessages: '7', ApproximateNumberOfMessagesNotVisible: '2' } });
    ddb.on(DescribeTableCommand).resolves({ Table: { TableName: 't', ItemCount: 123_456, TableSizeBytes: COUNT_SCAN_MAX_BYTES + 1 } });
    const result = await status(ctx);
    const of = (kind: string) => result.resources.find((r) => r.kind === kind);
    expect(of('originalsBucket')).toMatchObject({ exists: false });
    expect(of('thumbnailsBucket')).toMatchObject({ origin: 'adopted', error: 'access denied (AccessDenied)' });
    expect(of('thumbnailsBucket')?.exists).toBeUndefined();
    expect(of('queue')).toMatchObject({ exists: true, queue: { visible: 7, inFlight: 2, delayed: 0 } });
    expect(of('table')).toMatchObject({ exists: true, table: { items: 123_456, source: 'describe' } });
    expect(of('function')).toEqual({ kind: 'function', id: 'fn', origin: 'created' });
    expect(ddb).not.toHaveReceivedCommand(ScanCommand);
  });
});
