import { CreateFunctionCommand } from '@aws-sdk/client-lambda';
import { PutRolePolicyCommand } from '@aws-sdk/client-iam';
import { CreateTopicCommand, DeleteTopicCommand, SubscribeCommand } from '@aws-sdk/client-sns';
import { afterEach, describe, expect, it } from 'vitest';
import { provision } from '../../src/actions/provision.js';
import { teardown } from '../../src/actions/teardown.js';
import { readState } from '../../src/state/state-file.js';
import { ACCOUNT, FakeAws } from '../helpers/fake-aws.js';
import { fakePackage } from '../helpers/fake-package.js';
import { mockAwsContext } from '../helpers/mock-context.js';

let fake: FakeAws;
afterEach(() => fake?.reset());

const TOPIC = `arn:aws:sns:us-east-1:${ACCOUNT}:thumbs-default-notify`;
type Statement = { Sid?: string; Action: string | string[]; Resource: string };
const policies = () => fake.mocks.iam.commandCalls(PutRolePolicyCommand).map((call) => JSON.parse(call.args[0].input.PolicyDocument ?? '{}') as { Statement: Statement[] });
const snsStatements = (policy: { Statement: Statement[] } | undefined) => (policy?.Statement ?? []).filter((s) => [s.Action].flat().some((a) => a.startsWith('sns:')));

describe('provision --notify email: the stack\'s SNS topic (mocked AWS)', () => {
  it('creates the tagged topic and the email subscription, lets the role publish to that topic only, and teardown deletes it', async () => {
    fake = new FakeAws();
    const { ctx, reporter, stateDir } = await mockAwsContext();
    const extra = { buildPackage: await fakePackage('sha-v1'), sleep: async () => {} };
    const result = await provision(ctx, { notify: 'email:owner@example.com https://hooks.example.com/t', ...extra });

    expect(fake.mocks.sns).toHaveReceivedCommandWith(CreateTopicCommand, {
      Name: 'thumbs-default-notify',
      Tags: [{ Key: 'thumbs:stack', Value: 'default' }, { Key: 'thumbs:managed-by', Value: 'thumbs' }],
    });
    expect(fake.mocks.sns).toHaveReceivedCommandTimes(SubscribeCommand, 1);
    expect(fake.mocks.sns).toHaveReceivedCommandWith(SubscribeCommand, { TopicArn: TOPIC, Protocol: 'email', Endpoint: 'owner@example.com' });
    expect(reporter.events.map((e) => e.text).join('\n') + JSON.stringify(result.resources)).toMatch(/confirmation mail to owner@example\.com/);

    expect(snsStatements(policies()[0])).toEqual([{ Sid: 'NotifyByEmail', Effect: 'Allow', Action: 'sns:Publish', Resource: TOPIC }]);
    const env = fake.mocks.lambda.commandCalls(CreateFunctionCommand)[0]?.args[0].input.Environment?.Variables ?? {};
    expect(env).toMatchObject({ THUMBS_NOTIFY_TOPIC: TOPIC, THUMBS_NOTIFY: 'email:owner@example.com https://hooks.example.com/t', THUMBS_MAX_RECEIVE_COUNT: '5', THUMBS_STACK: 'default' });
    // The key is generated once, kept in the stack's record, given to the function, and not printed.
    const secret = (await readState(stateDir, 'default'))?.config?.notifySecret;
    expect(secret).toMatch(/^[0-9a-f]{64}$/);
    expect(env.THUMBS_NOTIFY_SECRET).toBe(secret);
    expect(JSON.stringify(result)).not.toContain(secret);
    expect([...fake.topics.keys()]).toEqual([TOPIC]);

    await teardown(ctx);
    expect(fake.mocks.sns).toHaveReceivedCommandWith(DeleteTopicCommand, { TopicArn: TOPIC });
    expect(fake.topics.size).toBe(0);
  });

  it('--notify none deletes the topic and takes sns:Publish out of the role policy', async () => {
    fake = new FakeAws();
    const { ctx } = await mockAwsContext();
    const extra = { buildPackage: await fakePackage('sha-v1'), sleep: async () => {} };
    await provision(ctx, { notify: 'email:owner@example.com', ...extra });
    await provision(ctx, { reset: ['notify'], ...extra });
    expect(fake.mocks.sns).toHaveReceivedCommandWith(DeleteTopicCommand, { TopicArn: TOPIC });
    expect(fake.topics.size).toBe(0);
    expect(snsStatements(policies().at(-1))).toEqual([]);
  });
});
