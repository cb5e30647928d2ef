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
import { ThumbsError } from '../errors.js';
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

export const bucketArn = (name: string) => `arn:aws:s3:::${name}`;

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

/** A private, encrypted, tagged bucket; never adopts a bucket it cannot prove is this account's. */
export async function ensureBucket(ctx: Context, spec: BucketSpec, store: StateStore, options: EnsureOptions): Promise<EnsureResult> {
  const record = { id: spec.name, arn: bucketArn(spec.name) };
  const base = { kind: spec.kind, ...record };
  const state = await presence(ctx, spec.name);
  if (state === 'not-ours') throw taken(spec.name);
  if (state === 'ours') {
    const recorded = store.get(spec.kind);
    if (spec.adopt) {
      if (!options.dryRun) await store.record(spec.kind, { ...record, origin: 'adopted' });
      return { ...base, status: 'adopted' };
    }
    if (recorded?.id === spec.name) return { ...base, status: 'unchanged' };
    // No record (state file lost): it is ours to manage only if it carries this stack's tag.
    const origin = (await carriesTag(ctx, spec)) ? 'created' : 'adopted';
    if (!options.dryRun) await store.record(spec.kind, { ...record, origin });
    return { ...base, status: origin === 'created' ? 'unchanged' : 'adopted' };
  }
  if (spec.adopt) {
    throw new ThumbsError('bucket-missing', `bucket "${spec.name}" does not exist`, { hint: 'Create it first, or drop the option to let thumbs create one.' });
  }
  if (options.dryRun) return { ...base, status: 'planned', note: 'create private bucket (SSE-S3, public access blocked)' };
  await createBucket(ctx, spec.name);
  await store.record(spec.kind, { ...record, origin: 'created' });
  await configureBucket(ctx, spec);
  return { ...base, status: 'created' };
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
