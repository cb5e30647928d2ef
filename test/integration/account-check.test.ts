import { ListBucketsCommand } from '@aws-sdk/client-s3';
import { GetCallerIdentityCommand, STSClient } from '@aws-sdk/client-sts';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { provision } from '../../src/actions/provision.js';
import { teardown } from '../../src/actions/teardown.js';
import { createContext, type Context } from '../../src/context.js';
import { readState } from '../../src/state/state-file.js';
import { startEmbedded, type EmbeddedHarness } from '../helpers/embedded.js';

/**
 * Real S3/SQS/DynamoDB clients with their middleware (so the write gate runs), aimed at the
 * emulators as a custom endpoint; only STS is mocked, to play two different accounts.
 */
const sts = mockClient(STSClient);
let harness: EmbeddedHarness;

async function endpointContext(): Promise<Context> {
  const { endpoints } = harness.emulators;
  return createContext(
    { ...harness.ctx.settings, local: false, stack: 'acct' },
    {
      backend: 'endpoint',
      region: 'us-east-1',
      profile: undefined,
      endpoints: { s3: endpoints.s3, sqs: endpoints.sqs, dynamodb: endpoints.dynamodb },
      credentials: { accessKeyId: 'test', secretAccessKey: 'test' },
    },
    harness.reporter,
    async () => true,
  );
}

beforeEach(async () => {
  harness = await startEmbedded();
  sts.reset();
});
afterEach(async () => harness.stop());

describe('a stack opened with credentials of another account', () => {
  it('is refused before anything is deleted or forgotten', async () => {
    sts.on(GetCallerIdentityCommand).resolves({ Account: '000000000000' });
    // Not tagged by the emulator, so ownership would otherwise rest on the state file alone.
    const first = await endpointContext();
    first.capabilities.readsResourceTags = false;
    first.capabilities.hasControlPlane = false;
    await provision(first, { timeout: 30 });
    const before = await readState(harness.stateDir, 'acct');
    expect(Object.keys(before?.resources ?? {})).toHaveLength(5);

    sts.on(GetCallerIdentityCommand).resolves({ Account: '999999999999' });
    const other = await endpointContext();
    other.capabilities.readsResourceTags = false;
    other.capabilities.hasControlPlane = false;
    await expect(teardown(other)).rejects.toMatchObject({ code: 'stack-elsewhere', exitCode: 2 });

    const { Buckets = [] } = await harness.ctx.clients.s3.send(new ListBucketsCommand({}));
    expect(Buckets.map((b) => b.Name).filter((n) => n?.startsWith('thumbs-acct-'))).toHaveLength(2);
    expect(await readState(harness.stateDir, 'acct')).toEqual(before);
  });
});
