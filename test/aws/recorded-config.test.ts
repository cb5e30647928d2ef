import { CreateEventSourceMappingCommand, CreateFunctionCommand, UpdateFunctionConfigurationCommand } from '@aws-sdk/client-lambda';
import { afterEach, describe, expect, it } from 'vitest';
import { deploy } from '../../src/actions/deploy.js';
import { provision } from '../../src/actions/provision.js';
import { readState } from '../../src/state/state-file.js';
import { FakeAws } from '../helpers/fake-aws.js';
import { fakePackage } from '../helpers/fake-package.js';
import { mockAwsContext } from '../helpers/mock-context.js';

let fake: FakeAws;
afterEach(() => fake?.reset());


// UpdateItem: the stack's record, moved from the state file by every command here (the mock keeps no item).
const writes = (names: string[]) => names.filter((n) => /^(Create|Put|Update|Set|Delete|Detach|Tag)/.test(n) && n !== 'UpdateItem');

describe('recorded choices on AWS (mocked)', () => {
  it('a plain re-run keeps memory, timeout, concurrency, window, arch and function settings: no write at all', async () => {
    fake = new FakeAws();
    const { ctx, stateDir } = await mockAwsContext();
    const extra = { buildPackage: await fakePackage('sha-v1'), sleep: async () => undefined };
    await provision(ctx, { ...extra, memory: 2048, timeout: 60, maxConcurrency: 3, batchWindow: 5, arch: 'arm64', quality: 70, renditions: 'jpeg:200' });
    expect(fake.mocks.lambda).toHaveReceivedCommandWith(CreateFunctionCommand, {
      MemorySize: 2048, Timeout: 60, Architectures: ['arm64'],
      Environment: { Variables: expect.objectContaining({ THUMBS_QUALITY: '70', THUMBS_RENDITIONS: 'jpeg:200' }) },
    });
    expect(fake.mocks.lambda).toHaveReceivedCommandWith(CreateEventSourceMappingCommand, { MaximumBatchingWindowInSeconds: 5, ScalingConfig: { MaximumConcurrency: 3 } });

    const services = ['lambda', 'iam', 's3', 'sqs', 'dynamodb', 'logs'] as const;
    const before = Object.fromEntries(services.map((service) => [service, fake.commands(service).length]));
    const since = (service: (typeof services)[number]) => fake.commands(service).slice(before[service]);
    const again = await provision(ctx, extra);
    expect(again.changes).toEqual([]);
    for (const service of services) expect(writes(since(service))).toEqual([]);

    const changed = await provision(ctx, { ...extra, memory: 1536 });
    expect(changed.changes).toEqual([{ attribute: 'memory', from: 2048, to: 1536 }]);
    expect(fake.mocks.lambda).toHaveReceivedCommandWith(UpdateFunctionConfigurationCommand, { MemorySize: 1536, Timeout: 60 });
    expect((await readState(stateDir, 'default'))?.config).toMatchObject({ memory: 1536, arch: 'arm64', quality: 70 });
  });

  it('deploy builds for the recorded architecture, and records a new --arch', async () => {
    fake = new FakeAws();
    const { ctx, stateDir } = await mockAwsContext();
    const extra = { buildPackage: await fakePackage('sha-v1'), sleep: async () => undefined };
    await provision(ctx, { ...extra, arch: 'arm64' });
    const built: string[] = [];
    const buildPackage = async (arch: 'x86_64' | 'arm64') => (built.push(arch), (await fakePackage('sha-v2'))(arch));
    expect(await deploy(ctx, { buildPackage })).toMatchObject({ arch: 'arm64', status: 'updated' });
    expect((await readState(stateDir, 'default'))?.config?.arch).toBe('arm64');
    await deploy(ctx, { buildPackage, arch: 'x86_64' });
    expect(built).toEqual(['arm64', 'x86_64']);
    expect((await readState(stateDir, 'default'))?.config?.arch).toBe('x86_64');
  });
});
