import { DescribeLogGroupsCommand } from '@aws-sdk/client-cloudwatch-logs';
import { ListTablesCommand } from '@aws-sdk/client-dynamodb';
import { ListRolesCommand, ListRoleTagsCommand } from '@aws-sdk/client-iam';
import { ListEventSourceMappingsCommand, ListFunctionsCommand } from '@aws-sdk/client-lambda';
import { GetResourcesCommand } from '@aws-sdk/client-resource-groups-tagging-api';
import { ListBucketsCommand } from '@aws-sdk/client-s3';
import { ListQueuesCommand } from '@aws-sdk/client-sqs';
import type { Backend } from './backend.js';
import { bucketTagsOf } from './verify.js';

/** A name of the stack: `thumbs-<stack>-` and then one of thumbs' suffixes, never another stack's longer name. */
const ofStack = (stack: string) => new RegExp(`^(/aws/lambda/)?thumbs-${stack}-(originals|thumbnails|site|images|jobs|jobs-dlq|fn|thumbnailer|gallery)(-|$)`);
const TAG = 'thumbs:stack';

async function pages<T>(read: (token: string | undefined) => Promise<{ items: T[]; next?: string | undefined }>): Promise<T[]> {
  const all: T[] = [];
  let token: string | undefined;
  do {
    const page = await read(token);
    all.push(...page.items);
    token = page.next || undefined;
  } while (token);
  return all;
}

/**
 * Everything of the stack the backend still holds, each kind listed by name and, where the backend
 * keeps tags, by the stack's tag: `kind name` lines, empty when nothing remains.
 */
export async function remainsOf(backend: Backend, stack: string): Promise<string[]> {
  const { clients, target } = backend;
  const named = ofStack(stack);
  const found: string[] = [];

  const buckets = (await clients.s3.send(new ListBucketsCommand({}))).Buckets ?? [];
  for (const { Name = '' } of buckets) {
    if (named.test(Name)) found.push(`bucket ${Name}`);
    else if (target.has.has('resource tags') && Name.startsWith('thumbs-') && (await bucketTagsOf(clients, Name))[TAG] === stack) found.push(`bucket ${Name} (tagged)`);
  }
  const tables = await pages(async (ExclusiveStartTableName) => {
    const page = await clients.dynamodb.send(new ListTablesCommand({ ExclusiveStartTableName }));
    return { items: page.TableNames ?? [], next: page.LastEvaluatedTableName };
  });
  found.push(...tables.filter((t) => named.test(t)).map((t) => `table ${t}`));
  const queues = (await clients.sqs.send(new ListQueuesCommand({ QueueNamePrefix: `thumbs-${stack}-` }))).QueueUrls ?? [];
  found.push(...queues.filter((url) => named.test(url.split('/').pop() ?? '')).map((url) => `queue ${url}`));

  if (target.has.has('IAM')) {
    const roles = await pages(async (Marker) => {
      const page = await clients.iam.send(new ListRolesCommand({ Marker }));
      return { items: page.Roles ?? [], next: page.IsTruncated ? page.Marker : undefined };
    });
    for (const { RoleName = '' } of roles) {
      if (named.test(RoleName)) found.push(`role ${RoleName}`);
      else if (RoleName.startsWith('thumbs-')) {
        const tags = (await clients.iam.send(new ListRoleTagsCommand({ RoleName }))).Tags ?? [];
        if (tags.some((t) => t.Key === TAG && t.Value === stack)) found.push(`role ${RoleName} (tagged)`);
      }
    }
  }
  if (target.has.has('Lambda')) {
    const functions = await pages(async (Marker) => {
      const page = await clients.lambda.send(new ListFunctionsCommand({ Marker }));
      return { items: page.Functions ?? [], next: page.NextMarker };
    });
    found.push(...functions.filter((f) => named.test(f.FunctionName ?? '')).map((f) => `function ${f.FunctionName}`));
    const mappings = await pages(async (Marker) => {
      const page = await clients.lambda.send(new ListEventSourceMappingsCommand({ Marker }));
      return { items: page.EventSourceMappings ?? [], next: page.NextMarker };
    });
    const ofTheStack = (arn = '') => named.test(arn.split(':').pop() ?? '');
    found.push(...mappings.filter((m) => ofTheStack(m.EventSourceArn) || ofTheStack(m.FunctionArn)).map((m) => `event source mapping ${m.UUID}`));
  }
  if (target.has.has('CloudWatch Logs')) {
    const groups = (await clients.logs.send(new DescribeLogGroupsCommand({ logGroupNamePrefix: `/aws/lambda/thumbs-${stack}-` }))).logGroups ?? [];
    found.push(...groups.filter((g) => named.test(g.logGroupName ?? '')).map((g) => `log group ${g.logGroupName}`));
  }
  if (target.has.has('tagging API')) {
    const tagged = await pages(async (PaginationToken) => {
      const page = await clients.tagging.send(new GetResourcesCommand({ TagFilters: [{ Key: TAG, Values: [stack] }], PaginationToken }));
      return { items: page.ResourceTagMappingList ?? [], next: page.PaginationToken };
    });
    found.push(...tagged.map((r) => `tagged ${r.ResourceARN}`));
  }
  return found;
}
