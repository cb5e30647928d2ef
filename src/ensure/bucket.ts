import {
  CreateBucketCommand,
  GetBucketTaggingCommand,
  HeadBucketCommand,
  PutBucketCorsCommand,
  PutBucketEncryptionCommand,
  PutBucketTaggingCommand,
  PutPublicAccessBlockCommand,
  type BucketLocationConstraint,
} from '@aws-sdk/client-s3';
import { errorName, httpStatus, isNotFound } from '../aws/aws-errors.js';
import type { Context } from '../context.js';
import { ThumbsError, usageError } from '../errors.js';
import { bucketArnOf } from '../resources/arns.js';
import { carriesStackTag, stackTagList, tagListToMap } from '../resources/tags.js';
import type { StateStore } from '../state/state-store.js';
import type { EnsureOptions, EnsureResult } from './types.js';

export interface BucketSpec {
  kind: 'originalsBucket' | 'thumbnailsBucket' | 'siteBucket';
  name: string;
  stack: string;
  /** Allow a gallery page on another origin to GET objects through presigned URLs. */
  cors: boolean;
  /** The user pointed at this bucket (--originals-bucket): use it, never change or delete it. */
  adopt?: boolean;
}

/** Partition-aware; callers that know the region should pass it (China and GovCloud differ). */

/**
 * Recorded before CreateBucket as 'false' and set to 'true' once every configuration call went
 * through, so a crash in between leaves a record that a re-run finishes and teardown trusts.
 */
const CONFIGURED = 'configured';

type Presence = 'absent' | 'ours' | 'not-ours';

async function presence(ctx: Context, name: string): Promise<Presence> {
  try {
    await ctx.clients.s3.send(new HeadBucketCommand({ Bucket: name }));
    return 'ours';
  } catch (error) {
    if (isNotFound(error)) return 'absent';
    // HeadBucket answers 403 for a bucket that exists in another account.
    if (httpStatus(error) === 403) return 'not-ours';
    throw error;
  }
}

async function carriesTag(ctx: Context, spec: BucketSpec): Promise<boolean> {
  if (!ctx.capabilities.readsResourceTags) return true;
  try {
    const { TagSet } = await ctx.clients.s3.send(new GetBucketTaggingCommand({ Bucket: spec.name }));
    return carriesStackTag(tagListToMap(TagSet), spec.stack);
  } catch (error) {
    if (isNotFound(error)) return false;
    throw error;
  }
}

function taken(name: string): ThumbsError {
  return new ThumbsError('bucket-taken', `bucket "${name}" belongs to another account`, {
    hint: 'Bucket names are global. Choose another --stack, or point at a bucket you own.',
  });
}

/** Adopting another bucket would drop the record of the one this stack created, leaving it orphaned. */
function refuseAdoptConflict(spec: BucketSpec, store: StateStore): void {
  const recorded = store.get(spec.kind);
  if (recorded?.origin !== 'created' || recorded.id === spec.name) return;
  throw usageError(
    'adopt-conflict',
    `stack ${spec.stack} already created bucket ${recorded.id}; adopting ${spec.name} would orphan it`,
    'Run `thumbs teardown` first, or use another --stack.',
  );
}

type BucketRecord = { id: string; arn: string };

/** The bucket exists and HeadBucket proved it is this account's. */
async function ensureExisting(ctx: Context, spec: BucketSpec, store: StateStore, options: EnsureOptions, record: BucketRecord): Promise<EnsureResult> {
  const base = { kind: spec.kind, ...record };
  const recorded = store.get(spec.kind);
  // Pointing at a bucket this stack created itself keeps it ours: adopting it would stop teardown deleting it.
  const createdHere = recorded?.id === spec.name && recorded.origin === 'created';
  if (spec.adopt && !createdHere) {
    if (!options.dryRun) await store.record(spec.kind, { ...record, origin: 'adopted' });
    return { ...base, status: 'adopted' };
  }
  if (recorded?.id === spec.name) {
    if (recorded.origin !== 'created' || recorded.extra?.[CONFIGURED] !== 'false') return { ...base, status: 'unchanged' };
    // An earlier run created it and stopped before configuring it.
    if (options.dryRun) return { ...base, status: 'planned', note: 'finish configuring' };
    await configureAndRecord(ctx, spec, store, record);
    return { ...base, status: 'updated', note: 'finished configuring' };
  }
  // No record (state file lost): it is ours to manage only if it carries this stack's tag.
  const origin = (await carriesTag(ctx, spec)) ? 'created' : 'adopted';
  if (!options.dryRun) await store.record(spec.kind, { ...record, origin });
  return { ...base, status: origin === 'created' ? 'unchanged' : 'adopted' };
}

/** A private, encrypted, tagged bucket; never adopts a bucket it cannot prove is this account's. */
export async function ensureBucket(ctx: Context, spec: BucketSpec, store: StateStore, options: EnsureOptions): Promise<EnsureResult> {
  if (spec.adopt) refuseAdoptConflict(spec, store);
  const record = { id: spec.name, arn: bucketArnOf(ctx.clients.region, spec.name) };
  const state = await presence(ctx, spec.name);
  if (state === 'not-ours') throw taken(spec.name);
  if (state === 'ours') return ensureExisting(ctx, spec, store, options, record);
  if (spec.adopt) {
    throw new ThumbsError('bucket-missing', `bucket "${spec.name}" does not exist`, { hint: 'Create it first, or drop the option to let thumbs create one.' });
  }
  const base = { kind: spec.kind, ...record };
  if (options.dryRun) return { ...base, status: 'planned', note: 'create private bucket (SSE-S3, public access blocked)' };
  await createRecorded(ctx, spec, store, record);
  await configureAndRecord(ctx, spec, store, record);
  return { ...base, status: 'created' };
}

/** The intent is recorded first: a crash after CreateBucket must not leave a bucket no record claims. */
async function createRecorded(ctx: Context, spec: BucketSpec, store: StateStore, record: BucketRecord): Promise<void> {
  const previous = store.get(spec.kind);
  await store.record(spec.kind, { ...record, origin: 'created', extra: { [CONFIGURED]: 'false' } });
  try {
    await createBucket(ctx, spec.name);
  } catch (error) {
    await (previous ? store.record(spec.kind, previous) : store.forget(spec.kind));
    throw error;
  }
}

async function configureAndRecord(ctx: Context, spec: BucketSpec, store: StateStore, record: BucketRecord): Promise<void> {
  await configureBucket(ctx, spec);
  await store.record(spec.kind, { ...record, origin: 'created', extra: { [CONFIGURED]: 'true' } });
}

async function createBucket(ctx: Context, name: string): Promise<void> {
  const region = ctx.clients.region;
  try {
    await ctx.clients.s3.send(
      new CreateBucketCommand({
        Bucket: name,
        // us-east-1 is the one region that rejects an explicit LocationConstraint.
        ...(region === 'us-east-1' ? {} : { CreateBucketConfiguration: { LocationConstraint: region as BucketLocationConstraint } }),
      }),
    );
  } catch (error) {
    if (errorName(error) === 'BucketAlreadyOwnedByYou') return;
    if (errorName(error) === 'BucketAlreadyExists') throw taken(name);
    throw error;
  }
}

/** Configuration calls are independent of each other, so they go out together. */
async function configureBucket(ctx: Context, spec: BucketSpec): Promise<void> {
  const s3 = ctx.clients.s3;
  const Bucket = spec.name;
  await Promise.all([
    s3.send(new PutPublicAccessBlockCommand({
      Bucket,
      PublicAccessBlockConfiguration: { BlockPublicAcls: true, IgnorePublicAcls: true, BlockPublicPolicy: true, RestrictPublicBuckets: true },
    })),
    s3.send(new PutBucketEncryptionCommand({
      Bucket,
      ServerSideEncryptionConfiguration: { Rules: [{ ApplyServerSideEncryptionByDefault: { SSEAlgorithm: 'AES256' }, BucketKeyEnabled: true }] },
    })),
    s3.send(new PutBucketTaggingCommand({ Bucket, Tagging: { TagSet: stackTagList(spec.stack) } })),
    ...(spec.cors
      ? [s3.send(new PutBucketCorsCommand({
          Bucket,
          CORSConfiguration: { CORSRules: [{ AllowedMethods: ['GET', 'HEAD'], AllowedOrigins: ['*'], AllowedHeaders: ['*'], MaxAgeSeconds: 3600 }] },
        }))]
      : []),
  ]);
}
