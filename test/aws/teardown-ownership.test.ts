import { DeleteTableCommand, DescribeTableCommand, DynamoDBClient, ListTagsOfResourceCommand } from '@aws-sdk/client-dynamodb';
import {
  DeleteBucketCommand,
  DeleteObjectsCommand,
  GetBucketTaggingCommand,
  HeadBucketCommand,
  ListMultipartUploadsCommand,
  ListObjectsV2Command,
  ListObjectVersionsCommand,
  S3Client,
} from '@aws-sdk/client-s3';
import { DeleteQueueCommand, GetQueueAttributesCommand, GetQueueUrlCommand, ListQueueTagsCommand, SQSClient } from '@aws-sdk/client-sqs';
import { GetCallerIdentityCommand, STSClient } from '@aws-sdk/client-sts';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import { teardown } from '../../src/actions/teardown.js';
import { writeState, type StackState } from '../../src/state/state-file.js';
import { awsError } from '../helpers/fake-aws.js';
import { mockAwsContext } from '../helpers/mock-context.js';
import { mockEmptyControlPlane } from '../helpers/empty-control-plane.js';

const s3 = mockClient(S3Client);
const ddb = mockClient(DynamoDBClient);
// The stack's record and lease (reserved items of its table): none, as for a stack of the previous release.
mockClient(DynamoDBDocumentClient);
const sqs = mockClient(SQSClient);
const sts = mockClient(STSClient);
const ACCOUNT = '123456789012';
const names = {
  originals: `thumbs-default-originals-${ACCOUNT}-us-east-1`,
  thumbnails: `thumbs-default-thumbnails-${ACCOUNT}-us-east-1`,
};
const ours = [{ Key: 'thumbs:stack', Value: 'default' }];

function state(): StackState {
  const queueUrl = (name: string) => `https://sqs.us-east-1.amazonaws.com/${ACCOUNT}/${name}`;
  return {
    version: 1,
    stack: 'default',
    account: ACCOUNT,
    region: 'us-east-1',
    backend: 'aws',
    updatedAt: '',
    resources: {
      originalsBucket: { id: names.originals, origin: 'created' },
      thumbnailsBucket: { id: names.thumbnails, origin: 'created' },
      table: { id: 'thumbs-default-images', arn: 'arn:aws:dynamodb:us-east-1:123456789012:table/thumbs-default-images', origin: 'created' },
      queue: { id: queueUrl('thumbs-default-jobs'), origin: 'created', extra: { name: 'thumbs-default-jobs' } },
      deadLetterQueue: { id: queueUrl('thumbs-default-jobs-dlq'), origin: 'created', extra: { name: 'thumbs-default-jobs-dlq' } },
    },
  };
}

describe('teardown ownership on AWS', () => {
  beforeEach(() => {
    s3.reset();
    ddb.reset();
    sqs.reset();
    sts.reset();
    sts.on(GetCallerIdentityCommand).resolves({ Account: ACCOUNT });
    s3.on(ListObjectVersionsCommand).resolves({});
    s3.on(ListObjectsV2Command).resolves({});
    s3.on(ListMultipartUploadsCommand).resolves({});
    let tableDeleted = false;
    ddb.on(DeleteTableCommand).callsFake(() => ((tableDeleted = true), {}));
    ddb.on(DescribeTableCommand).callsFake(() => {
      if (tableDeleted) throw Object.assign(new Error('gone'), { name: 'ResourceNotFoundException' });
      return { Table: { TableArn: 'arn:aws:dynamodb:us-east-1:123456789012:table/thumbs-default-images' } };
    });
    ddb.on(ListTagsOfResourceCommand).resolves({ Tags: ours });
    sqs.on(GetQueueUrlCommand).callsFake((input: { QueueName: string }) => ({ QueueUrl: `https://sqs/${input.QueueName}` }));
    sqs.on(GetQueueAttributesCommand).resolves({ Attributes: {} });
    sqs.on(ListQueueTagsCommand).resolves({ Tags: { 'thumbs:stack': 'default' } });
    mockEmptyControlPlane(s3);
    s3.on(HeadBucketCommand, { Bucket: `thumbs-default-site-${ACCOUNT}-us-east-1` }).rejects(awsError('NotFound', 404));
  });

  it('keeps a recorded bucket that no longer carries the stack tag, and deletes the rest', async () => {
    const { ctx, stateDir } = await mockAwsContext();
    await writeState(stateDir, state());
    s3.on(GetBucketTaggingCommand, { Bucket: names.originals }).resolves({ TagSet: [{ Key: 'owner', Value: 'someone' }] });
    s3.on(GetBucketTaggingCommand, { Bucket: names.thumbnails }).resolves({ TagSet: ours });

    const result = await teardown(ctx);

    expect(result.results.find((r) => r.kind === 'originalsBucket')).toMatchObject({ status: 'kept', reason: 'no longer tagged thumbs:stack=default' });
    expect(s3).not.toHaveReceivedCommandWith(DeleteBucketCommand, { Bucket: names.originals });
    expect(s3).not.toHaveReceivedCommandWith(DeleteObjectsCommand, { Bucket: names.originals });
    expect(s3).toHaveReceivedCommandWith(DeleteBucketCommand, { Bucket: names.thumbnails });
    expect(ddb).toHaveReceivedCommandWith(DeleteTableCommand, { TableName: 'thumbs-default-images' });
    expect(sqs).toHaveReceivedCommandTimes(DeleteQueueCommand, 2);
  });

  it('deletes the dead-letter queue only after the queue that redrives to it', async () => {
    const { ctx, stateDir } = await mockAwsContext();
    await writeState(stateDir, state());
    s3.on(GetBucketTaggingCommand).resolves({ TagSet: ours });
    await teardown(ctx);
    const deletes = sqs.commandCalls(DeleteQueueCommand).map((call) => call.args[0].input.QueueUrl);
    expect(deletes).toEqual(['https://sqs/thumbs-default-jobs', 'https://sqs/thumbs-default-jobs-dlq']);
  });
});
