import { DescribeTableCommand, DynamoDBClient, ListTagsOfResourceCommand, ScanCommand } from '@aws-sdk/client-dynamodb';
import { GetFunctionCommand } from '@aws-sdk/client-lambda';
import { GetBucketCorsCommand, GetBucketEncryptionCommand, GetPublicAccessBlockCommand, HeadBucketCommand, ListObjectsV2Command, S3Client, S3ServiceException } from '@aws-sdk/client-s3';
import { GetQueueAttributesCommand, GetQueueUrlCommand, ListQueueTagsCommand, SQSClient } from '@aws-sdk/client-sqs';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import { bucketStats, COUNT_SCAN_MAX_BYTES, status } from '../../src/actions/status.js';
import { writeState } from '../../src/state/state-file.js';
import { mockAwsContext } from '../helpers/mock-context.js';
import { mockEmptyControlPlane } from '../helpers/empty-control-plane.js';

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

  it('checks every recorded resource: a missing bucket, queue depths, a large table by DescribeTable, a function and its drift', async () => {
    const { ctx, stateDir } = await mockAwsContext();
    await writeState(stateDir, {
      version: 1, stack: 'default', account: '123456789012', region: 'us-east-1', backend: 'aws', updatedAt: '',
      resources: {
        originalsBucket: { id: 'orig', origin: 'created' },
        queue: { id: 'https://sqs.us-east-1.amazonaws.com/123456789012/q', origin: 'created', extra: { name: 'q', visibilityTimeout: '180', maxReceiveCount: '5' } },
        table: { id: 't', origin: 'created' },
        thumbnailsBucket: { id: 'theirs', origin: 'adopted' },
        function: { id: 'fn', origin: 'created', extra: { memory: '1536' } },
      },
    });
    const control = mockEmptyControlPlane(s3);
    control.lambda.on(GetFunctionCommand).resolves({
      Configuration: { FunctionName: 'fn', MemorySize: 2048, Runtime: 'nodejs22.x', LoggingConfig: { LogFormat: 'JSON' } },
      Tags: { 'thumbs:stack': 'default', 'thumbs:managed-by': 'thumbs' },
    });
    const notFound = new S3ServiceException({ name: 'NotFound', $fault: 'client', $metadata: { httpStatusCode: 404 }, message: 'gone' });
    s3.on(HeadBucketCommand, { Bucket: 'orig' }).rejects(notFound);
    s3.on(GetPublicAccessBlockCommand).resolves({ PublicAccessBlockConfiguration: { BlockPublicAcls: true, IgnorePublicAcls: true, BlockPublicPolicy: true, RestrictPublicBuckets: true } });
    s3.on(GetBucketEncryptionCommand).resolves({ ServerSideEncryptionConfiguration: { Rules: [{ ApplyServerSideEncryptionByDefault: { SSEAlgorithm: 'AES256' } }] } });
    s3.on(GetBucketCorsCommand).resolves({ CORSRules: [{ AllowedMethods: ['GET', 'HEAD'], AllowedOrigins: ['*'] }] });
    s3.on(ListObjectsV2Command, { Bucket: 'theirs' }).rejects(
      new S3ServiceException({ name: 'AccessDenied', $fault: 'client', $metadata: { httpStatusCode: 403 }, message: 'no' }),
    );
    sqs.on(GetQueueUrlCommand).resolves({ QueueUrl: 'https://sqs.us-east-1.amazonaws.com/123456789012/q' });
    sqs.on(ListQueueTagsCommand).resolves({ Tags: { 'thumbs:stack': 'default', 'thumbs:managed-by': 'thumbs' } });
    sqs.on(GetQueueAttributesCommand).resolves({
      Attributes: {
        ApproximateNumberOfMessages: '7', ApproximateNumberOfMessagesNotVisible: '2', VisibilityTimeout: '180',
        RedrivePolicy: JSON.stringify({ deadLetterTargetArn: 'arn:aws:sqs:us-east-1:123456789012:thumbs-default-jobs-dlq', maxReceiveCount: 5 }),
      },
    });
    ddb.on(DescribeTableCommand).resolves({
      Table: { TableName: 't', TableArn: 'arn:t', ItemCount: 123_456, TableSizeBytes: COUNT_SCAN_MAX_BYTES + 1, KeySchema: [{ AttributeName: 'imageKey', KeyType: 'HASH' }], BillingModeSummary: { BillingMode: 'PAY_PER_REQUEST' } },
    });
    ddb.on(ListTagsOfResourceCommand).resolves({ Tags: [{ Key: 'thumbs:stack', Value: 'default' }, { Key: 'thumbs:managed-by', Value: 'thumbs' }] });
    const result = await status(ctx);
    control.restore();
    const of = (kind: string) => result.resources.find((r) => r.kind === kind);
    expect(of('originalsBucket')).toMatchObject({ exists: false });
    expect(of('thumbnailsBucket')).toMatchObject({ origin: 'adopted', exists: true, drift: [], error: 'access denied (AccessDenied)' });
    expect(of('queue')).toMatchObject({ exists: true, drift: [], queue: { visible: 7, inFlight: 2, delayed: 0 } });
    expect(of('table')).toMatchObject({ exists: true, drift: [], table: { items: 123_456, source: 'describe' } });
    expect(of('function')).toMatchObject({ exists: true, ownership: 'owned', drift: [{ attribute: 'memory', from: '2048', to: '1536' }] });
    expect(result.healthy).toBe(false);
    expect(ddb).not.toHaveReceivedCommand(ScanCommand);
  });
});
