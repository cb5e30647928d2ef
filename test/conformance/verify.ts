import { DescribeLogGroupsCommand, type LogGroup } from '@aws-sdk/client-cloudwatch-logs';
import { DescribeTableCommand, type TableDescription } from '@aws-sdk/client-dynamodb';
import { GetRoleCommand, type Role } from '@aws-sdk/client-iam';
import {
  GetFunctionConfigurationCommand, GetFunctionUrlConfigCommand, GetPolicyCommand, ListEventSourceMappingsCommand,
  type EventSourceMappingConfiguration, type FunctionConfiguration, type GetFunctionUrlConfigCommandOutput,
} from '@aws-sdk/client-lambda';
import { GetBucketEncryptionCommand, GetBucketTaggingCommand, GetPublicAccessBlockCommand, HeadBucketCommand, ListObjectsV2Command, type PublicAccessBlockConfiguration } from '@aws-sdk/client-s3';
import { ChangeMessageVisibilityBatchCommand, GetQueueAttributesCommand, GetQueueUrlCommand, ReceiveMessageCommand, type Message } from '@aws-sdk/client-sqs';
import { DynamoDBDocumentClient, ScanCommand } from '@aws-sdk/lib-dynamodb';
import type { Clients } from './backend.js';

/**
 * What a stack is made of, named as thumbs documents it (README: "Names are deterministic"), written
 * out here rather than imported, so the suite checks the contract instead of restating thumbs' code.
 */
export function stackNamesOf(stack: string, account: string, region: string) {
  const prefix = `thumbs-${stack}`;
  return {
    originalsBucket: `${prefix}-originals-${account}-${region}`,
    thumbnailsBucket: `${prefix}-thumbnails-${account}-${region}`,
    table: `${prefix}-images`,
    queue: `${prefix}-jobs`,
    deadLetterQueue: `${prefix}-jobs-dlq`,
    role: `${prefix}-fn`,
    function: `${prefix}-thumbnailer`,
    logGroup: `/aws/lambda/${prefix}-thumbnailer`,
  };
}
export type StackNamesOf = ReturnType<typeof stackNamesOf>;

/** undefined for "does not exist": any error whose status or name says not found. */
async function unlessMissing<T>(read: () => Promise<T>): Promise<T | undefined> {
  try {
    return await read();
  } catch (error) {
    const e = error as { name?: string; $metadata?: { httpStatusCode?: number } };
    if (e.$metadata?.httpStatusCode === 404 || /NotFound|NoSuch|NonExistent|DoesNotExist/.test(e.name ?? '')) return undefined;
    throw error;
  }
}

export async function bucketExists(clients: Clients, bucket: string): Promise<boolean> {
  return (await unlessMissing(() => clients.s3.send(new HeadBucketCommand({ Bucket: bucket })))) !== undefined;
}

export async function publicAccessBlockOf(clients: Clients, bucket: string): Promise<PublicAccessBlockConfiguration | undefined> {
  return (await unlessMissing(() => clients.s3.send(new GetPublicAccessBlockCommand({ Bucket: bucket }))))?.PublicAccessBlockConfiguration;
}

export async function encryptionOf(clients: Clients, bucket: string): Promise<string | undefined> {
  const answer = await unlessMissing(() => clients.s3.send(new GetBucketEncryptionCommand({ Bucket: bucket })));
  return answer?.ServerSideEncryptionConfiguration?.Rules?.[0]?.ApplyServerSideEncryptionByDefault?.SSEAlgorithm;
}

export async function bucketTagsOf(clients: Clients, bucket: string): Promise<Record<string, string>> {
  const answer = await unlessMissing(() => clients.s3.send(new GetBucketTaggingCommand({ Bucket: bucket })));
  return Object.fromEntries((answer?.TagSet ?? []).map((t) => [t.Key ?? '', t.Value ?? '']));
}

export async function keysIn(clients: Clients, bucket: string): Promise<string[]> {
  const keys: string[] = [];
  let ContinuationToken: string | undefined;
  do {
    const page = await clients.s3.send(new ListObjectsV2Command({ Bucket: bucket, ContinuationToken }));
    keys.push(...(page.Contents ?? []).map((o) => o.Key ?? ''));
    ContinuationToken = page.NextContinuationToken;
  } while (ContinuationToken);
  return keys.sort();
}

export async function queueUrlOf(clients: Clients, queue: string): Promise<string | undefined> {
  return (await unlessMissing(() => clients.sqs.send(new GetQueueUrlCommand({ QueueName: queue }))))?.QueueUrl;
}

export async function queueAttributesOf(clients: Clients, queue: string): Promise<Record<string, string>> {
  const url = await queueUrlOf(clients, queue);
  if (!url) throw new Error(`queue ${queue} does not exist`);
  return (await clients.sqs.send(new GetQueueAttributesCommand({ QueueUrl: url, AttributeNames: ['All'] }))).Attributes ?? {};
}

/**
 * Every message the queue holds: received (hidden while counting, so none is seen twice) and then
 * made visible again at once, so counting consumes nothing.
 */
export async function messagesIn(clients: Clients, queue: string): Promise<Message[]> {
  const url = await queueUrlOf(clients, queue);
  if (!url) throw new Error(`queue ${queue} does not exist`);
  const messages: Message[] = [];
  for (let empty = 0; empty < 2; ) {
    const page = await clients.sqs.send(new ReceiveMessageCommand({ QueueUrl: url, MaxNumberOfMessages: 10, VisibilityTimeout: 60, WaitTimeSeconds: 1, MessageAttributeNames: ['All'] }));
    const received = page.Messages ?? [];
    messages.push(...received);
    empty = received.length === 0 ? empty + 1 : 0;
  }
  for (let i = 0; i < messages.length; i += 10) {
    const entries = messages.slice(i, i + 10).map((m, n) => ({ Id: String(n), ReceiptHandle: m.ReceiptHandle, VisibilityTimeout: 0 }));
    await clients.sqs.send(new ChangeMessageVisibilityBatchCommand({ QueueUrl: url, Entries: entries }));
  }
  return messages;
}

/** The image keys of thumbs upload messages, sorted. */
export const keysOfMessages = (messages: Message[]): string[] => messages.map((m) => (JSON.parse(m.Body ?? '{}') as { key?: string }).key ?? '(no key)').sort();

export async function tableOf(clients: Clients, table: string): Promise<TableDescription | undefined> {
  return (await unlessMissing(() => clients.dynamodb.send(new DescribeTableCommand({ TableName: table }))))?.Table;
}

export async function itemsIn(clients: Clients, table: string): Promise<Array<Record<string, unknown>>> {
  const documents = DynamoDBDocumentClient.from(clients.dynamodb);
  const items: Array<Record<string, unknown>> = [];
  let ExclusiveStartKey: Record<string, unknown> | undefined;
  do {
    const page = await documents.send(new ScanCommand({ TableName: table, ExclusiveStartKey, ConsistentRead: true }));
    items.push(...(page.Items ?? []));
    ExclusiveStartKey = page.LastEvaluatedKey;
  } while (ExclusiveStartKey);
  return items;
}

/** The table's images: every item but the stack's own (its record, lease and batches), whose keys start with '#thumbs/'. */
export async function imagesIn(clients: Clients, table: string): Promise<Array<Record<string, unknown>>> {
  return (await itemsIn(clients, table)).filter((item) => !String(item.imageKey).startsWith('#thumbs/'));
}

export async function roleOf(clients: Clients, role: string): Promise<Role | undefined> {
  return (await unlessMissing(() => clients.iam.send(new GetRoleCommand({ RoleName: role }))))?.Role;
}

export async function functionOf(clients: Clients, name: string): Promise<FunctionConfiguration | undefined> {
  return unlessMissing(() => clients.lambda.send(new GetFunctionConfigurationCommand({ FunctionName: name })));
}

/** The function's URL configuration, undefined when it has none (or there is no function). */
export async function functionUrlOf(clients: Clients, name: string): Promise<GetFunctionUrlConfigCommandOutput | undefined> {
  return unlessMissing(() => clients.lambda.send(new GetFunctionUrlConfigCommand({ FunctionName: name })));
}

/** The statements of the function's resource-based policy: action, Sid and everything else as the endpoint returns it. */
export async function functionStatementsOf(clients: Clients, name: string): Promise<Array<{ Sid?: string; Action?: string | string[] }>> {
  const answer = await unlessMissing(() => clients.lambda.send(new GetPolicyCommand({ FunctionName: name })));
  return (JSON.parse(answer?.Policy ?? '{}') as { Statement?: Array<{ Sid?: string; Action?: string | string[] }> }).Statement ?? [];
}

/** Every event source mapping from the stack's queue, whatever function it feeds. */
export async function mappingsFrom(clients: Clients, queueName: string): Promise<EventSourceMappingConfiguration[]> {
  const mappings: EventSourceMappingConfiguration[] = [];
  let Marker: string | undefined;
  do {
    const page = await clients.lambda.send(new ListEventSourceMappingsCommand({ Marker }));
    mappings.push(...(page.EventSourceMappings ?? []).filter((m) => m.EventSourceArn?.endsWith(`:${queueName}`)));
    Marker = page.NextMarker;
  } while (Marker);
  return mappings;
}

export async function logGroupOf(clients: Clients, name: string): Promise<LogGroup | undefined> {
  const page = await clients.logs.send(new DescribeLogGroupsCommand({ logGroupNamePrefix: name }));
  return page.logGroups?.find((g) => g.logGroupName === name);
}

/** Polls until `read` gives a value `done` accepts, or fails naming what it waited for and the last value. */
export async function waitFor<T>(what: string, read: () => Promise<T>, done: (value: T) => boolean, timeoutMs = 60_000): Promise<T> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const value = await read();
    if (done(value)) return value;
    if (Date.now() > until) throw new Error(`waited ${timeoutMs / 1000}s for ${what}; last seen: ${JSON.stringify(value).slice(0, 400)}`);
    await new Promise((r) => setTimeout(r, 500));
  }
}
