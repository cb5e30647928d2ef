import { CloudWatchLogsClient, FilterLogEventsCommand } from '@aws-sdk/client-cloudwatch-logs';
import { GetResourcesCommand, ResourceGroupsTaggingAPIClient } from '@aws-sdk/client-resource-groups-tagging-api';
import {
  ChangeMessageVisibilityBatchCommand,
  DeleteMessageBatchCommand,
  GetQueueAttributesCommand,
  ListMessageMoveTasksCommand,
  ReceiveMessageCommand,
  SendMessageBatchCommand,
  SQSClient,
  StartMessageMoveTaskCommand,
} from '@aws-sdk/client-sqs';
import { GetCallerIdentityCommand, STSClient } from '@aws-sdk/client-sts';
import { DynamoDBClient, GetItemCommand, ListTablesCommand } from '@aws-sdk/client-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import { logs } from '../../src/actions/logs.js';
import { stacks } from '../../src/actions/stacks.js';
import { EndpointNotAws } from '../../src/aws/not-aws.js';
import { redrive } from '../../src/dlq/redrive.js';
import type { LogRecord } from '../../src/logs/log-record.js';
import { awsError } from '../helpers/fake-aws.js';
import { mockAwsContext } from '../helpers/mock-context.js';

const cwl = mockClient(CloudWatchLogsClient);
const sqs = mockClient(SQSClient);
const sts = mockClient(STSClient);
// The stack's record and lease (reserved items of its table): none here.
const dynamodb = mockClient(DynamoDBClient);
const tagging = mockClient(ResourceGroupsTaggingAPIClient);

beforeEach(() => {
  cwl.reset();
  sqs.reset();
  sts.reset();
  tagging.reset();
  sts.on(GetCallerIdentityCommand).resolves({ Account: '123456789012' });
});

/** A line as Lambda stores it with LogFormat JSON: its envelope, our JSON line as the message. */
function lambdaLine(key: string, status: string, time: number): string {
  const ours = JSON.stringify({ level: 'info', time: new Date(time).toISOString(), msg: 'record', key, status, ms: 40 });
  return JSON.stringify({ timestamp: new Date(time).toISOString(), level: 'INFO', requestId: `req-${key}`, message: ours });
}

const event = (id: string, key: string, time: number) => ({ eventId: id, timestamp: time, message: lambdaLine(key, 'done', time), logStreamName: 's' });

describe('logs on AWS (mocked CloudWatch Logs)', () => {
  it('reads every page of FilterLogEvents from --since, and unwraps the JSON envelope', async () => {
    const { ctx } = await mockAwsContext();
    const since = Date.parse('2026-01-01T10:00:00Z');
    cwl.on(FilterLogEventsCommand)
      .resolvesOnce({ events: [event('1', 'a.jpg', since + 1), event('2', 'b.jpg', since + 2)], nextToken: 'page2' })
      .resolvesOnce({ events: [event('3', 'c.jpg', since + 3)] });
    const records: LogRecord[] = [];
    const result = await logs(ctx, { since, onRecord: ({ record }) => records.push(record) });
    expect(result.records).toBe(3);
    expect(records.map((r) => [r.key, r.status, r.requestId])).toEqual([['a.jpg', 'done', 'req-a.jpg'], ['b.jpg', 'done', 'req-b.jpg'], ['c.jpg', 'done', 'req-c.jpg']]);
    expect(cwl).toHaveReceivedCommandTimes(FilterLogEventsCommand, 2);
    expect(cwl).toHaveReceivedNthCommandWith(FilterLogEventsCommand, 1, { logGroupName: '/aws/lambda/thumbs-default-thumbnailer', startTime: since });
    expect(cwl).toHaveReceivedNthCommandWith(FilterLogEventsCommand, 2, { logGroupName: '/aws/lambda/thumbs-default-thumbnailer', startTime: since, nextToken: 'page2' });
  });

  it('narrows by --key on the server and checks it exactly on the client', async () => {
    const { ctx } = await mockAwsContext();
    const since = Date.parse('2026-01-01T10:00:00Z');
    // The server's term match also returns a longer key containing the asked one.
    cwl.on(FilterLogEventsCommand).resolves({ events: [event('1', 'a.jpg', since + 1), event('2', 'xa.jpg', since + 2)] });
    const records: LogRecord[] = [];
    await logs(ctx, { since, key: 'a.jpg', onRecord: ({ record }) => records.push(record) });
    expect(records.map((r) => r.key)).toEqual(['a.jpg']);
    expect(cwl).toHaveReceivedCommandWith(FilterLogEventsCommand, { filterPattern: '"a.jpg"' });
  });

  it('--follow polls again and drops the events already printed, by event id', async () => {
    const { ctx } = await mockAwsContext();
    const since = Date.parse('2026-01-01T10:00:00Z');
    cwl.on(FilterLogEventsCommand)
      .resolvesOnce({ events: [event('1', 'a.jpg', since + 1), event('2', 'b.jpg', since + 2)] })
      .resolvesOnce({ events: [event('2', 'b.jpg', since + 2), event('3', 'c.jpg', since + 3)] })
      .resolves({ events: [] });
    const controller = new AbortController();
    const keys: string[] = [];
    await logs(ctx, {
      since, follow: true, signal: controller.signal, pollMs: 1,
      onRecord: ({ record }) => {
        keys.push(record.key ?? '');
        if (keys.length === 3) controller.abort();
      },
    });
    expect(keys).toEqual(['a.jpg', 'b.jpg', 'c.jpg']);
  });
});

const target = { deadLetterUrl: 'https://sqs/dlq', deadLetterArn: 'arn:aws:sqs:us-east-1:1:dlq', queueUrl: 'https://sqs/q', queueArn: 'arn:aws:sqs:us-east-1:1:q' };
const message = (i: number) => ({ MessageId: `m${i}`, ReceiptHandle: `r${i}`, Body: `{"v":1,"key":"k${i}"}` });

describe('dlq --redrive on AWS (mocked SQS)', () => {
  it('uses StartMessageMoveTask and follows the task until it completes', async () => {
    const { ctx } = await mockAwsContext();
    sqs.on(StartMessageMoveTaskCommand).resolves({ TaskHandle: 'task-1' });
    sqs.on(ListMessageMoveTasksCommand)
      .resolvesOnce({ Results: [{ TaskHandle: 'task-1', Status: 'RUNNING' }] })
      .resolves({ Results: [{ TaskHandle: 'task-1', Status: 'COMPLETED', ApproximateNumberOfMessagesMoved: 3 }] });
    const result = await redrive(ctx.clients.sqs, target, { tryMoveTask: true, pollMs: 1 });
    expect(result).toEqual({ method: 'move-task', moved: 3, failed: 0, deleteFailed: 0 });
    expect(sqs).toHaveReceivedCommandWith(StartMessageMoveTaskCommand, { SourceArn: target.deadLetterArn, DestinationArn: target.queueArn });
    expect(sqs).not.toHaveReceivedCommand(ReceiveMessageCommand);
  });

  it('falls back to receive, send, delete where the endpoint lacks it, deleting only what was sent, after the send', async () => {
    const { ctx } = await mockAwsContext();
    sqs.on(StartMessageMoveTaskCommand).rejects(awsError('InvalidAction', 400));
    sqs.on(GetQueueAttributesCommand).resolves({ Attributes: { ApproximateNumberOfMessages: '3' } });
    sqs.on(ReceiveMessageCommand).resolvesOnce({ Messages: [message(0), message(1), message(2)] }).resolves({ Messages: [] });
    sqs.on(SendMessageBatchCommand).resolves({
      Successful: [{ Id: '0', MessageId: 'n0', MD5OfMessageBody: '' }, { Id: '2', MessageId: 'n2', MD5OfMessageBody: '' }],
      Failed: [{ Id: '1', Code: 'InternalError', SenderFault: false }],
    });
    sqs.on(DeleteMessageBatchCommand).resolves({ Successful: [{ Id: '0' }, { Id: '1' }] });
    sqs.on(ChangeMessageVisibilityBatchCommand).resolves({});
    const result = await redrive(ctx.clients.sqs, target, { tryMoveTask: true });
    expect(result).toEqual({ method: 'copy', moved: 2, failed: 1, deleteFailed: 0 });
    expect(sqs).toHaveReceivedCommandWith(SendMessageBatchCommand, {
      QueueUrl: target.queueUrl,
      Entries: [0, 1, 2].map((i) => ({ Id: String(i), MessageBody: `{"v":1,"key":"k${i}"}` })),
    });
    expect(sqs).toHaveReceivedCommandTimes(DeleteMessageBatchCommand, 1);
    expect(sqs).toHaveReceivedCommandWith(DeleteMessageBatchCommand, { QueueUrl: target.deadLetterUrl, Entries: [{ Id: '0', ReceiptHandle: 'r0' }, { Id: '1', ReceiptHandle: 'r2' }] });
    const order = sqs.calls().map((call) => call.args[0].constructor.name);
    expect(order.indexOf('DeleteMessageBatchCommand')).toBeGreaterThan(order.indexOf('SendMessageBatchCommand'));
    // The one not sent is made visible again at once, still in the dead-letter queue.
    expect(sqs).toHaveReceivedCommandWith(ChangeMessageVisibilityBatchCommand, { QueueUrl: target.deadLetterUrl, Entries: [{ Id: '0', ReceiptHandle: 'r1', VisibilityTimeout: 0 }] });
  });

  it("falls back to the copy when the move task's answer is not AWS's (moto's bare 500 HTML page for an action it lacks)", async () => {
    const { ctx } = await mockAwsContext();
    sqs.on(StartMessageMoveTaskCommand).rejects(new EndpointNotAws('SQS', 'http://127.0.0.1:5000', 'an HTML page', undefined));
    sqs.on(GetQueueAttributesCommand).resolves({ Attributes: { ApproximateNumberOfMessages: '1' } });
    sqs.on(ReceiveMessageCommand).resolvesOnce({ Messages: [message(0)] }).resolves({ Messages: [] });
    sqs.on(SendMessageBatchCommand).resolves({ Successful: [{ Id: '0', MessageId: 'n0', MD5OfMessageBody: '' }] });
    sqs.on(DeleteMessageBatchCommand).resolves({ Successful: [{ Id: '0' }] });
    expect(await redrive(ctx.clients.sqs, target, { tryMoveTask: true })).toEqual({ method: 'copy', moved: 1, failed: 0, deleteFailed: 0 });
  });

  it('deletes nothing when the send itself fails', async () => {
    const { ctx } = await mockAwsContext();
    sqs.on(GetQueueAttributesCommand).resolves({ Attributes: { ApproximateNumberOfMessages: '2' } });
    sqs.on(ReceiveMessageCommand).resolvesOnce({ Messages: [message(0), message(1)] }).resolves({ Messages: [] });
    sqs.on(SendMessageBatchCommand).rejects(awsError('KmsAccessDenied', 400));
    sqs.on(ChangeMessageVisibilityBatchCommand).resolves({});
    await expect(redrive(ctx.clients.sqs, target, { tryMoveTask: false })).rejects.toMatchObject({ name: 'KmsAccessDenied' });
    expect(sqs).not.toHaveReceivedCommand(DeleteMessageBatchCommand);
    expect(sqs).not.toHaveReceivedCommand(StartMessageMoveTaskCommand);
    expect(sqs).toHaveReceivedCommandWith(ChangeMessageVisibilityBatchCommand, {
      Entries: [{ Id: '0', ReceiptHandle: 'r0', VisibilityTimeout: 0 }, { Id: '1', ReceiptHandle: 'r1', VisibilityTimeout: 0 }],
    });
  });
});

describe('stacks on AWS (mocked Resource Groups Tagging API)', () => {
  it('finds stacks by the thumbs:stack tag across pages, grouped per stack', async () => {
    const { ctx } = await mockAwsContext();
    const tagged = (arn: string, stack: string) => ({ ResourceARN: arn, Tags: [{ Key: 'thumbs:stack', Value: stack }, { Key: 'thumbs:managed-by', Value: 'thumbs' }] });
    tagging.on(GetResourcesCommand)
      .resolvesOnce({ ResourceTagMappingList: [tagged('arn:aws:s3:::thumbs-alpha-originals', 'alpha'), tagged('arn:aws:sqs:us-east-1:1:thumbs-beta-jobs', 'beta')], PaginationToken: 'p2' })
      .resolvesOnce({ ResourceTagMappingList: [tagged('arn:aws:dynamodb:us-east-1:1:table/thumbs-alpha-images', 'alpha')], PaginationToken: '' });
    dynamodb.on(ListTablesCommand).resolves({ TableNames: [] });
    const result = await stacks(ctx);
    expect(result.stacks.map((s) => [s.stack, s.foundBy, s.resources, s.region])).toEqual([['alpha', 'tags', 2, 'us-east-1'], ['beta', 'tags', 1, 'us-east-1']]);
    expect(result.discovery).toBe('0 recorded in us-east-1; 2 stacks tagged in us-east-1');
    expect(tagging).toHaveReceivedCommandTimes(GetResourcesCommand, 2);
    expect(tagging).toHaveReceivedNthCommandWith(GetResourcesCommand, 1, { TagFilters: [{ Key: 'thumbs:stack' }] });
    expect(tagging).toHaveReceivedNthCommandWith(GetResourcesCommand, 2, { PaginationToken: 'p2' });
  });

  it('lists the stacks recorded in their tables: one GetItem per thumbs table, whatever the folder', async () => {
    const { ctx } = await mockAwsContext();
    dynamodb.reset();
    tagging.reset();
    tagging.on(GetResourcesCommand).resolves({ ResourceTagMappingList: [] });
    dynamodb.on(ListTablesCommand).resolves({ TableNames: ['thumbs-gamma-images', 'someone-elses-table'] });
    const state = { version: 2, stack: 'gamma', account: '1', region: 'us-east-1', backend: 'aws', updatedAt: '', resources: { table: { id: 'thumbs-gamma-images', origin: 'created' } } };
    dynamodb.on(GetItemCommand, { TableName: 'thumbs-gamma-images' }).resolves({ Item: { imageKey: { S: '#thumbs/record' }, recordVersion: { N: '3' }, state: { S: JSON.stringify(state) } } });
    const result = await stacks(ctx);
    expect(result.stacks.map((s) => [s.stack, s.foundBy, s.resources])).toEqual([['gamma', 'record', 1]]);
    expect(result.discovery).toMatch(/^1 recorded in us-east-1/);
    expect(dynamodb).toHaveReceivedCommandTimes(GetItemCommand, 1);
    expect(dynamodb).toHaveReceivedCommandWith(GetItemCommand, { TableName: 'thumbs-gamma-images', Key: { imageKey: { S: '#thumbs/record' } } });
  });
});
