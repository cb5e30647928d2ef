import {
  CreateBucketCommand,
  GetBucketTaggingCommand,
  HeadBucketCommand,
  PutBucketEncryptionCommand,
  PutBucketTaggingCommand,
  PutPublicAccessBlockCommand,
  S3Client,
  S3ServiceException,
} from '@aws-sdk/client-s3';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ensureBucket } from '../../src/ensure/bucket.js';
import { StateStore } from '../../src/state/state-store.js';
import { mockAwsContext } from '../helpers/mock-context.js';

const s3 = mockClient(S3Client);
const awsError = (name: string, status: number) =>
  new S3ServiceException({ name, $fault: 'client', $metadata: { httpStatusCode: status }, message: name });

async function setup() {
  const { ctx, stateDir } = await mockAwsContext();
  const store = new StateStore(stateDir, { version: 1, stack: 'default', account: '123456789012', region: 'us-east-1', backend: 'aws', updatedAt: '', resources: {} });
  return { ctx, store };
}
const spec = { kind: 'originalsBucket' as const, name: 'thumbs-default-originals-123456789012-us-east-1', stack: 'default', cors: true };

describe('ensureBucket', () => {
  beforeEach(() => s3.reset());
  afterEach(() => s3.reset());

  it('creates a private, encrypted, tagged bucket when absent and records it as created', async () => {
    const { ctx, store } = await setup();
    s3.on(HeadBucketCommand).rejects(awsError('NotFound', 404));
    const result = await ensureBucket(ctx, spec, store, { dryRun: false });
    expect(result.status).toBe('created');
    expect(s3).toHaveReceivedCommandWith(CreateBucketCommand, { Bucket: spec.name });
    expect(s3).toHaveReceivedCommandWith(PutPublicAccessBlockCommand, {
      Bucket: spec.name,
      PublicAccessBlockConfiguration: { BlockPublicAcls: true, IgnorePublicAcls: true, BlockPublicPolicy: true, RestrictPublicBuckets: true },
    });
    expect(s3).toHaveReceivedCommand(PutBucketEncryptionCommand);
    expect(s3).toHaveReceivedCommandWith(PutBucketTaggingCommand, { Tagging: { TagSet: expect.arrayContaining([{ Key: 'thumbs:stack', Value: 'default' }]) } });
    expect(store.get('originalsBucket')).toMatchObject({ id: spec.name, origin: 'created' });
  });

  it('sends no write when the recorded bucket exists', async () => {
    const { ctx, store } = await setup();
    await store.record('originalsBucket', { id: spec.name, origin: 'created' });
    s3.on(HeadBucketCommand).resolves({});
    const result = await ensureBucket(ctx, spec, store, { dryRun: false });
    expect(result.status).toBe('unchanged');
    expect(s3.calls().map((call) => call.args[0].constructor.name)).toEqual(['HeadBucketCommand']);
  });

  it('without a record, adopts an untagged existing bucket rather than claiming it', async () => {
    const { ctx, store } = await setup();
    s3.on(HeadBucketCommand).resolves({});
    s3.on(GetBucketTaggingCommand).resolves({ TagSet: [{ Key: 'team', Value: 'x' }] });
    const result = await ensureBucket(ctx, spec, store, { dryRun: false });
    expect(result.status).toBe('adopted');
    expect(store.get('originalsBucket')?.origin).toBe('adopted');
    expect(s3).not.toHaveReceivedCommand(CreateBucketCommand);
  });

  it('refuses a name owned by another account, never adopting it', async () => {
    const { ctx, store } = await setup();
    s3.on(HeadBucketCommand).rejects(awsError('NotFound', 404));
    s3.on(CreateBucketCommand).rejects(awsError('BucketAlreadyExists', 409));
    await expect(ensureBucket(ctx, spec, store, { dryRun: false })).rejects.toMatchObject({ code: 'bucket-taken' });
    expect(store.get('originalsBucket')).toBeUndefined();
  });

  it('treats a 403 on HeadBucket as someone else\'s bucket', async () => {
    const { ctx, store } = await setup();
    s3.on(HeadBucketCommand).rejects(awsError('Forbidden', 403));
    await expect(ensureBucket(ctx, spec, store, { dryRun: false })).rejects.toMatchObject({ code: 'bucket-taken' });
  });

  it('plans without writing on --dry-run', async () => {
    const { ctx, store } = await setup();
    s3.on(HeadBucketCommand).rejects(awsError('NotFound', 404));
    const result = await ensureBucket(ctx, spec, store, { dryRun: true });
    expect(result.status).toBe('planned');
    expect(s3).not.toHaveReceivedCommand(CreateBucketCommand);
  });
});
