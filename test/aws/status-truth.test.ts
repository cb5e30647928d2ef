import { DeleteEventSourceMappingCommand, DeleteFunctionCommand, UpdateFunctionConfigurationCommand, type EventSourceMappingConfiguration } from '@aws-sdk/client-lambda';
import { GetResourcesCommand } from '@aws-sdk/client-resource-groups-tagging-api';
import { rm } from 'node:fs/promises';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { provision, type ProvisionOptions } from '../../src/actions/provision.js';
import { status } from '../../src/actions/status.js';
import { teardown } from '../../src/actions/teardown.js';
import { renderStatus, unhealthyError } from '../../src/cli/commands/status.js';
import type { Context } from '../../src/context.js';
import { readState, stateFilePath } from '../../src/state/state-file.js';
import { ACCOUNT, FakeAws } from '../helpers/fake-aws.js';
import { fakePackage } from '../helpers/fake-package.js';
import { mockAwsContext } from '../helpers/mock-context.js';

const QUEUE_ARN = `arn:aws:sqs:us-east-1:${ACCOUNT}:thumbs-default-jobs`;
const FUNCTION = 'thumbs-default-thumbnailer';
const OURS = { 'thumbs:stack': 'default', 'thumbs:managed-by': 'thumbs' };

let fake: FakeAws;
afterEach(() => fake?.reset());

async function setup(backend: 'aws' | 'endpoint' = 'aws') {
  fake = new FakeAws();
  const env = await mockAwsContext();
  // A non-AWS endpoint (moto, LocalStack) behind the same mocked clients.
  const ctx: Context = backend === 'aws' ? env.ctx : { ...env.ctx, target: { ...env.ctx.target, backend } };
  const options: ProvisionOptions = { buildPackage: await fakePackage('sha-v1'), sleep: async () => undefined };
  return { ...env, ctx, options };
}

/** A mapping between the stack's queue and function that thumbs did not make (another tool, another folder). */
function secondMapping(): EventSourceMappingConfiguration {
  const mapping = { UUID: 'uuid-other', EventSourceArn: QUEUE_ARN, FunctionArn: `arn:aws:lambda:us-east-1:${ACCOUNT}:function:${FUNCTION}`, State: 'Enabled', BatchSize: 5 };
  fake.mappings.push(mapping);
  return mapping;
}

describe('status from what AWS holds (mocked AWS)', () => {
  it('a provision stopped before the function: function and trigger are missing, exit 1 with the hint to provision', async () => {
    const { ctx, options, stateDir } = await setup();
    const data = () => fake.queues.size === 2 && fake.tables.size === 1 && fake.logGroups.size === 1 && fake.roles.size === 1;
    // The package build is where a provision spends its time before the function: it is stopped there.
    const stopped = { ...options, buildPackage: async () => (await vi.waitFor(() => expect(data()).toBe(true)), Promise.reject(new Error('killed'))) };
    await expect(provision(ctx, stopped)).rejects.toThrow('killed');
    await vi.waitFor(async () => expect(Object.keys((await readState(stateDir, 'default'))?.resources ?? {})).toHaveLength(7));
    expect(fake.functions.size).toBe(0);

    const result = await status(ctx);
    expect(result.healthy).toBe(false);
    const of = (kind: string) => result.resources.find((r) => r.kind === kind);
    expect(of('function')).toMatchObject({ recorded: false, exists: false, id: FUNCTION });
    expect(of('eventSourceMapping')).toMatchObject({ recorded: false, exists: false });
    expect(result.resources.filter((r) => r.recorded).every((r) => r.exists === true)).toBe(true);
    expect(result.resources.filter((r) => r.recorded)).toHaveLength(7);
    const error = unhealthyError(result);
    expect(error.exitCode).toBe(1);
    expect(error.hint).toContain('thumbs provision');
    expect(renderStatus(result, false)).toMatch(/function\s.*NOT RECORDED\s.*NO/);
  });

  it('a stack provisioned with --no-function is healthy without one, and a function of its name and tag is extra', async () => {
    const { ctx, options } = await setup();
    await provision(ctx, { ...options, function: false });
    expect((await status(ctx)).healthy).toBe(true);
    fake.functions.set(FUNCTION, { config: { FunctionName: FUNCTION }, tags: OURS });
    const result = await status(ctx);
    expect(result.healthy).toBe(false);
    expect(result.extra).toEqual([expect.objectContaining({ kind: 'function', id: FUNCTION, foundBy: 'name', origin: 'created' })]);
  });

  it('a second mapping between the stack\'s queue and function is extra; teardown deletes both and lists again', async () => {
    const { ctx, options } = await setup();
    await provision(ctx, options);
    expect((await status(ctx)).healthy).toBe(true);
    secondMapping();
    const result = await status(ctx);
    expect(result.healthy).toBe(false);
    expect(result.extra).toEqual([{ kind: 'eventSourceMapping', id: 'uuid-other', foundBy: 'trigger', origin: 'created' }]);
    expect(unhealthyError(result).message).toContain('1 resource beyond what the stack records');

    const down = await teardown(ctx);
    expect(down.remaining).toEqual([]);
    const deletedMappings = fake.mocks.lambda.commandCalls(DeleteEventSourceMappingCommand).map((c) => c.args[0].input.UUID).sort();
    expect(deletedMappings).toEqual(['uuid-1', 'uuid-other']);
    expect(fake.mappings).toEqual([]);
    expect(fake.functions.size + fake.queues.size + fake.tables.size + fake.buckets.size + fake.logGroups.size + fake.roles.size).toBe(0);
  });

  it('a function carrying the stack\'s tags that is not recorded is extra; teardown deletes it, and keeps one tagged by hand', async () => {
    const { ctx, options } = await setup();
    await provision(ctx, options);
    fake.functions.set('renamed-copy', { config: { FunctionName: 'renamed-copy' }, tags: OURS });
    fake.functions.set('hand-tagged', { config: { FunctionName: 'hand-tagged' }, tags: { 'thumbs:stack': 'default' } });
    const result = await status(ctx);
    expect(result.healthy).toBe(false);
    expect(result.extra).toEqual([
      expect.objectContaining({ kind: 'function', id: 'renamed-copy', foundBy: 'tag', origin: 'created' }),
      expect.objectContaining({ kind: 'function', id: 'hand-tagged', foundBy: 'tag', origin: 'adopted' }),
    ]);
    expect(fake.mocks.tagging).toHaveReceivedCommandWith(GetResourcesCommand, { TagFilters: [{ Key: 'thumbs:stack', Values: ['default'] }] });

    const down = await teardown(ctx);
    const deleted = fake.mocks.lambda.commandCalls(DeleteFunctionCommand).map((c) => c.args[0].input.FunctionName).sort();
    expect(deleted).toEqual(['renamed-copy', FUNCTION]);
    expect([...fake.functions.keys()]).toEqual(['hand-tagged']);
    expect(down.results.find((r) => r.id === 'hand-tagged')).toMatchObject({ status: 'kept' });
    expect(down.remaining).toEqual([]);
  });

  it('without a state file it reports what it finds by name, tag and trigger, and is not healthy', async () => {
    const { ctx, options, stateDir } = await setup();
    await provision(ctx, options);
    secondMapping();
    await rm(stateFilePath(stateDir, 'default'));
    const result = await status(ctx);
    expect(result).toMatchObject({ provisioned: false, healthy: false, resources: [] });
    expect(result.extra.map((e) => e.kind).sort()).toEqual([
      'deadLetterQueue', 'eventSourceMapping', 'eventSourceMapping', 'function', 'functionUrl', 'logGroup', 'originalsBucket', 'queue', 'role', 'table', 'thumbnailsBucket',
    ]);
    const text = renderStatus(result, false);
    expect(text).toContain('no state file here, but 11 resources of it found');
    expect(text).toContain('thumbs teardown');
    expect(unhealthyError(result).exitCode).toBe(1);
  });

  it('without a state file, teardown finds a trigger that outlived its function by the queue, and deletes it', async () => {
    const { ctx, options, stateDir } = await setup();
    await provision(ctx, options);
    fake.functions.delete(FUNCTION);
    await rm(stateFilePath(stateDir, 'default'));
    const down = await teardown(ctx);
    expect(down.remaining).toEqual([]);
    expect(fake.mocks.lambda).toHaveReceivedCommandWith(DeleteEventSourceMappingCommand, { UUID: 'uuid-1' });
    expect(fake.mappings).toEqual([]);
  });

  it('a refused stack (a bucket of its name without its tag) is never healthy', async () => {
    const { ctx, options } = await setup();
    fake.buckets.set(`thumbs-default-originals-${ACCOUNT}-us-east-1`, { notification: {}, tags: [] });
    await expect(provision(ctx, options)).rejects.toMatchObject({ code: 'not-ours' });
    // The rest of the run goes on concurrently; the refusal stops only what needs the bucket.
    await vi.waitFor(() => expect(fake.queues.size + fake.functions.size).toBe(3));
    const result = await status(ctx);
    expect(result.healthy).toBe(false);
    expect(result.resources.find((r) => r.kind === 'originalsBucket')).toMatchObject({ recorded: false, exists: true, ownership: 'foreign' });
  });
});

describe('attributes an endpoint does not report', () => {
  it('on a non-AWS endpoint a missing LoggingConfig is "not reported", not drift, and provision sends no repair', async () => {
    const { ctx, options } = await setup('endpoint');
    await provision(ctx, options);
    fake.omitsLoggingConfig = true;
    const result = await status(ctx);
    const fn = result.resources.find((r) => r.kind === 'function');
    expect(fn).toMatchObject({ drift: [], unreported: [{ attribute: 'logFormat', from: 'Text', to: 'JSON', unreported: true }] });
    expect(result.healthy).toBe(true);
    expect(renderStatus(result, false)).toContain('logFormat: not reported by this endpoint');
    const before = fake.mocks.lambda.commandCalls(UpdateFunctionConfigurationCommand).length;
    const again = await provision(ctx, options);
    expect(again.resources.find((r) => r.kind === 'function')?.status).toBe('unchanged');
    expect(fake.mocks.lambda.commandCalls(UpdateFunctionConfigurationCommand)).toHaveLength(before);
  });

  it('on AWS the same answer is drift (Text is AWS\'s default) and provision repairs it', async () => {
    const { ctx, options } = await setup('aws');
    await provision(ctx, options);
    fake.omitsLoggingConfig = true;
    const result = await status(ctx);
    expect(result.resources.find((r) => r.kind === 'function')).toMatchObject({ drift: [{ attribute: 'logFormat', from: 'Text', to: 'JSON' }] });
    expect(result.healthy).toBe(false);
    const again = await provision(ctx, options);
    expect(again.resources.find((r) => r.kind === 'function')).toMatchObject({ status: 'updated', changes: [{ attribute: 'logFormat', from: 'Text', to: 'JSON' }] });
    expect(fake.mocks.lambda).toHaveReceivedCommandWith(UpdateFunctionConfigurationCommand, { FunctionName: FUNCTION, LoggingConfig: { LogFormat: 'JSON' } });
  });
});
