import { ListTagsForResourceCommand } from '@aws-sdk/client-cloudwatch-logs';
import { CreateFunctionCommand, CreateEventSourceMappingCommand } from '@aws-sdk/client-lambda';
import { PutRolePolicyCommand, CreateRoleCommand } from '@aws-sdk/client-iam';
import { PutBucketNotificationConfigurationCommand } from '@aws-sdk/client-s3';
import { SetQueueAttributesCommand } from '@aws-sdk/client-sqs';
import { afterEach, describe, expect, it } from 'vitest';
import { provision, type ProvisionOptions } from '../../src/actions/provision.js';
import { teardown } from '../../src/actions/teardown.js';
import { ACCOUNT, awsError, FakeAws } from '../helpers/fake-aws.js';
import { fakePackage } from '../helpers/fake-package.js';
import { mockAwsContext } from '../helpers/mock-context.js';

let fake: FakeAws;
afterEach(() => fake?.reset());


async function setup(overrides: Partial<ProvisionOptions> = {}) {
  fake = new FakeAws();
  const { ctx, reporter, stateDir } = await mockAwsContext();
  const sleeps: number[] = [];
  const options: ProvisionOptions = { buildPackage: await fakePackage('sha-v1'), sleep: async (ms) => void sleeps.push(ms), ...overrides };
  return { ctx, reporter, stateDir, sleeps, options };
}

// UpdateItem: the stack's record, moved from the state file by every command here (the mock keeps no item).
const writes = (names: string[]) => names.filter((n) => /^(Create|Put|Update|Set|Delete|Detach)/.test(n) && n !== 'UpdateItem');
const fnName = 'thumbs-default-thumbnailer';
const queueArn = `arn:aws:sqs:us-east-1:${ACCOUNT}:thumbs-default-jobs`;

describe('provision: the function side on AWS', () => {
  it('cold: creates role, log group, function, its URL and SQS trigger with the expected commands', async () => {
    const { ctx, options } = await setup();
    const result = await provision(ctx, options);
    expect(fake.commands('iam')).toEqual(['GetRole', 'GetRolePolicy', 'CreateRole', 'PutRolePolicy']);
    expect(fake.commands('logs').sort()).toEqual(['CreateLogGroup', 'DescribeLogGroups', 'ListTagsForResource', 'PutRetentionPolicy']);
    const lambda = fake.commands('lambda');
    // The trigger and the URL follow the function concurrently: each in its own order.
    expect(lambda.filter((c) => !/Url|Permission|Policy/.test(c))).toEqual(['GetFunction', 'ListEventSourceMappings', 'CreateFunction', 'GetFunction', 'CreateEventSourceMapping']);
    expect(lambda.filter((c) => /Url|Permission|Policy/.test(c))).toEqual(['GetFunctionUrlConfig', 'GetPolicy', 'CreateFunctionUrlConfig', 'AddPermission', 'AddPermission']);
    expect(fake.mocks.lambda).toHaveReceivedCommandWith(CreateFunctionCommand, {
      FunctionName: fnName,
      Runtime: 'nodejs22.x',
      Handler: 'index.handler',
      MemorySize: 1024,
      Timeout: 30,
      Architectures: ['x86_64'],
      Role: `arn:aws:iam::${ACCOUNT}:role/thumbs-default-fn`,
      Environment: { Variables: {
        THUMBS_THUMBNAILS_BUCKET: `thumbs-default-thumbnails-${ACCOUNT}-us-east-1`, THUMBS_ORIGINALS_BUCKET: `thumbs-default-originals-${ACCOUNT}-us-east-1`, THUMBS_TABLE: 'thumbs-default-images', THUMBS_RENDITIONS: 'webp:128,webp:512,webp:1024',
        THUMBS_QUALITY: '80', THUMBS_MAX_PIXELS: '100000000', THUMBS_MAX_BYTES: '52428800', THUMBS_CONCURRENCY: '4', THUMBS_STACK: 'default', THUMBS_MAX_RECEIVE_COUNT: '5', MALLOC_ARENA_MAX: '2',
      } },
      Tags: { 'thumbs:stack': 'default', 'thumbs:managed-by': 'thumbs' },
    });
    expect(fake.mocks.lambda).toHaveReceivedCommandWith(CreateEventSourceMappingCommand, {
      FunctionName: fnName, EventSourceArn: queueArn, BatchSize: 10, MaximumBatchingWindowInSeconds: 1,
      FunctionResponseTypes: ['ReportBatchItemFailures'], ScalingConfig: { MaximumConcurrency: 5 }, Enabled: true,
    });
    const policy = JSON.parse(fake.mocks.iam.commandCalls(PutRolePolicyCommand)[0]?.args[0].input.PolicyDocument ?? '{}') as { Statement: Array<{ Resource: string | string[] }> };
    expect(policy.Statement.map((s) => s.Resource)).toEqual([
      `arn:aws:s3:::thumbs-default-originals-${ACCOUNT}-us-east-1/*`,
      `arn:aws:s3:::thumbs-default-thumbnails-${ACCOUNT}-us-east-1/*`,
      `arn:aws:s3:::thumbs-default-thumbnails-${ACCOUNT}-us-east-1/r/*`,
      [`arn:aws:s3:::thumbs-default-originals-${ACCOUNT}-us-east-1`, `arn:aws:s3:::thumbs-default-thumbnails-${ACCOUNT}-us-east-1`],
      `arn:aws:dynamodb:us-east-1:${ACCOUNT}:table/thumbs-default-images`,
      `arn:aws:dynamodb:us-east-1:${ACCOUNT}:table/thumbs-default-images/index/byTime`,
      queueArn,
      `arn:aws:logs:us-east-1:${ACCOUNT}:log-group:/aws/lambda/${fnName}`,
      `arn:aws:logs:us-east-1:${ACCOUNT}:log-group:/aws/lambda/${fnName}:log-stream:*`,
    ]);
    expect(fake.queues.get('thumbs-default-jobs')?.VisibilityTimeout).toBe('180');
    expect(result.resources.filter((r) => r.status === 'created').map((r) => r.kind).sort()).toEqual(
      ['deadLetterQueue', 'eventSourceMapping', 'function', 'functionUrl', 'logGroup', 'originalsBucket', 'queue', 'role', 'table', 'thumbnailsBucket'],
    );
  });

  it('retries the IAM propagation error with backoff, then succeeds', async () => {
    const { ctx, options, sleeps } = await setup();
    fake.propagationFailures = 3;
    await provision(ctx, options);
    expect(fake.mocks.lambda.commandCalls(CreateFunctionCommand)).toHaveLength(4);
    expect(sleeps).toEqual([1000, 2000, 4000]);
  });

  it('does not retry any other InvalidParameterValueException', async () => {
    const { ctx, options, sleeps } = await setup();
    fake.mocks.lambda.on(CreateFunctionCommand).rejects(awsError('InvalidParameterValueException', 400, 'Unzipped size must be smaller than 262144000 bytes'));
    await expect(provision(ctx, options)).rejects.toThrow(/Unzipped size/);
    expect(fake.mocks.lambda.commandCalls(CreateFunctionCommand)).toHaveLength(1);
    expect(sleeps).toEqual([]);
  });

  it('adopts LabRole when CreateRole is denied, says so, and teardown leaves it alone', async () => {
    const { ctx, options, reporter } = await setup();
    fake.denyCreateRole = true;
    fake.roles.set('LabRole', { Arn: `arn:aws:iam::${ACCOUNT}:role/LabRole`, Tags: [], policies: new Map([['lab', '{}']]) });
    const result = await provision(ctx, options);
    expect(result.resources.find((r) => r.kind === 'role')).toMatchObject({ id: 'LabRole', status: 'adopted' });
    expect(fake.mocks.lambda).toHaveReceivedCommandWith(CreateFunctionCommand, { Role: `arn:aws:iam::${ACCOUNT}:role/LabRole` });
    expect(reporter.texts('warn').join('\n')).toMatch(/using the existing LabRole/);
    expect(writes(fake.commands('iam'))).toEqual(['CreateRole']);
    const down = await teardown(ctx);
    expect(down.results.find((r) => r.kind === 'role')).toMatchObject({ id: 'LabRole', status: 'kept' });
    expect(writes(fake.commands('iam'))).toEqual(['CreateRole']);
    expect(fake.roles.get('LabRole')?.policies.size).toBe(1);
  });

  it('a second provision sends no Create or Update; a changed handler sends exactly one UpdateFunctionCode', async () => {
    const { ctx, options } = await setup();
    await provision(ctx, options);
    for (const mock of Object.values(fake.mocks)) mock.resetHistory();
    const again = await provision(ctx, options);
    expect(Object.keys(fake.mocks).flatMap((s) => writes(fake.commands(s as never)))).toEqual([]);
    expect(again.resources.every((r) => r.status === 'unchanged')).toBe(true);
    for (const mock of Object.values(fake.mocks)) mock.resetHistory();
    await provision(ctx, { ...options, buildPackage: await fakePackage('sha-v2') });
    expect(Object.keys(fake.mocks).flatMap((s) => writes(fake.commands(s as never)))).toEqual(['UpdateFunctionCode']);
  });

  it('passes the function settings given and updates only the configuration when they change', async () => {
    const { ctx, options } = await setup();
    await provision(ctx, { ...options, quality: 70 });
    expect(fake.mocks.lambda).toHaveReceivedCommandWith(CreateFunctionCommand, {
      Environment: { Variables: expect.objectContaining({ THUMBS_QUALITY: '70', THUMBS_RENDITIONS: 'webp:128,webp:512,webp:1024' }) },
    });
    for (const mock of Object.values(fake.mocks)) mock.resetHistory();
    await provision(ctx, { ...options, renditions: 'avif:256' });
    expect(Object.keys(fake.mocks).flatMap((s) => writes(fake.commands(s as never)))).toEqual(['UpdateFunctionConfiguration']);
  });

  it('finds an existing mapping by function and queue and updates it instead of adding another', async () => {
    const { ctx, options } = await setup();
    await provision(ctx, options);
    const { stateDir: freshState } = await mockAwsContext();
    const second = await mockAwsContext({ stateDir: freshState });
    for (const mock of Object.values(fake.mocks)) mock.resetHistory();
    await provision(second.ctx, { ...options, maxConcurrency: 8 });
    expect(fake.mappings).toHaveLength(1);
    expect(fake.mocks.lambda).not.toHaveReceivedCommand(CreateEventSourceMappingCommand);
    expect(writes(fake.commands('lambda'))).toEqual(['UpdateEventSourceMapping']);
    expect(fake.mappings[0]?.ScalingConfig).toEqual({ MaximumConcurrency: 8 });
  });

  it('s3 trigger: merges its entry by Id, keeps a foreign one, and teardown removes only its own', async () => {
    const { ctx, options } = await setup({ trigger: 's3', originalsBucket: 'team-photos' });
    const foreign = { Id: 'team-audit', QueueArn: 'arn:aws:sqs:us-east-1:999999999999:audit', Events: ['s3:ObjectRemoved:*' as const] };
    fake.buckets.set('team-photos', { notification: { QueueConfigurations: [foreign] }, tags: [] });
    const result = await provision(ctx, options);
    expect(result.resources.find((r) => r.kind === 'bucketNotification')).toMatchObject({ id: 'thumbs-default-originals-to-queue', status: 'created' });
    expect(fake.mocks.s3).toHaveReceivedCommandWith(PutBucketNotificationConfigurationCommand, {
      Bucket: 'team-photos',
      NotificationConfiguration: { QueueConfigurations: [foreign, { Id: 'thumbs-default-originals-to-queue', QueueArn: queueArn, Events: ['s3:ObjectCreated:*'] }] },
    });
    const policy = JSON.parse(fake.mocks.sqs.commandCalls(SetQueueAttributesCommand).at(-1)?.args[0].input.Attributes?.Policy ?? '{}') as { Statement: Array<Record<string, unknown>> };
    expect(policy.Statement[0]).toMatchObject({ Principal: { Service: 's3.amazonaws.com' }, Action: 'sqs:SendMessage', Resource: queueArn, Condition: { ArnEquals: { 'aws:SourceArn': 'arn:aws:s3:::team-photos' } } });
    await teardown(ctx);
    expect(fake.buckets.get('team-photos')?.notification).toEqual({ QueueConfigurations: [foreign] });
  });

  it('teardown deletes in dependency order: trigger, function, then role (inline policy first) and log group', async () => {
    const { ctx, options } = await setup();
    await provision(ctx, options);
    // The fake keeps no log-group tags; teardown deletes the group only when it carries ours.
    fake.mocks.logs.on(ListTagsForResourceCommand).resolves({ tags: { 'thumbs:stack': 'default' } });
    for (const mock of Object.values(fake.mocks)) mock.resetHistory();
    fake.calls.length = 0;
    await teardown(ctx);
    const deletes = fake.calls.filter((c) => /^Delete/.test(c.command));
    const at = (command: string) => deletes.find((c) => c.command === command) ?? expect.fail(`no ${command}`);
    expect(at('DeleteEventSourceMapping').endMs).toBeLessThanOrEqual(at('DeleteFunction').startMs);
    expect(at('DeleteFunction').endMs).toBeLessThanOrEqual(at('DeleteRolePolicy').startMs);
    expect(at('DeleteFunction').endMs).toBeLessThanOrEqual(at('DeleteLogGroup').startMs);
    expect(at('DeleteRolePolicy').endMs).toBeLessThanOrEqual(at('DeleteRole').startMs);
    expect(fake.roles.size + fake.functions.size + fake.mappings.length + fake.logGroups.size).toBe(0);
    expect(fake.mocks.iam).not.toHaveReceivedCommand(CreateRoleCommand);
  });
});
