import { CreateTableCommand, DescribeTableCommand, DynamoDBClient, ListTagsOfResourceCommand, ResourceNotFoundException } from '@aws-sdk/client-dynamodb';
import { CreateQueueCommand, GetQueueAttributesCommand, GetQueueUrlCommand, ListQueueTagsCommand, QueueDoesNotExist, SetQueueAttributesCommand, SQSClient } from '@aws-sdk/client-sqs';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import { ensureQueues, type QueueSpec } from '../../src/ensure/queues.js';
import { ensureTable } from '../../src/ensure/table.js';
import { StateStore } from '../../src/state/state-store.js';
import { mockAwsContext } from '../helpers/mock-context.js';

const ddb = mockClient(DynamoDBClient);
const sqs = mockClient(SQSClient);
const ACCOUNT = '123456789012';
const TABLE_ARN = `arn:aws:dynamodb:us-east-1:${ACCOUNT}:table/thumbs-default-images`;
const url = (name: string) => `https://sqs.us-east-1.amazonaws.com/${ACCOUNT}/${name}`;
const spec: QueueSpec = { stack: 'default', account: ACCOUNT, region: 'us-east-1', name: 'thumbs-default-jobs', deadLetterName: 'thumbs-default-jobs-dlq', visibilityTimeoutSeconds: 180, maxReceiveCount: 5 };
const redrive = JSON.stringify({ deadLetterTargetArn: `arn:aws:sqs:us-east-1:${ACCOUNT}:thumbs-default-jobs-dlq`, maxReceiveCount: 5 });
const writes = (mock: typeof sqs | typeof ddb) => mock.calls().map((c) => c.args[0].constructor.name).filter((n) => /^(Create|Set|Put|Tag|Update)/.test(n));

async function setup() {
  const { ctx, stateDir } = await mockAwsContext();
  const store = new StateStore(stateDir, { version: 1, stack: 'default', account: ACCOUNT, region: 'us-east-1', backend: 'aws', updatedAt: '', resources: {} });
  return { ctx, store };
}

beforeEach(() => {
  ddb.reset();
  sqs.reset();
});

describe('ensureTable', () => {
  it('creates an on-demand table keyed by imageKey, tagged, and records it', async () => {
    const { ctx, store } = await setup();
    ddb.on(DescribeTableCommand).rejects(new ResourceNotFoundException({ message: 'no', $metadata: {} }));
    ddb.on(CreateTableCommand).resolves({ TableDescription: { TableArn: TABLE_ARN, TableStatus: 'ACTIVE' } });
    const result = await ensureTable(ctx, { name: 'thumbs-default-images', stack: 'default' }, store, { dryRun: false });
    expect(result.status).toBe('created');
    expect(ddb).toHaveReceivedCommandWith(CreateTableCommand, {
      TableName: 'thumbs-default-images',
      BillingMode: 'PAY_PER_REQUEST',
      KeySchema: [{ AttributeName: 'imageKey', KeyType: 'HASH' }],
      Tags: expect.arrayContaining([{ Key: 'thumbs:stack', Value: 'default' }]),
    });
    expect(store.get('table')).toMatchObject({ arn: TABLE_ARN, origin: 'created' });
  });

  it('sends no write when the recorded table exists', async () => {
    const { ctx, store } = await setup();
    await store.record('table', { id: 'thumbs-default-images', arn: TABLE_ARN, origin: 'created' });
    ddb.on(DescribeTableCommand).resolves({ Table: { TableArn: TABLE_ARN, KeySchema: [{ AttributeName: 'imageKey', KeyType: 'HASH' }] } });
    expect((await ensureTable(ctx, { name: 'thumbs-default-images', stack: 'default' }, store, { dryRun: false })).status).toBe('unchanged');
    expect(writes(ddb)).toEqual([]);
  });

  it('adopts, never claims, an existing table without the stack tag', async () => {
    const { ctx, store } = await setup();
    ddb.on(DescribeTableCommand).resolves({ Table: { TableArn: TABLE_ARN, KeySchema: [{ AttributeName: 'imageKey', KeyType: 'HASH' }] } });
    ddb.on(ListTagsOfResourceCommand).resolves({ Tags: [] });
    expect((await ensureTable(ctx, { name: 'thumbs-default-images', stack: 'default' }, store, { dryRun: false })).status).toBe('adopted');
    expect(store.get('table')?.origin).toBe('adopted');
  });

  it('refuses a table of the same name with another key, naming both', async () => {
    const { ctx, store } = await setup();
    ddb.on(DescribeTableCommand).resolves({ Table: { TableArn: TABLE_ARN, KeySchema: [{ AttributeName: 'id', KeyType: 'HASH' }] } });
    await expect(ensureTable(ctx, { name: 'thumbs-default-images', stack: 'default' }, store, { dryRun: false })).rejects.toThrow(
      /partition key "id", not "imageKey"/,
    );
  });
});

describe('ensureQueues', () => {
  it('creates the dead-letter queue, then the queue redriving to it after 5 receives', async () => {
    const { ctx, store } = await setup();
    sqs.on(GetQueueUrlCommand).rejects(new QueueDoesNotExist({ message: 'no', $metadata: {} }));
    sqs.on(CreateQueueCommand).callsFake((input: { QueueName: string }) => ({ QueueUrl: url(input.QueueName) }));
    const results = await ensureQueues(ctx, spec, store, { dryRun: false });
    expect(results.map((r) => [r.kind, r.status])).toEqual([['deadLetterQueue', 'created'], ['queue', 'created']]);
    const creates = sqs.commandCalls(CreateQueueCommand).map((c) => c.args[0].input);
    expect(creates.map((c) => c.QueueName)).toEqual(['thumbs-default-jobs-dlq', 'thumbs-default-jobs']);
    expect(creates[0]?.Attributes).toEqual({ MessageRetentionPeriod: '1209600' });
    expect(creates[1]?.Attributes).toEqual({ VisibilityTimeout: '180', RedrivePolicy: redrive });
    expect(creates[1]?.tags).toMatchObject({ 'thumbs:stack': 'default' });
  });

  it('sends no write when both queues exist as specified', async () => {
    const { ctx, store } = await setup();
    await store.record('deadLetterQueue', { id: url('thumbs-default-jobs-dlq'), arn: `arn:aws:sqs:us-east-1:${ACCOUNT}:thumbs-default-jobs-dlq`, origin: 'created' });
    await store.record('queue', { id: url('thumbs-default-jobs'), arn: `arn:aws:sqs:us-east-1:${ACCOUNT}:thumbs-default-jobs`, origin: 'created' });
    sqs.on(GetQueueUrlCommand).callsFake((input: { QueueName: string }) => ({ QueueUrl: url(input.QueueName) }));
    sqs.on(GetQueueAttributesCommand).resolves({ Attributes: { VisibilityTimeout: '180', RedrivePolicy: redrive } });
    const results = await ensureQueues(ctx, spec, store, { dryRun: false });
    expect(results.every((r) => r.status === 'unchanged')).toBe(true);
    expect(writes(sqs)).toEqual([]);
  });

  it('raises a visibility timeout that fell below 6x the function timeout', async () => {
    const { ctx, store } = await setup();
    await store.record('deadLetterQueue', { id: url('thumbs-default-jobs-dlq'), arn: `arn:aws:sqs:us-east-1:${ACCOUNT}:thumbs-default-jobs-dlq`, origin: 'created' });
    await store.record('queue', { id: url('thumbs-default-jobs'), arn: `arn:aws:sqs:us-east-1:${ACCOUNT}:thumbs-default-jobs`, origin: 'created' });
    sqs.on(GetQueueUrlCommand).callsFake((input: { QueueName: string }) => ({ QueueUrl: url(input.QueueName) }));
    sqs.on(GetQueueAttributesCommand).resolves({ Attributes: { VisibilityTimeout: '30', RedrivePolicy: redrive } });
    const results = await ensureQueues(ctx, spec, store, { dryRun: false });
    expect(results[1]).toMatchObject({ status: 'updated', note: 'set VisibilityTimeout' });
    expect(sqs).toHaveReceivedCommandWith(SetQueueAttributesCommand, { QueueUrl: url('thumbs-default-jobs'), Attributes: { VisibilityTimeout: '180', RedrivePolicy: redrive } });
  });

  it('adopts an existing queue without the stack tag and leaves its attributes alone', async () => {
    const { ctx, store } = await setup();
    sqs.on(GetQueueUrlCommand).callsFake((input: { QueueName: string }) => ({ QueueUrl: url(input.QueueName) }));
    sqs.on(GetQueueAttributesCommand).resolves({ Attributes: { QueueArn: 'arn:x', VisibilityTimeout: '30' } });
    sqs.on(ListQueueTagsCommand).resolves({ Tags: {} });
    const results = await ensureQueues(ctx, spec, store, { dryRun: false });
    expect(results.map((r) => r.status)).toEqual(['adopted', 'adopted']);
    expect(writes(sqs)).toEqual([]);
  });
});
