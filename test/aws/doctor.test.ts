import { DescribeRegionsCommand, EC2Client, EC2ServiceException } from '@aws-sdk/client-ec2';
import { GetCallerIdentityCommand, STSClient } from '@aws-sdk/client-sts';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import { doctor } from '../../src/actions/doctor.js';
import { CHECKS } from '../../src/doctor/checks.js';
import { FUNCTION_CHECKS } from '../../src/doctor/function-checks.js';
import type { CheckResult } from '../../src/doctor/types.js';
import { mockAwsContext } from '../helpers/mock-context.js';

const sts = mockClient(STSClient);
const ec2 = mockClient(EC2Client);
const LAB_ARN = 'arn:aws:sts::123456789012:assumed-role/voclabs/user1234=Jane_Doe';
const regions = (...names: string[]) => ({ Regions: names.map((RegionName) => ({ RegionName })) });

async function run(region = 'us-east-1'): Promise<Record<string, CheckResult>> {
  const { ctx } = await mockAwsContext({ region });
  // The function checks (IAM, sharp staging) have their own tests in function-checks.test.ts.
  const report = await doctor(ctx, { nodeVersion: '22.13.0', checks: CHECKS.filter((c) => !FUNCTION_CHECKS.includes(c)) });
  expect(report.ok).toBe(report.checks.every((c) => c.status !== 'fail'));
  return Object.fromEntries(report.checks.map((c) => [c.name, c]));
}

beforeEach(() => {
  sts.reset();
  ec2.reset();
  ec2.on(DescribeRegionsCommand).resolves(regions('us-east-1', 'us-west-2', 'eu-west-1'));
});

describe('doctor on AWS', () => {
  it('shows the account and ARN, and recognises a lab account and what it implies', async () => {
    sts.on(GetCallerIdentityCommand).resolves({ Account: '123456789012', Arn: LAB_ARN });
    const checks = await run();
    expect(checks.credentials).toMatchObject({ ok: true, status: 'pass' });
    expect(checks.credentials?.detail).toContain(`account 123456789012 as ${LAB_ARN}`);
    expect(checks.credentials?.detail).toMatch(/AWS Academy lab account.*LabRole.*us-east-1 and us-west-2.*expire/);
    expect(checks.region).toMatchObject({ ok: true, status: 'pass' });
    expect(sts).toHaveReceivedCommandTimes(GetCallerIdentityCommand, 1);
    expect(ec2).toHaveReceivedCommandWith(DescribeRegionsCommand, { AllRegions: false });
  });

  it('does not call an ordinary IAM user a lab account', async () => {
    sts.on(GetCallerIdentityCommand).resolves({ Account: '123456789012', Arn: 'arn:aws:iam::123456789012:user/alice' });
    expect((await run()).credentials?.detail).not.toContain('lab');
  });

  it('fails a region the account does not have, with a fix listing the ones it does', async () => {
    sts.on(GetCallerIdentityCommand).resolves({ Account: '123456789012', Arn: 'arn:aws:iam::123456789012:user/alice' });
    const checks = await run('eu-south-2');
    expect(checks.region).toMatchObject({ ok: false, status: 'fail', fix: expect.stringContaining('eu-west-1, us-east-1, us-west-2') });
  });

  it('fails a region a lab account cannot use, even though the account has it', async () => {
    sts.on(GetCallerIdentityCommand).resolves({ Account: '123456789012', Arn: LAB_ARN });
    const checks = await run('eu-west-1');
    expect(checks.region).toMatchObject({ ok: false, fix: expect.stringContaining('us-east-1') });
  });

  it('fails a malformed region without calling EC2', async () => {
    sts.on(GetCallerIdentityCommand).resolves({ Account: '123456789012', Arn: 'arn:aws:iam::123456789012:user/alice' });
    const checks = await run('useast1');
    expect(checks.region).toMatchObject({ ok: false, fix: expect.stringContaining('--region') });
    expect(ec2).not.toHaveReceivedCommand(DescribeRegionsCommand);
  });

  it('only warns when DescribeRegions is denied', async () => {
    sts.on(GetCallerIdentityCommand).resolves({ Account: '123456789012', Arn: 'arn:aws:iam::123456789012:user/alice' });
    ec2.on(DescribeRegionsCommand).rejects(
      new EC2ServiceException({ name: 'UnauthorizedOperation', $fault: 'client', $metadata: { httpStatusCode: 403 }, message: 'not authorized' }),
    );
    expect((await run()).region).toMatchObject({ ok: true, status: 'warn' });
  });

  it('fails missing credentials with the fix, and skips the region check instead of failing it twice', async () => {
    const missing = Object.assign(new Error('Could not load credentials from any providers'), { name: 'CredentialsProviderError' });
    sts.on(GetCallerIdentityCommand).rejects(missing);
    const checks = await run();
    expect(checks.credentials).toMatchObject({ ok: false, status: 'fail', fix: expect.stringContaining('aws configure') });
    expect(checks.region).toMatchObject({ ok: true, status: 'skip' });
  });

  it('skips the backend checks that do not apply to AWS', async () => {
    sts.on(GetCallerIdentityCommand).resolves({ Account: '123456789012', Arn: 'arn:aws:iam::123456789012:user/alice' });
    const checks = await run();
    expect(checks['local backend']?.status).toBe('skip');
    expect(checks['endpoint reachable']?.status).toBe('skip');
  });
});
