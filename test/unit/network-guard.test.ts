import { GetCallerIdentityCommand, STSClient } from '@aws-sdk/client-sts';
import { describe, expect, it } from 'vitest';

describe('the test network guard (test/setup.ts)', () => {
  it('stops an unmocked AWS call before it leaves the machine', async () => {
    const sts = new STSClient({ region: 'us-east-1', credentials: { accessKeyId: 'a', secretAccessKey: 'b' }, maxAttempts: 1 });
    await expect(sts.send(new GetCallerIdentityCommand({}))).rejects.toThrow(/test tried to connect to sts\.us-east-1\.amazonaws\.com/);
    sts.destroy();
  });
});
