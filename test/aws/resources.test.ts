import { DescribeTableCommand } from '@aws-sdk/client-dynamodb';
import { DeleteQueueCommand } from '@aws-sdk/client-sqs';
import { UpdateEventSourceMappingCommand as UpdateEsm } from '@aws-sdk/client-lambda';
import { afterEach, describe, expect, it } from 'vitest';
import { provision, type ProvisionOptions } from '../../src/actions/provision.js';
import { status } from '../../src/actions/status.js';
import { teardown } from '../../src/actions/teardown.js';
import { renderProvision } from '../../src/cli/commands/provision.js';
import { GALLERY_CORS_RULE_ID } from '../../src/resources/bucket.js';
import { RESOURCE_MODULES } from '../../src/resources/registry.js';
import { openStack } from '../../src/state/open-stack.js';
import { ACCOUNT, FakeAws } from '../helpers/fake-aws.js';
import { fakePackage } from '../helpers/fake-package.js';
import { mockAwsContext } from '../helpers/mock-context.js';

const ORIGINALS = `thumbs-default-originals-${ACCOUNT}-us-east-1`;
const THUMBNAILS = `thumbs-default-thumbnails-${ACCOUNT}-us-east-1`;
const QUEUE = 'thumbs-default-jobs';
const FUNCTION = 'thumbs-default-thumbnailer';
const ROLE = 'thumbs-default-fn';
const LOG_GROUP = `/aws/lambda/${FUNCTION}`;
const READ = /^(Get|List|Describe|Head|Scan|Query)/;

let fake: FakeAws;
afterEach(() => fake?.reset());


async function setup() {
  fake = new FakeAws();
  const { ctx, reporter } = await mockAwsContext();
  const options: ProvisionOptions = { buildPackage: await fakePackage('sha-v1'), sleep: async () => undefined };
  return { ctx, reporter, options };
}

/** The write calls sent since `from` (every call that is not a Get, List, Describe, Head, Scan or Query). */
const writesSince = (from: number) => fake.calls.slice(from).filter((c) => c.ok && !READ.test(c.command)).map((c) => c.command).sort();

/** Provisions once, then returns a re-run helper that reports the writes it sent. */
async function provisioned() {
  const env = await setup();
  await provision(env.ctx, env.options);
  const rerun = async (extra: Partial<ProvisionOptions> = {}) => {
    const from = fake.calls.length;
    const result = await provision(env.ctx, { ...env.options, ...extra });
    return { result, writes: writesSince(from) };
  };
  return { ...env, rerun };
}

const bucket = (name: string) => fake.buckets.get(name)!;

describe('resource modules: converge', () => {
  it('absent -> created, with JSON logs on the function; present and equal -> no write call at all', async () => {
    const { rerun } = await provisioned();
    expect(bucket(ORIGINALS)).toMatchObject({ encryption: 'AES256', block: { BlockPublicAcls: true, RestrictPublicBuckets: true } });
    expect(fake.functions.get(FUNCTION)?.config.LoggingConfig).toEqual({ LogFormat: 'JSON' });
    const { result, writes } = await rerun();
    expect(writes).toEqual([]);
    expect(result.resources.map((r) => r.status).filter((s) => s !== 'unchanged')).toEqual([]);
  });

  it.each([
    ['publicAccessBlock', () => (bucket(THUMBNAILS).block = undefined), ['PutPublicAccessBlock'], 'thumbnailsBucket.publicAccessBlock: off -> on'],
    ['encryption', () => (bucket(ORIGINALS).encryption = undefined), ['PutBucketEncryption'], 'originalsBucket.encryption: none -> AES256'],
    ['cors', () => (bucket(ORIGINALS).cors = []), ['PutBucketCors'], 'originalsBucket.cors: none -> GET+HEAD from *'],
    ['bucket tags', () => (bucket(ORIGINALS).tags = [{ Key: 'thumbs:stack', Value: 'default' }]), ['PutBucketTagging'], 'originalsBucket.tags: thumbs:managed-by=(none) -> thumbs:managed-by=thumbs'],
    ['visibility', () => (fake.queues.get(QUEUE)!.VisibilityTimeout = '30'), ['SetQueueAttributes'], 'queue.visibilityTimeout: 30 -> 180'],
    ['redrive', () => delete fake.queues.get(QUEUE)!.RedrivePolicy, ['SetQueueAttributes'], 'queue.redrivePolicy: none -> thumbs-default-jobs-dlq after 5'],
    ['queue tags', () => fake.queueTags.set(QUEUE, { 'thumbs:stack': 'default' }), ['TagQueue'], 'queue.tags: thumbs:managed-by=(none) -> thumbs:managed-by=thumbs'],
    ['inline policy', () => fake.roles.get(ROLE)!.policies.clear(), ['PutRolePolicy'], 'role.inlinePolicy: none -> stack ARNs'],
    ['trust', () => (fake.roles.get(ROLE)!.trust = '{"Version":"2012-10-17","Statement":[]}'), ['UpdateAssumeRolePolicy'], 'role.trustPolicy: other -> lambda'],
    ['memory', () => (fake.functions.get(FUNCTION)!.config.MemorySize = 2048), ['UpdateFunctionConfiguration'], 'function.memory: 2048 -> 1024'],
    ['log format', () => (fake.functions.get(FUNCTION)!.config.LoggingConfig = undefined), ['UpdateFunctionConfiguration'], 'function.logFormat: Text -> JSON'],
    ['code', () => (fake.functions.get(FUNCTION)!.config.CodeSha256 = 'sha-old'), ['UpdateFunctionCode'], 'function.code: sha-old -> sha-v1'],
    ['mapping enabled', () => (fake.mappings[0]!.State = 'Disabled'), ['UpdateEventSourceMapping'], 'eventSourceMapping.enabled: no -> yes'],
    ['mapping batch failures', () => (fake.mappings[0]!.FunctionResponseTypes = []), ['UpdateEventSourceMapping'], 'eventSourceMapping.reportBatchItemFailures: off -> on'],
    ['log retention', () => fake.logRetention.delete(LOG_GROUP), ['PutRetentionPolicy'], 'logGroup.retentionDays: never expire -> 14'],
  ])('drifted %s -> exactly the repair call, and --dry-run names the difference and writes nothing', async (_name, drift, calls, line) => {
    const { rerun } = await provisioned();
    drift();
    const plan = await rerun({ dryRun: true });
    expect(plan.writes).toEqual([]);
    expect(renderProvision(plan.result).split('\n')).toContain(line);
    const { writes } = await rerun();
    expect(writes).toEqual(calls);
    expect((await rerun()).writes).toEqual([]);
  });

  it('repairs only the function call a drifted mapping field needs', async () => {
    const { rerun } = await provisioned();
    fake.mappings[0]!.MaximumBatchingWindowInSeconds = 9;
    await rerun();
    expect(fake.mocks.lambda.commandCalls(UpdateEsm).map((c) => c.args[0].input)).toEqual([{ UUID: 'uuid-1', MaximumBatchingWindowInSeconds: 1 }]);
  });

  it('CORS: the gallery upload rule is not drift, and a repair keeps it', async () => {
    const { rerun } = await provisioned();
    const gallery = { ID: GALLERY_CORS_RULE_ID, AllowedMethods: ['PUT'], AllowedOrigins: ['http://localhost:5173'] };
    bucket(ORIGINALS).cors = [...(bucket(ORIGINALS).cors ?? []), gallery];
    expect((await rerun()).writes).toEqual([]);
    bucket(ORIGINALS).cors = [gallery];
    expect((await rerun()).writes).toEqual(['PutBucketCors']);
    expect(bucket(ORIGINALS).cors).toEqual([expect.objectContaining({ ID: 'thumbs-presigned-get' }), gallery]);
  });

  it('an adopted bucket that drifted is reported, never written', async () => {
    const env = await setup();
    fake.buckets.set('team-photos', { notification: {}, tags: [] });
    await provision(env.ctx, { ...env.options, originalsBucket: 'team-photos' });
    const from = fake.calls.length;
    const result = await provision(env.ctx, { ...env.options, originalsBucket: 'team-photos' });
    const row = result.resources.find((r) => r.kind === 'originalsBucket');
    expect(row).toMatchObject({ status: 'adopted', changes: expect.arrayContaining([{ attribute: 'encryption', from: 'none', to: 'AES256' }]) });
    expect(renderProvision(result)).toContain('drift (adopted, not repaired) originalsBucket.publicAccessBlock: off -> on');
    expect(fake.calls.slice(from).filter((c) => !READ.test(c.command) && 'team-photos' && c.service === 's3')).toEqual([]);
  });

  it('an adopted queue without a redrive policy is reported in provision and status, never written', async () => {
    const { ctx, reporter, rerun } = await provisioned();
    const stack = await openStack(ctx);
    await stack.store.record('queue', { ...stack.store.get('queue')!, origin: 'adopted' });
    delete fake.queues.get(QUEUE)!.RedrivePolicy;
    const { result, writes } = await rerun();
    expect(writes).toEqual([]);
    expect(result.resources.find((r) => r.kind === 'queue')).toMatchObject({ status: 'adopted', note: 'adopted: no redrive policy' });
    expect(reporter.texts('warn')).toContainEqual(expect.stringContaining('has no redrive policy'));
    const health = await status(ctx);
    expect(health.resources.find((r) => r.kind === 'queue')?.drift).toEqual([{ attribute: 'redrivePolicy', from: 'none', to: 'thumbs-default-jobs-dlq after 5' }]);
    expect(health.healthy).toBe(false);
  });

  it('a table with another key is an error naming the key, never a recreate', async () => {
    const { ctx, options } = await provisioned();
    fake.mocks.dynamodb.on(DescribeTableCommand).resolves({ Table: { TableName: 'thumbs-default-images', TableArn: 'arn:t', KeySchema: [{ AttributeName: 'id', KeyType: 'HASH' }], AttributeDefinitions: [{ AttributeName: 'id', AttributeType: 'S' }] } });
    await expect(provision(ctx, options)).rejects.toMatchObject({ code: 'table-key-mismatch', message: expect.stringContaining('partition key id:S, not imageKey:S') });
  });
});

describe('ownership: one rule for provision, status and teardown', () => {
  type Case = [kind: string, untag: () => void, hint: RegExp];
  const cases: Case[] = [
    ['originalsBucket', () => (bucket(ORIGINALS).tags = []), /--originals-bucket NAME/],
    ['queue', () => fake.queueTags.set(QUEUE, {}), /Adopt it explicitly/],
    ['role', () => (fake.roles.get(ROLE)!.Tags = []), /--role-arn ARN/],
    ['function', () => (fake.functions.get(FUNCTION)!.tags = {}), /remove it/],
    ['logGroup', () => fake.logGroupTags.set(LOG_GROUP, {}), /delete it/],
  ];

  it.each(cases)('%s: tagged is owned everywhere; untagged is refused by provision, foreign in status, kept by teardown', async (kind, untag, hint) => {
    const { ctx, options } = await provisioned();
    const stack = await openStack(ctx, { persist: false });
    const module = RESOURCE_MODULES.find((m) => m.kind === kind)!;
    const record = stack.store.get(module.kind)!;
    expect(await module.ownership(ctx, record, stack)).toBe('owned');
    expect((await status(ctx)).resources.find((r) => r.kind === kind)).toMatchObject({ ownership: 'owned', drift: [] });

    untag();
    await expect(provision(ctx, options)).rejects.toMatchObject({ code: 'not-ours', hint: expect.stringMatching(hint) });
    expect(await module.ownership(ctx, record, stack)).toBe('foreign');
    expect((await status(ctx)).resources.find((r) => r.kind === kind)).toMatchObject({ ownership: 'foreign' });
    const down = await teardown(ctx);
    expect(down.results.find((r) => r.kind === kind)).toMatchObject({ status: 'kept' });
  });

  it('a namesake without the tag and without a record is refused, not adopted', async () => {
    const env = await setup();
    fake.roles.set(ROLE, { Arn: `arn:aws:iam::${ACCOUNT}:role/${ROLE}`, Tags: [], policies: new Map() });
    await expect(provision(env.ctx, env.options)).rejects.toMatchObject({ code: 'not-ours', message: expect.stringContaining(`role "${ROLE}"`) });
    const state = await openStack(env.ctx, { persist: false });
    expect(state.store.get('role')).toBeUndefined();
  });
});

describe('status', () => {
  it('is healthy after provision, and names a deleted function and a drifted bucket', async () => {
    const { ctx } = await provisioned();
    expect((await status(ctx)).healthy).toBe(true);
    fake.functions.delete(FUNCTION);
    bucket(ORIGINALS).block = undefined;
    const result = await status(ctx);
    expect(result.healthy).toBe(false);
    expect(result.resources.find((r) => r.kind === 'function')).toMatchObject({ exists: false });
    expect(result.resources.find((r) => r.kind === 'originalsBucket')?.drift).toEqual([{ attribute: 'publicAccessBlock', from: 'off', to: 'on' }]);
  });
});

/** Resolves once no call has reached the fake for a while: every branch of the killed provision has ended. */
async function quiet(): Promise<void> {
  for (let seen = -1; seen !== fake.calls.length; ) {
    seen = fake.calls.length;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

describe('teardown that cannot finish', () => {
  it('deletes the rest, names what remains, and keeps the state file', async () => {
    const { ctx } = await provisioned();
    fake.mocks.sqs.on(DeleteQueueCommand).rejects(Object.assign(new Error('throttled'), { name: 'RequestThrottled', $metadata: { httpStatusCode: 400 } }));
    const down = await teardown(ctx);
    expect(down.remaining).toEqual([`queue https://sqs.us-east-1.amazonaws.com/${ACCOUNT}/${QUEUE}`, `deadLetterQueue https://sqs.us-east-1.amazonaws.com/${ACCOUNT}/${QUEUE}-dlq`]);
    expect(down.results.find((r) => r.kind === 'queue')).toMatchObject({ status: 'failed', reason: 'throttled' });
    expect(fake.functions.size + fake.tables.size + fake.buckets.size).toBe(0);
    const stack = await openStack(ctx, { persist: false });
    expect(stack.hadState).toBe(true);
    expect(stack.store.get('queue')).toBeDefined();
  });
});

describe('kill points: provision interrupted after the Nth call', () => {
  it('teardown then removes everything, every time', async () => {
    const cold = await setup();
    await provision(cold.ctx, cold.options);
    const total = fake.calls.length;
    fake.reset();
    expect(total).toBeGreaterThan(20);
    for (let n = 1; n < total; n += 1) {
      const { ctx, options } = await setup();
      fake.failAfter = n;
      await provision(ctx, options).catch(() => undefined);
      // A killed process sends nothing more: provision's other branches must fail against the dead fake first.
      await quiet();
      fake.failAfter = Infinity;
      const down = await teardown(ctx);
      const left = {
        n,
        remaining: down.results.filter((r) => r.status === "failed").map((r) => `${r.kind}: ${r.reason}`),
        buckets: [...fake.buckets.keys()],
        queues: [...fake.queues.keys()],
        tables: [...fake.tables],
        roles: [...fake.roles.keys()],
        functions: [...fake.functions.keys()],
        mappings: fake.mappings.length,
        logGroups: [...fake.logGroups],
      };
      expect(left).toEqual({ n, remaining: [], buckets: [], queues: [], tables: [], roles: [], functions: [], mappings: 0, logGroups: [] });
      fake.reset();
    }
  }, 120_000);
});
