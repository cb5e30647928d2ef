import { CloudWatchLogsClient, CreateLogGroupCommand, DeleteLogGroupCommand, DescribeLogGroupsCommand, ListTagsForResourceCommand, PutRetentionPolicyCommand } from '@aws-sdk/client-cloudwatch-logs';
import { IAMClient } from '@aws-sdk/client-iam';
import {
  CreateBucketCommand,
  DeleteBucketCommand,
  GetBucketTaggingCommand,
  HeadBucketCommand,
  ListMultipartUploadsCommand,
  ListObjectsV2Command,
  ListObjectVersionsCommand,
  PutBucketTaggingCommand,
  S3Client,
} from '@aws-sdk/client-s3';
import { GetCallerIdentityCommand, STSClient } from '@aws-sdk/client-sts';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import { teardown } from '../../src/actions/teardown.js';
import { convergeBucket as ensureBucket } from '../../src/resources/bucket.js';
import { convergeLogGroup } from '../../src/resources/log-group.js';
import { convergeRole as ensureRole } from '../../src/resources/role.js';
import { mockEmptyControlPlane } from '../helpers/empty-control-plane.js';
import type { ResourceKind, ResourceRecord } from '../../src/state/state-file.js';
import { writeState } from '../../src/state/state-file.js';
import { StateStore } from '../../src/state/state-store.js';
import { mockAwsContext } from '../helpers/mock-context.js';
import { awsError } from '../helpers/fake-aws.js';

const s3 = mockClient(S3Client);
const iam = mockClient(IAMClient);
const logs = mockClient(CloudWatchLogsClient);
const sts = mockClient(STSClient);
// The stack's record and lease (reserved items of its table): none here.
mockClient(DynamoDBClient);
const ACCOUNT = '123456789012';
const BUCKET = `thumbs-default-originals-${ACCOUNT}-us-east-1`;
const LOG_GROUP = '/aws/lambda/thumbs-default-thumbnailer';
const LOG_GROUP_ARN = `arn:aws:logs:us-east-1:${ACCOUNT}:log-group:${LOG_GROUP}`;
const bucketSpec = { kind: 'originalsBucket' as const, name: BUCKET, stack: 'default', cors: true };
const stateOf = (resources: Partial<Record<ResourceKind, ResourceRecord>>, region = 'us-east-1') =>
  ({ version: 1 as const, stack: 'default', account: ACCOUNT, region, backend: 'aws' as const, updatedAt: '', resources });

async function setup(resources: Partial<Record<ResourceKind, ResourceRecord>> = {}, region = 'us-east-1') {
  const { ctx, stateDir, reporter } = await mockAwsContext({ region });
  return { ctx, stateDir, reporter, store: new StateStore(stateDir, stateOf(resources, region)) };
}
const sent = (mock: { calls(): Array<{ args: unknown[] }> }) => mock.calls().map((call) => (call.args[0] as object).constructor.name.replace(/Command$/, ''));

beforeEach(() => {
  for (const mock of [s3, iam, logs, sts]) mock.reset();
  sts.on(GetCallerIdentityCommand).resolves({ Account: ACCOUNT });
  for (const list of [ListObjectVersionsCommand, ListObjectsV2Command, ListMultipartUploadsCommand]) s3.on(list as never).resolves({});
});

describe('a bucket created but not configured', () => {
  it('is recorded as created-but-unconfigured before CreateBucket goes out, and configured: true after', async () => {
    const { ctx, store } = await setup();
    s3.on(HeadBucketCommand).rejects(awsError('NotFound', 404));
    const atCreate: Array<ResourceRecord | undefined> = [];
    s3.on(CreateBucketCommand).callsFake(() => (atCreate.push(store.get('originalsBucket')), {}));
    const result = await ensureBucket(ctx, bucketSpec, store, { dryRun: false });
    expect(result.status).toBe('created');
    expect(atCreate).toEqual([{ id: BUCKET, arn: `arn:aws:s3:::${BUCKET}`, origin: 'created', extra: { configured: 'false' } }]);
    expect(store.get('originalsBucket')).toEqual({ id: BUCKET, arn: `arn:aws:s3:::${BUCKET}`, origin: 'created', extra: { configured: 'true' } });
  });

  it('after a failed configuration call, the re-run configures it instead of calling it unchanged', async () => {
    const { ctx, store } = await setup();
    s3.on(HeadBucketCommand).rejects(awsError('NotFound', 404));
    s3.on(PutBucketTaggingCommand).rejects(awsError('ServiceUnavailable', 503));
    await expect(ensureBucket(ctx, bucketSpec, store, { dryRun: false })).rejects.toMatchObject({ name: 'ServiceUnavailable' });
    expect(store.get('originalsBucket')).toMatchObject({ origin: 'created', extra: { configured: 'false' } });

    s3.reset();
    s3.on(HeadBucketCommand).resolves({});
    s3.on(GetBucketTaggingCommand).rejects(awsError('NoSuchTagSet', 404));
    const rerun = await ensureBucket(ctx, bucketSpec, store, { dryRun: false });
    expect(rerun).toMatchObject({ status: 'updated' });
    expect(sent(s3).filter((c) => c.startsWith('Put')).sort()).toEqual(['PutBucketCors', 'PutBucketEncryption', 'PutBucketTagging', 'PutPublicAccessBlock']);
    expect(s3).toHaveReceivedCommandWith(PutBucketTaggingCommand, { Bucket: BUCKET, Tagging: { TagSet: expect.arrayContaining([{ Key: 'thumbs:stack', Value: 'default' }]) } });
    expect(store.get('originalsBucket')?.extra).toEqual({ configured: 'true' });
  });

  it('forgets the intent when CreateBucket fails, restoring what was recorded before', async () => {
    const previous = { id: 'team-photos', arn: 'arn:aws:s3:::team-photos', origin: 'adopted' as const };
    const { ctx, store } = await setup({ originalsBucket: previous });
    s3.on(HeadBucketCommand).rejects(awsError('NotFound', 404));
    s3.on(CreateBucketCommand).rejects(awsError('BucketAlreadyExists', 409));
    await expect(ensureBucket(ctx, bucketSpec, store, { dryRun: false })).rejects.toMatchObject({ code: 'bucket-taken' });
    expect(store.get('originalsBucket')).toEqual(previous);
  });

  it('teardown deletes an untagged bucket whose record says it was never configured', async () => {
    const { ctx, stateDir } = await setup();
    await writeState(stateDir, stateOf({ originalsBucket: { id: BUCKET, origin: 'created', extra: { configured: 'false' } } }));
    s3.on(HeadBucketCommand).resolves({});
    s3.on(GetBucketTaggingCommand).rejects(awsError('NoSuchTagSet', 404));
    mockEmptyControlPlane(s3);
    const result = await teardown(ctx);
    expect(result.results.find((r) => r.kind === 'originalsBucket')).toEqual({ kind: 'originalsBucket', id: BUCKET, status: 'deleted' });
    expect(s3).toHaveReceivedCommandWith(DeleteBucketCommand, { Bucket: BUCKET });
  });

  it('teardown still keeps an untagged bucket whose record has no configured flag', async () => {
    const { ctx, stateDir } = await setup();
    await writeState(stateDir, stateOf({ originalsBucket: { id: BUCKET, origin: 'created' } }));
    s3.on(HeadBucketCommand).resolves({});
    s3.on(GetBucketTaggingCommand).rejects(awsError('NoSuchTagSet', 404));
    mockEmptyControlPlane(s3);
    const result = await teardown(ctx);
    expect(result.results.find((r) => r.kind === 'originalsBucket')).toMatchObject({ status: 'kept' });
    expect(s3).not.toHaveReceivedCommand(DeleteBucketCommand);
  });

  it('records a partition-aware ARN', async () => {
    const { ctx, store } = await setup({}, 'cn-north-1');
    s3.on(HeadBucketCommand).rejects(awsError('NotFound', 404));
    await ensureBucket(ctx, { ...bucketSpec, name: 'b-cn' }, store, { dryRun: false });
    expect(store.get('originalsBucket')?.arn).toBe('arn:aws-cn:s3:::b-cn');
  });
});

describe('adopting over a created record', () => {
  const conflict = { code: 'adopt-conflict', exitCode: 2, hint: 'Run `thumbs teardown` first, or use another --stack.' };

  it('refuses --originals-bucket when the stack created a different bucket, before any call', async () => {
    const { ctx, store } = await setup({ originalsBucket: { id: BUCKET, origin: 'created' } });
    const adopt = ensureBucket(ctx, { ...bucketSpec, name: 'team-photos', adopt: true }, store, { dryRun: false });
    await expect(adopt).rejects.toMatchObject({ ...conflict, message: `stack default already created bucket ${BUCKET}; adopting team-photos would orphan it` });
    expect(s3.calls()).toHaveLength(0);
    expect(store.get('originalsBucket')).toEqual({ id: BUCKET, origin: 'created' });
  });

  it('adopts the same bucket again', async () => {
    const { ctx, store } = await setup({ originalsBucket: { id: 'team-photos', origin: 'adopted' } });
    s3.on(HeadBucketCommand).resolves({});
    const result = await ensureBucket(ctx, { ...bucketSpec, name: 'team-photos', adopt: true }, store, { dryRun: false });
    expect(result.status).toBe('adopted');
  });

  it('naming the bucket the stack created itself keeps it created, so teardown still deletes it', async () => {
    const { ctx, store } = await setup({ originalsBucket: { id: BUCKET, origin: 'created' } });
    s3.on(HeadBucketCommand).resolves({});
    s3.on(GetBucketTaggingCommand).resolves({ TagSet: [{ Key: 'thumbs:stack', Value: 'default' }] });
    const result = await ensureBucket(ctx, { ...bucketSpec, name: BUCKET, adopt: true }, store, { dryRun: false });
    expect(result.status).not.toBe('adopted');
    expect(store.get('originalsBucket')?.origin).toBe('created');
  });

  it('refuses --role-arn when the stack created a different role, even on --dry-run', async () => {
    const { ctx, store } = await setup({ role: { id: 'thumbs-default-fn', arn: `arn:aws:iam::${ACCOUNT}:role/thumbs-default-fn`, origin: 'created' } });
    const spec = { stack: 'default', name: 'thumbs-default-fn', policy: { Version: '2012-10-17' as const, Statement: [] }, adoptArn: `arn:aws:iam::${ACCOUNT}:role/team-role` };
    for (const dryRun of [false, true]) {
      await expect(ensureRole(ctx, spec, store, { dryRun })).rejects.toMatchObject({ ...conflict, message: 'stack default already created role thumbs-default-fn; adopting team-role would orphan it' });
    }
    expect(iam.calls()).toHaveLength(0);
    expect(store.get('role')?.origin).toBe('created');
  });

  it('adopts the same --role-arn again', async () => {
    const arn = `arn:aws:iam::${ACCOUNT}:role/team-role`;
    const { ctx, store } = await setup({ role: { id: 'team-role', arn, origin: 'adopted' } });
    const spec = { stack: 'default', name: 'thumbs-default-fn', policy: { Version: '2012-10-17' as const, Statement: [] }, adoptArn: arn };
    expect(await ensureRole(ctx, spec, store, { dryRun: false })).toMatchObject({ status: 'adopted', id: 'team-role' });
  });
});

describe('a log group that already exists', () => {
  const spec = { stack: 'default', name: LOG_GROUP, region: 'us-east-1', account: ACCOUNT };

  it('without our tag: refused (not-ours, no unasked adoption), its retention left alone and nothing recorded', async () => {
    const { ctx, store } = await setup();
    logs.on(DescribeLogGroupsCommand).resolves({ logGroups: [{ logGroupName: LOG_GROUP, retentionInDays: 3 }] });
    logs.on(ListTagsForResourceCommand).resolves({ tags: { team: 'x' } });
    await expect(convergeLogGroup(ctx, spec, store, { dryRun: false })).rejects.toMatchObject({ code: 'not-ours', hint: expect.stringContaining('delete it') });
    expect(logs).toHaveReceivedCommandWith(ListTagsForResourceCommand, { resourceArn: LOG_GROUP_ARN });
    expect(logs).not.toHaveReceivedCommand(PutRetentionPolicyCommand);
    expect(store.get('logGroup')).toBeUndefined();
  });

  it('with our tag (an interrupted earlier run): recorded created, retention repaired', async () => {
    const { ctx, store } = await setup();
    logs.on(DescribeLogGroupsCommand).resolves({ logGroups: [{ logGroupName: LOG_GROUP }] });
    logs.on(ListTagsForResourceCommand).resolves({ tags: { 'thumbs:stack': 'default', 'thumbs:managed-by': 'thumbs' } });
    const result = await convergeLogGroup(ctx, spec, store, { dryRun: false });
    expect(result.changes).toEqual([{ attribute: 'retentionDays', from: 'never expire', to: '14' }]);
    expect(logs).toHaveReceivedCommandWith(PutRetentionPolicyCommand, { logGroupName: LOG_GROUP, retentionInDays: 14 });
    expect(logs).not.toHaveReceivedCommand(CreateLogGroupCommand);
    expect(store.get('logGroup')).toEqual({ id: LOG_GROUP, origin: 'created' });
  });

  it.each([
    [{ team: 'x' }, 'kept'],
    [{ 'thumbs:stack': 'default' }, 'deleted'],
  ])('teardown checks the tag of a recorded log group: %o is %s', async (tags, status) => {
    const { ctx, stateDir } = await setup();
    await writeState(stateDir, stateOf({ logGroup: { id: LOG_GROUP, origin: 'created' } }));
    const control = mockEmptyControlPlane(s3, { logs: true });
    logs.on(DescribeLogGroupsCommand).resolves({ logGroups: [{ logGroupName: LOG_GROUP }] });
    logs.on(ListTagsForResourceCommand, { resourceArn: LOG_GROUP_ARN }).resolves({ tags });
    logs.on(DeleteLogGroupCommand).resolves({});
    const result = await teardown(ctx);
    control.restore();
    expect(result.results.filter((r) => r.kind === 'logGroup')).toEqual([expect.objectContaining({ kind: 'logGroup', status })]);
    expect(logs.commandCalls(DeleteLogGroupCommand)).toHaveLength(status === 'deleted' ? 1 : 0);
  });
});
