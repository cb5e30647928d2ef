import { CloudWatchLogsClient, CreateLogGroupCommand, DeleteLogGroupCommand, DescribeLogGroupsCommand, ListTagsForResourceCommand, PutRetentionPolicyCommand, TagResourceCommand as LogsTagResourceCommand } from '@aws-sdk/client-cloudwatch-logs';
import { CreateTableCommand, DeleteTableCommand, DescribeTableCommand, DynamoDBClient, ListTagsOfResourceCommand, ScanCommand, TagResourceCommand as DynamoTagResourceCommand, UpdateTableCommand, type GlobalSecondaryIndex } from '@aws-sdk/client-dynamodb';
import { CreateRoleCommand, DeleteRoleCommand, DeleteRolePolicyCommand, GetRoleCommand, GetRolePolicyCommand, IAMClient, ListAttachedRolePoliciesCommand, ListRolePoliciesCommand, PutRolePolicyCommand, TagRoleCommand, UpdateAssumeRolePolicyCommand } from '@aws-sdk/client-iam';
import { DynamoDBDocumentClient, ScanCommand as DocScanCommand } from '@aws-sdk/lib-dynamodb';
import {
  CreateEventSourceMappingCommand, CreateFunctionCommand, DeleteEventSourceMappingCommand, DeleteFunctionCommand, GetEventSourceMappingCommand, GetFunctionCommand,
  AddPermissionCommand, CreateFunctionUrlConfigCommand, DeleteFunctionUrlConfigCommand, GetFunctionUrlConfigCommand, GetPolicyCommand, RemovePermissionCommand, UpdateFunctionUrlConfigCommand, type Cors,
  LambdaClient, ListEventSourceMappingsCommand, TagResourceCommand as LambdaTagResourceCommand, UpdateEventSourceMappingCommand, UpdateFunctionCodeCommand, UpdateFunctionConfigurationCommand,
  type EventSourceMappingConfiguration, type FunctionConfiguration,
} from '@aws-sdk/client-lambda';
import {
  CreateBucketCommand, DeleteBucketCommand, ListMultipartUploadsCommand, ListObjectsV2Command, ListObjectVersionsCommand, GetBucketNotificationConfigurationCommand, GetBucketTaggingCommand, HeadBucketCommand, PutBucketCorsCommand, PutBucketEncryptionCommand,
  PutBucketNotificationConfigurationCommand, PutBucketTaggingCommand, PutPublicAccessBlockCommand, S3Client, type NotificationConfiguration,
  GetPublicAccessBlockCommand, GetBucketEncryptionCommand, GetBucketCorsCommand, type CORSRule, type PublicAccessBlockConfiguration,
} from '@aws-sdk/client-s3';
import { CreateQueueCommand, DeleteQueueCommand, GetQueueAttributesCommand, GetQueueUrlCommand, ListQueueTagsCommand, SetQueueAttributesCommand, SQSClient, TagQueueCommand } from '@aws-sdk/client-sqs';
import { GetResourcesCommand, ResourceGroupsTaggingAPIClient } from '@aws-sdk/client-resource-groups-tagging-api';
import { GetCallerIdentityCommand, STSClient } from '@aws-sdk/client-sts';
import { CreateTopicCommand, DeleteTopicCommand, GetTopicAttributesCommand, ListSubscriptionsByTopicCommand, ListTagsForResourceCommand as SnsListTagsCommand, SNSClient, SubscribeCommand, UnsubscribeCommand } from '@aws-sdk/client-sns';
import { mockClient } from 'aws-sdk-client-mock';
import { setTimeout as sleep } from 'node:timers/promises';
import type { AwsCall } from '../../src/aws/call-log.js';

export const ACCOUNT = '123456789012';
export const awsError = (name: string, status: number, message = name) => Object.assign(new Error(message), { name, $fault: 'client', $metadata: { httpStatusCode: status } });
const notFound = (name = 'ResourceNotFoundException') => awsError(name, 404);

/** A small in-memory AWS that answers the calls provision, deploy and teardown make; every call is timed. */
export class FakeAws {
  buckets = new Map<string, { notification: NotificationConfiguration; tags: Array<{ Key: string; Value: string }>; block?: PublicAccessBlockConfiguration; encryption?: string; cors?: CORSRule[] }>();
  queues = new Map<string, Record<string, string>>();
  queueTags = new Map<string, Record<string, string>>();
  tables = new Set<string>();
  /** The secondary indexes each table was created with. */
  tableIndexes = new Map<string, GlobalSecondaryIndex[]>();
  roles = new Map<string, { Arn: string; Tags: Array<{ Key: string; Value: string }>; policies: Map<string, string>; trust?: string }>();
  logGroupTags = new Map<string, Record<string, string>>();
  logRetention = new Map<string, number>();
  /** Kill point: every call after this many fails, as if the process had died there. */
  failAfter = Infinity;
  functions = new Map<string, { config: FunctionConfiguration; tags: Record<string, string> }>();
  mappings: EventSourceMappingConfiguration[] = [];
  /** Function URLs and the functions' resource-based statements (by Sid), by function name. */
  functionUrls = new Map<string, { AuthType?: string; Cors?: Cors; FunctionUrl: string }>();
  permissions = new Map<string, Map<string, Record<string, unknown>>>();
  logGroups = new Set<string>();
  /** SNS topics by ARN: tags and email subscriptions (endpoint -> subscription ARN, PendingConfirmation until confirmed). */
  topics = new Map<string, { tags: Array<{ Key: string; Value: string }>; subscriptions: Map<string, string> }>();
  denyCreateRole = false;
  /** How many CreateFunction calls fail with the IAM propagation error first. */
  propagationFailures = 0;
  /** Like moto: GetFunction answers without LoggingConfig, whatever was set. */
  omitsLoggingConfig = false;
  readonly calls: AwsCall[] = [];
  readonly mocks = {
    sts: mockClient(STSClient), s3: mockClient(S3Client), sqs: mockClient(SQSClient), dynamodb: mockClient(DynamoDBClient),
    iam: mockClient(IAMClient), lambda: mockClient(LambdaClient), logs: mockClient(CloudWatchLogsClient),
    doc: mockClient(DynamoDBDocumentClient), sns: mockClient(SNSClient), tagging: mockClient(ResourceGroupsTaggingAPIClient),
  };
  private readonly origin = performance.now();

  constructor(private readonly delayMs = 0) {
    this.install();
  }

  reset(): void {
    for (const mock of Object.values(this.mocks)) mock.restore();
  }

  commands(service: keyof FakeAws['mocks']): string[] {
    return this.mocks[service].calls().map((call) => call.args[0].constructor.name.replace(/Command$/, ''));
  }

  private on<I extends object, O extends object>(service: keyof FakeAws['mocks'], command: new (input: I) => unknown, answer: (input: I) => O | Promise<O>): void {
    const name = command.name.replace(/Command$/, '');
    (this.mocks[service] as unknown as { on(c: unknown): { callsFake(f: (input: I) => Promise<O>): void } }).on(command).callsFake(async (input: I) => {
      const startMs = performance.now() - this.origin;
      let ok = false;
      if (this.calls.length >= this.failAfter) {
        this.calls.push({ service, command: name, startMs, endMs: startMs, ok: false });
        throw new Error(`killed before ${name}`);
      }
      try {
        if (this.delayMs) await sleep(this.delayMs);
        const out = await answer(input);
        ok = true;
        return out;
      } finally {
        this.calls.push({ service, command: name, startMs, endMs: performance.now() - this.origin, ok });
      }
    });
  }

  private install(): void {
    this.on('sts', GetCallerIdentityCommand, () => ({ Account: ACCOUNT }));
    this.installData();
    this.installIam();
    this.installLambda();
    this.installSns();
    this.installTagging();
    this.on('logs', CreateLogGroupCommand, (i) => {
      if (this.logGroups.has(i.logGroupName ?? '')) throw awsError('ResourceAlreadyExistsException', 400);
      this.logGroups.add(i.logGroupName ?? '');
      this.logGroupTags.set(i.logGroupName ?? '', i.tags ?? {});
      return {};
    });
    this.on('logs', PutRetentionPolicyCommand, (i) => (this.logRetention.set(i.logGroupName ?? '', i.retentionInDays ?? 0), {}));
    this.on('logs', DescribeLogGroupsCommand, (i: { logGroupNamePrefix?: string }) => ({
      logGroups: [...this.logGroups].filter((n) => n.startsWith(i.logGroupNamePrefix ?? '')).map((logGroupName) => ({ logGroupName, retentionInDays: this.logRetention.get(logGroupName) })),
    }));
    this.on('logs', ListTagsForResourceCommand, (i) => ({ tags: this.logGroupTags.get((i.resourceArn ?? '').split(':log-group:').pop() ?? '') ?? {} }));
    this.on('logs', LogsTagResourceCommand, (i) => (this.logGroupTags.set((i.resourceArn ?? '').split(':log-group:').pop() ?? '', i.tags ?? {}), {}));
    this.on('logs', DeleteLogGroupCommand, (i) => {
      if (!this.logGroups.delete(i.logGroupName ?? '')) throw notFound();
      return {};
    });
  }

  private bucket(name: string | undefined) {
    const bucket = this.buckets.get(name ?? '');
    if (!bucket) throw awsError('NoSuchBucket', 404);
    return bucket;
  }

  private installData(): void {
    this.on('s3', HeadBucketCommand, (i) => (this.bucket(i.Bucket), {}));
    this.on('s3', CreateBucketCommand, (i) => (this.buckets.set(i.Bucket ?? '', { notification: {}, tags: [] }), {}));
    this.on('s3', PutPublicAccessBlockCommand, (i) => ((this.bucket(i.Bucket).block = i.PublicAccessBlockConfiguration), {}));
    this.on('s3', PutBucketEncryptionCommand, (i) => ((this.bucket(i.Bucket).encryption = i.ServerSideEncryptionConfiguration?.Rules?.[0]?.ApplyServerSideEncryptionByDefault?.SSEAlgorithm), {}));
    this.on('s3', PutBucketCorsCommand, (i) => ((this.bucket(i.Bucket).cors = i.CORSConfiguration?.CORSRules), {}));
    this.on('s3', GetPublicAccessBlockCommand, (i) => {
      const { block } = this.bucket(i.Bucket);
      if (!block) throw awsError('NoSuchPublicAccessBlockConfiguration', 404);
      return { PublicAccessBlockConfiguration: block };
    });
    this.on('s3', GetBucketEncryptionCommand, (i) => {
      const { encryption } = this.bucket(i.Bucket);
      if (!encryption) throw awsError('ServerSideEncryptionConfigurationNotFoundError', 404);
      return { ServerSideEncryptionConfiguration: { Rules: [{ ApplyServerSideEncryptionByDefault: { SSEAlgorithm: encryption as 'AES256' } }] } };
    });
    this.on('s3', GetBucketCorsCommand, (i) => {
      const { cors } = this.bucket(i.Bucket);
      if (!cors) throw awsError('NoSuchCORSConfiguration', 404);
      return { CORSRules: cors };
    });
    this.on('s3', PutBucketTaggingCommand, (i) => ((this.bucket(i.Bucket).tags = (i.Tagging?.TagSet ?? []) as never), {}));
    this.on('s3', GetBucketTaggingCommand, (i) => {
      const { tags } = this.bucket(i.Bucket);
      if (tags.length === 0) throw awsError('NoSuchTagSet', 404);
      return { TagSet: tags };
    });
    this.on('s3', GetBucketNotificationConfigurationCommand, (i) => ({ ...this.bucket(i.Bucket).notification }));
    this.on('s3', PutBucketNotificationConfigurationCommand, (i) => ((this.bucket(i.Bucket).notification = i.NotificationConfiguration ?? {}), {}));
    const url = (name: string) => `https://sqs.us-east-1.amazonaws.com/${ACCOUNT}/${name}`;
    const byUrl = (u: string | undefined) => {
      const attrs = this.queues.get((u ?? '').split('/').pop() ?? '');
      if (!attrs) throw awsError('QueueDoesNotExist', 400);
      return attrs;
    };
    this.on('sqs', GetQueueUrlCommand, (i) => (this.queues.has(i.QueueName ?? '') ? { QueueUrl: url(i.QueueName ?? '') } : Promise.reject(awsError('QueueDoesNotExist', 400))));
    this.on('sqs', CreateQueueCommand, (i) => {
      this.queues.set(i.QueueName ?? '', { VisibilityTimeout: '30', ...i.Attributes, QueueArn: `arn:aws:sqs:us-east-1:${ACCOUNT}:${i.QueueName}` });
      this.queueTags.set(i.QueueName ?? '', i.tags ?? {});
      return { QueueUrl: url(i.QueueName ?? '') };
    });
    this.on('sqs', GetQueueAttributesCommand, (i) => ({ Attributes: { ...byUrl(i.QueueUrl) } }));
    this.on('sqs', SetQueueAttributesCommand, (i) => (Object.assign(byUrl(i.QueueUrl), i.Attributes), {}));
    this.on('sqs', ListQueueTagsCommand, (i) => (byUrl(i.QueueUrl), { Tags: this.queueTags.get((i.QueueUrl ?? '').split('/').pop() ?? '') ?? {} }));
    this.on('sqs', TagQueueCommand, (i) => (byUrl(i.QueueUrl), this.queueTags.set((i.QueueUrl ?? '').split('/').pop() ?? '', { ...i.Tags }), {}));
    this.on('dynamodb', DescribeTableCommand, (i) => {
      if (!this.tables.has(i.TableName ?? '')) throw notFound();
      const indexes = (this.tableIndexes.get(i.TableName ?? '') ?? []).map((index) => ({ ...index, IndexStatus: 'ACTIVE' as const }));
      return {
        Table: {
          TableName: i.TableName, TableArn: `arn:aws:dynamodb:us-east-1:${ACCOUNT}:table/${i.TableName}`, TableStatus: 'ACTIVE',
          KeySchema: [{ AttributeName: 'imageKey', KeyType: 'HASH' }], AttributeDefinitions: [{ AttributeName: 'imageKey', AttributeType: 'S' }], BillingModeSummary: { BillingMode: 'PAY_PER_REQUEST' },
          ...(indexes.length ? { GlobalSecondaryIndexes: indexes } : {}),
        },
      };
    });
    this.on('dynamodb', CreateTableCommand, (i) => {
      this.tables.add(i.TableName ?? '');
      this.tableIndexes.set(i.TableName ?? '', i.GlobalSecondaryIndexes ?? []);
      return { TableDescription: { TableArn: `arn:aws:dynamodb:us-east-1:${ACCOUNT}:table/${i.TableName}`, TableStatus: 'ACTIVE' } };
    });
    this.on('s3', ListObjectVersionsCommand, () => ({}));
    this.on('s3', ListMultipartUploadsCommand, () => ({}));
    this.on('s3', ListObjectsV2Command, () => ({}));
    this.on('s3', DeleteBucketCommand, (i) => (this.bucket(i.Bucket), this.buckets.delete(i.Bucket ?? ''), {}));
    this.on('sqs', DeleteQueueCommand, (i) => (byUrl(i.QueueUrl), this.queues.delete((i.QueueUrl ?? '').split('/').pop() ?? ''), {}));
    this.on('dynamodb', DeleteTableCommand, (i) => (this.tables.delete(i.TableName ?? ''), {}));
    // The tables hold no items: a backfill of the time index finds nothing to do.
    this.on('doc', DocScanCommand, () => ({ Items: [] }));
    this.on('dynamodb', ListTagsOfResourceCommand, () => ({ Tags: [{ Key: 'thumbs:stack', Value: 'default' }, { Key: 'thumbs:managed-by', Value: 'thumbs' }] }));
    this.on('dynamodb', UpdateTableCommand, () => ({}));
    this.on('dynamodb', ScanCommand, () => ({ Count: 0 }));
    this.on('dynamodb', DynamoTagResourceCommand, () => ({}));
  }

  private role(name: string | undefined) {
    const role = this.roles.get(name ?? '');
    if (!role) throw awsError('NoSuchEntity', 404);
    return role;
  }

  private installIam(): void {
    this.on('iam', GetRoleCommand, (i) => {
      const role = this.role(i.RoleName);
      return { Role: { RoleName: i.RoleName, Arn: role.Arn, Tags: role.Tags, AssumeRolePolicyDocument: role.trust ? encodeURIComponent(role.trust) : undefined } as never };
    });
    this.on('iam', GetRolePolicyCommand, (i) => {
      const document = this.role(i.RoleName).policies.get(i.PolicyName ?? '');
      if (!document) throw awsError('NoSuchEntity', 404);
      return { PolicyDocument: encodeURIComponent(document) };
    });
    this.on('iam', CreateRoleCommand, (i) => {
      if (this.denyCreateRole) throw awsError('AccessDenied', 403, 'not authorized to perform: iam:CreateRole');
      const Arn = `arn:aws:iam::${ACCOUNT}:role/${i.RoleName}`;
      this.roles.set(i.RoleName ?? '', { Arn, Tags: (i.Tags ?? []) as never, policies: new Map(), trust: i.AssumeRolePolicyDocument });
      return { Role: { RoleName: i.RoleName, Arn } as never };
    });
    this.on('iam', PutRolePolicyCommand, (i) => (this.role(i.RoleName).policies.set(i.PolicyName ?? '', i.PolicyDocument ?? ''), {}));
    this.on('iam', UpdateAssumeRolePolicyCommand, (i) => ((this.role(i.RoleName).trust = i.PolicyDocument), {}));
    this.on('iam', TagRoleCommand, (i) => ((this.role(i.RoleName).Tags = (i.Tags ?? []) as never), {}));
    this.on('iam', ListRolePoliciesCommand, (i) => ({ PolicyNames: [...this.role(i.RoleName).policies.keys()] }));
    this.on('iam', ListAttachedRolePoliciesCommand, () => ({ AttachedPolicies: [] }));
    this.on('iam', DeleteRolePolicyCommand, (i) => (this.role(i.RoleName).policies.delete(i.PolicyName ?? ''), {}));
    this.on('iam', DeleteRoleCommand, (i) => (this.role(i.RoleName), this.roles.delete(i.RoleName ?? ''), {}));
  }

  private topic(arn: string | undefined) {
    const found = this.topics.get(arn ?? '');
    if (!found) throw awsError('NotFoundException', 404, 'Topic does not exist');
    return found;
  }

  private installSns(): void {
    this.on('sns', CreateTopicCommand, (i) => {
      const TopicArn = `arn:aws:sns:us-east-1:${ACCOUNT}:${i.Name}`;
      if (!this.topics.has(TopicArn)) this.topics.set(TopicArn, { tags: (i.Tags ?? []) as never, subscriptions: new Map() });
      return { TopicArn };
    });
    this.on('sns', GetTopicAttributesCommand, (i) => (this.topic(i.TopicArn), { Attributes: { TopicArn: i.TopicArn ?? '' } }));
    this.on('sns', SnsListTagsCommand, (i) => ({ Tags: this.topic(i.ResourceArn).tags }));
    this.on('sns', ListSubscriptionsByTopicCommand, (i) => ({
      Subscriptions: [...this.topic(i.TopicArn).subscriptions].map(([Endpoint, SubscriptionArn]) => ({ Protocol: 'email', Endpoint, SubscriptionArn, TopicArn: i.TopicArn })),
    }));
    this.on('sns', SubscribeCommand, (i) => (this.topic(i.TopicArn).subscriptions.set(i.Endpoint ?? '', 'PendingConfirmation'), { SubscriptionArn: 'pending confirmation' }));
    this.on('sns', UnsubscribeCommand, () => ({}));
    this.on('sns', DeleteTopicCommand, (i) => (this.topics.delete(i.TopicArn ?? ''), {}));
  }

  /** GetResources over the functions, queues, log groups and buckets held here (roles are not listed, as on AWS). */
  private installTagging(): void {
    this.on('tagging', GetResourcesCommand, (i: { TagFilters?: Array<{ Key?: string; Values?: string[] }> }) => {
      const arn = (service: string, resource: string) => `arn:aws:${service}:us-east-1:${ACCOUNT}:${resource}`;
      const all: Array<[string, Record<string, string>]> = [
        ...[...this.functions].map(([name, f]): [string, Record<string, string>] => [arn('lambda', `function:${name}`), f.tags]),
        ...[...this.queueTags].filter(([name]) => this.queues.has(name)).map(([name, tags]): [string, Record<string, string>] => [arn('sqs', name), tags]),
        ...[...this.logGroupTags].filter(([name]) => this.logGroups.has(name)).map(([name, tags]): [string, Record<string, string>] => [arn('logs', `log-group:${name}`), tags]),
        ...[...this.buckets].map(([name, b]): [string, Record<string, string>] => [`arn:aws:s3:::${name}`, Object.fromEntries(b.tags.map((t) => [t.Key, t.Value]))]),
      ];
      const wanted = (tags: Record<string, string>) => (i.TagFilters ?? []).every((f) => f.Key && tags[f.Key] !== undefined && (!f.Values?.length || f.Values.includes(tags[f.Key] ?? '')));
      return { ResourceTagMappingList: all.filter(([, tags]) => wanted(tags)).map(([ResourceARN, tags]) => ({ ResourceARN, Tags: Object.entries(tags).map(([Key, Value]) => ({ Key, Value })) })) };
    });
  }

  private fn(name: string | undefined) {
    const found = this.functions.get(name ?? '');
    if (!found) throw notFound();
    return found;
  }

  private installLambda(): void {
    this.on('lambda', GetFunctionCommand, (i) => {
      const { config, tags } = this.fn(i.FunctionName);
      const { LoggingConfig, ...rest } = config;
      return { Configuration: { ...rest, ...(this.omitsLoggingConfig ? {} : { LoggingConfig }), State: 'Active', LastUpdateStatus: 'Successful' }, Tags: tags };
    });
    this.on('lambda', CreateFunctionCommand, (i) => {
      if (this.propagationFailures > 0) {
        this.propagationFailures -= 1;
        throw awsError('InvalidParameterValueException', 400, 'The role defined for the function cannot be assumed by Lambda.');
      }
      const { Code, Tags, ...rest } = i;
      const config = { ...rest, FunctionArn: `arn:aws:lambda:us-east-1:${ACCOUNT}:function:${i.FunctionName}`, CodeSha256: Code?.ZipFile ? Buffer.from(Code.ZipFile).toString() : '' };
      this.functions.set(i.FunctionName ?? '', { config: config as FunctionConfiguration, tags: Tags ?? {} });
      return { ...config, State: 'Pending' } as never;
    });
    this.on('lambda', UpdateFunctionConfigurationCommand, (i) => (Object.assign(this.fn(i.FunctionName).config, i), {}));
    this.on('lambda', UpdateFunctionCodeCommand, (i) => {
      Object.assign(this.fn(i.FunctionName).config, { CodeSha256: Buffer.from(i.ZipFile ?? []).toString(), Architectures: i.Architectures });
      return {};
    });
    this.on('lambda', LambdaTagResourceCommand, (i) => ((this.fn((i.Resource ?? '').split(':').pop()).tags = { ...i.Tags }), {}));
    this.on('lambda', DeleteFunctionCommand, (i) => {
      this.fn(i.FunctionName);
      for (const map of [this.functions, this.functionUrls, this.permissions]) map.delete(i.FunctionName ?? '');
      return {};
    });
    this.installFunctionUrls();
    this.on('lambda', ListEventSourceMappingsCommand, (i: { FunctionName?: string; EventSourceArn?: string }) => {
      if (i.FunctionName) this.fn(i.FunctionName);
      const wanted = (m: EventSourceMappingConfiguration) => (!i.FunctionName || m.FunctionArn?.endsWith(`:${i.FunctionName}`)) && (!i.EventSourceArn || m.EventSourceArn === i.EventSourceArn);
      return { EventSourceMappings: this.mappings.filter(wanted) };
    });
    this.on('lambda', CreateEventSourceMappingCommand, (i) => {
      const { Tags: _tags, FunctionName, ...rest } = i;
      const mapping = { ...rest, UUID: `uuid-${this.mappings.length + 1}`, FunctionArn: `arn:aws:lambda:us-east-1:${ACCOUNT}:function:${FunctionName}`, State: 'Creating' };
      this.mappings.push(mapping as EventSourceMappingConfiguration);
      return mapping as never;
    });
    const mapping = (uuid: string | undefined) => this.mappings.find((m) => m.UUID === uuid) ?? Promise.reject(notFound());
    this.on('lambda', UpdateEventSourceMappingCommand, async (i) => (Object.assign(await mapping(i.UUID), i, i.Enabled === undefined ? {} : { State: i.Enabled ? 'Enabled' : 'Disabled' }), {}));
    this.on('lambda', GetEventSourceMappingCommand, (i) => mapping(i.UUID));
    this.on('lambda', DeleteEventSourceMappingCommand, async (i) => {
      const found = await mapping(i.UUID);
      this.mappings = this.mappings.filter((m) => m !== found);
      return {};
    });
  }

  private installFunctionUrls(): void {
    const arn = (name: string | undefined) => `arn:aws:lambda:us-east-1:${ACCOUNT}:function:${name}`;
    const url = (name: string | undefined) => this.functionUrls.get(name ?? '') ?? Promise.reject(notFound());
    this.on('lambda', GetFunctionUrlConfigCommand, async (i) => ({ ...(await url(i.FunctionName)), FunctionArn: arn(i.FunctionName), InvokeMode: 'BUFFERED' as const }) as never);
    this.on('lambda', CreateFunctionUrlConfigCommand, (i) => {
      this.fn(i.FunctionName);
      if (this.functionUrls.has(i.FunctionName ?? '')) throw awsError('ResourceConflictException', 409);
      const config = { AuthType: i.AuthType, Cors: i.Cors, FunctionUrl: `https://${i.FunctionName}.lambda-url.us-east-1.on.aws/` };
      this.functionUrls.set(i.FunctionName ?? '', config);
      return { ...config, FunctionArn: arn(i.FunctionName) } as never;
    });
    this.on('lambda', UpdateFunctionUrlConfigCommand, async (i) => (Object.assign(await url(i.FunctionName), { AuthType: i.AuthType, Cors: i.Cors }), {}));
    this.on('lambda', DeleteFunctionUrlConfigCommand, async (i) => (await url(i.FunctionName), this.functionUrls.delete(i.FunctionName ?? ''), {}));
    const statements = (name: string | undefined) => {
      this.fn(name);
      if (!this.permissions.has(name ?? '')) this.permissions.set(name ?? '', new Map());
      return this.permissions.get(name ?? '')!;
    };
    this.on('lambda', GetPolicyCommand, (i) => {
      const found = [...statements(i.FunctionName).entries()];
      if (found.length === 0) throw notFound();
      return { Policy: JSON.stringify({ Version: '2012-10-17', Statement: found.map(([Sid, s]) => ({ Sid, ...s })) }) };
    });
    this.on('lambda', AddPermissionCommand, (i) => {
      const { FunctionName, StatementId, ...rest } = i;
      const found = statements(FunctionName);
      if (found.has(StatementId ?? '')) throw awsError('ResourceConflictException', 409, `The statement id (${StatementId}) provided already exists.`);
      found.set(StatementId ?? '', rest);
      return {};
    });
    this.on('lambda', RemovePermissionCommand, (i) => {
      if (!statements(i.FunctionName).delete(i.StatementId ?? '')) throw notFound();
      return {};
    });
  }
}
