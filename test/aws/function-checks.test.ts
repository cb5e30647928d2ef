import { GetRoleCommand, IAMClient, ListRolesCommand } from '@aws-sdk/client-iam';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import { functionRoleCheck } from '../../src/doctor/function-checks.js';
import type { DoctorContext } from '../../src/doctor/types.js';
import { awsError } from '../helpers/fake-aws.js';
import { mockAwsContext } from '../helpers/mock-context.js';

const iam = mockClient(IAMClient);
const doctorContext = async (): Promise<DoctorContext> => ({ ctx: (await mockAwsContext()).ctx, nodeVersion: '22.13.0', identity: async () => ({ $metadata: {} }), signal: new AbortController().signal });

describe('doctor: function role', () => {
  beforeEach(() => iam.reset());

  it('passes a lab account that has LabRole, without listing roles', async () => {
    iam.on(GetRoleCommand, { RoleName: 'LabRole' }).resolves({ Role: { Arn: 'arn:aws:iam::1:role/LabRole' } as never });
    const outcome = await functionRoleCheck.run(await doctorContext());
    expect(outcome).toMatchObject({ status: 'pass', detail: expect.stringContaining('LabRole exists') });
    expect(iam).not.toHaveReceivedCommand(ListRolesCommand);
  });

  it('warns, with --role-arn as the fix, when IAM is unreadable and there is no LabRole', async () => {
    iam.on(GetRoleCommand).rejects(awsError('AccessDenied', 403));
    iam.on(ListRolesCommand).rejects(awsError('AccessDenied', 403));
    const outcome = await functionRoleCheck.run(await doctorContext());
    expect(outcome).toMatchObject({ status: 'warn', fix: expect.stringContaining('--role-arn') });
  });

  it('is skipped, not failed again, when the credentials check already failed', async () => {
    const d = await doctorContext();
    d.identity = async () => {
      throw Object.assign(new Error('Could not load credentials from any providers'), { name: 'CredentialsProviderError' });
    };
    const outcome = await functionRoleCheck.run(d);
    expect(outcome).toMatchObject({ status: 'skip', detail: expect.stringContaining('needs working credentials') });
    expect(iam.calls()).toHaveLength(0);
  });
});
