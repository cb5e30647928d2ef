import {
  CreateBucketCommand,
  DeleteBucketCommand,
  GetBucketCorsCommand,
  GetBucketEncryptionCommand,
  GetBucketTaggingCommand,
  GetPublicAccessBlockCommand,
  HeadBucketCommand,
  PutBucketCorsCommand,
  PutBucketEncryptionCommand,
  PutBucketTaggingCommand,
  PutPublicAccessBlockCommand,
  type BucketLocationConstraint,
  type CORSRule,
  type PublicAccessBlockConfiguration,
} from '@aws-sdk/client-s3';
import { errorName, httpStatus, ignoreNotFound, isNotFound } from '../aws/aws-errors.js';
import type { Context } from '../context.js';
import { ThumbsError, usageError } from '../errors.js';
import { bucketArnOf } from './arns.js';
import { emptyBucket } from './empty-bucket.js';
import { stackTagMap, tagListToMap } from './tags.js';
import type { OpenStack } from '../state/open-stack.js';
import type { ResourceRecord } from '../state/state-file.js';
import type { StateStore } from '../state/state-store.js';
import {
  differs,
  discovered,
  notOurs,
  ownershipOf,
  resultOf,
  tagDrift,
  type Difference,
  type EnsureOptions,
  type EnsureResult,
  type Ownership,
  type ResourceModule,
} from './resource.js';

export type BucketKind = 'originalsBucket' | 'thumbnailsBucket' | 'siteBucket';

export interface BucketSpec {
  kind: BucketKind;
  name: string;
  stack: string;
  /** Allow a gallery page on another origin to GET objects through presigned URLs. */
  cors: boolean;
  /** The site bucket of `publish --hosting s3` allows a public-read bucket policy; ACLs stay blocked. Default false. */
  publicPolicy?: boolean;
  /** The user pointed at this bucket (--originals-bucket): use it, never change or delete it. */
  adopt?: boolean;
}

/** `thumbs gallery` adds this CORS rule (browser uploads) while it runs: it is not thumbs' rule to repair. */
export const GALLERY_CORS_RULE_ID = 'thumbs-gallery-upload';
export const THUMBS_CORS_RULE_ID = 'thumbs-presigned-get';

/**
 * Recorded before CreateBucket as 'false' and set to 'true' once every configuration call went
 * through, so a crash in between leaves a record that a re-run finishes and teardown trusts.
 */
const CONFIGURED = 'configured';

/** What thumbs reads back of a bucket; undefined fields are what the backend does not store. */
export interface BucketLive {
  publicAccessBlock?: string;
  encryption?: string;
  /** Every rule but the gallery's. */
  cors?: CORSRule[];
  /** The gallery's rule, kept as it is when thumbs rewrites its own. */
  otherCors?: CORSRule[];
  tags?: Record<string, string>;
}

/** A new bucket: every attribute thumbs sets still to be set. */
const FRESH: BucketLive = { publicAccessBlock: 'off', encryption: 'none', cors: [], tags: {} };

const BLOCK_ALL: PublicAccessBlockConfiguration = { BlockPublicAcls: true, IgnorePublicAcls: true, BlockPublicPolicy: true, RestrictPublicBuckets: true };
const BLOCK_ACLS: PublicAccessBlockConfiguration = { BlockPublicAcls: true, IgnorePublicAcls: true, BlockPublicPolicy: false, RestrictPublicBuckets: false };

/** on, off, or the settings that are on. */
function describeBlock(config: PublicAccessBlockConfiguration | undefined): string {
  const on = (['BlockPublicAcls', 'IgnorePublicAcls', 'BlockPublicPolicy', 'RestrictPublicBuckets'] as const).filter((key) => config?.[key]);
  return on.length === 4 ? 'on' : on.length === 0 ? 'off' : on.join('+');
}

const corsRule = (): CORSRule => ({ ID: THUMBS_CORS_RULE_ID, AllowedMethods: ['GET', 'HEAD'], AllowedOrigins: ['*'], AllowedHeaders: ['*'], MaxAgeSeconds: 3600 });

function describeCors(rules: CORSRule[] | undefined): string {
  if (!rules || rules.length === 0) return 'none';
  return rules.map((r) => `${[...(r.AllowedMethods ?? [])].sort().join('+')} from ${[...(r.AllowedOrigins ?? [])].sort().join('+')}`).join('; ');
}

/** The configuration thumbs wants, in the terms `diff` compares. */
function desired(spec: BucketSpec) {
  return {
    publicAccessBlock: spec.publicPolicy ? BLOCK_ACLS : BLOCK_ALL,
    encryption: 'AES256',
    cors: spec.cors ? [corsRule()] : [],
    tags: stackTagMap(spec.stack),
  };
}

async function orUndefined<T>(work: Promise<T>, missing: (name: string) => boolean): Promise<T | undefined> {
  try {
    return await work;
  } catch (error) {
    if (missing(errorName(error))) return undefined;
    throw error;
  }
}

/**
 * The bucket's live configuration, or undefined when it does not exist. HeadBucket's 403 (a bucket
 * of another account) is thrown as bucket-taken. Configuration is read only where the backend keeps it.
 */
export async function readBucket(ctx: Context, name: string): Promise<BucketLive | undefined> {
  const s3 = ctx.clients.s3;
  try {
    await s3.send(new HeadBucketCommand({ Bucket: name }));
  } catch (error) {
    if (isNotFound(error)) return undefined;
    if (httpStatus(error) === 403) throw taken(name);
    throw error;
  }
  const Bucket = name;
  const [block, encryption, cors, tags] = await Promise.all([
    ctx.capabilities.readsBucketConfiguration
      ? orUndefined(s3.send(new GetPublicAccessBlockCommand({ Bucket })), (n) => n === 'NoSuchPublicAccessBlockConfiguration').then((r) => describeBlock(r?.PublicAccessBlockConfiguration))
      : undefined,
    ctx.capabilities.readsBucketConfiguration
      ? orUndefined(s3.send(new GetBucketEncryptionCommand({ Bucket })), (n) => n === 'ServerSideEncryptionConfigurationNotFoundError').then(
          (r) => r?.ServerSideEncryptionConfiguration?.Rules?.[0]?.ApplyServerSideEncryptionByDefault?.SSEAlgorithm ?? 'none',
        )
      : undefined,
    ctx.capabilities.readsBucketConfiguration
      ? orUndefined(s3.send(new GetBucketCorsCommand({ Bucket })), (n) => n === 'NoSuchCORSConfiguration').then((r) => r?.CORSRules ?? [])
      : undefined,
    ctx.capabilities.readsResourceTags ? readTags(ctx, name) : undefined,
  ]);
  return {
    publicAccessBlock: block,
    encryption,
    ...(cors ? { cors: cors.filter((r) => r.ID !== GALLERY_CORS_RULE_ID), otherCors: cors.filter((r) => r.ID === GALLERY_CORS_RULE_ID) } : {}),
    tags,
  };
}

/** A bucket without tags answers NoSuchTagSet, which is "untagged", not "absent". */
async function readTags(ctx: Context, name: string): Promise<Record<string, string>> {
  try {
    const answer = await ctx.clients.s3.send(new GetBucketTaggingCommand({ Bucket: name }));
    return tagListToMap(answer?.TagSet);
  } catch (error) {
    if (errorName(error).startsWith('NoSuchTagSet')) return {};
    throw error;
  }
}

/** Each attribute thumbs sets that differs; attributes the backend does not report are not compared. */
export function diffBucket(spec: BucketSpec, live: BucketLive): Difference[] {
  const want = desired(spec);
  return [
    ...(live.publicAccessBlock === undefined ? [] : differs('publicAccessBlock', live.publicAccessBlock, describeBlock(want.publicAccessBlock))),
    ...(live.encryption === undefined ? [] : differs('encryption', live.encryption, want.encryption)),
    ...(live.cors === undefined ? [] : differs('cors', describeCors(live.cors), describeCors(want.cors))),
    ...(live.tags === undefined ? [] : tagDrift(live.tags, want.tags)),
  ];
}

/** One write per differing attribute; they are independent, so they go out together. */
async function repair(ctx: Context, spec: BucketSpec, live: BucketLive, changes: Difference[]): Promise<void> {
  const s3 = ctx.clients.s3;
  const Bucket = spec.name;
  const want = desired(spec);
  const changed = new Set(changes.map((c) => c.attribute));
  await Promise.all([
    changed.has('publicAccessBlock') && s3.send(new PutPublicAccessBlockCommand({ Bucket, PublicAccessBlockConfiguration: want.publicAccessBlock })),
    changed.has('encryption') &&
      s3.send(new PutBucketEncryptionCommand({
        Bucket,
        ServerSideEncryptionConfiguration: { Rules: [{ ApplyServerSideEncryptionByDefault: { SSEAlgorithm: 'AES256' }, BucketKeyEnabled: true }] },
      })),
    // PutBucketCors replaces every rule: the gallery's upload rule goes back in as it was.
    changed.has('cors') && s3.send(new PutBucketCorsCommand({ Bucket, CORSConfiguration: { CORSRules: [...want.cors, ...(live.otherCors ?? [])] } })),
    // PutBucketTagging replaces the whole set too: other tags stay.
    changed.has('tags') &&
      s3.send(new PutBucketTaggingCommand({ Bucket, Tagging: { TagSet: Object.entries({ ...live.tags, ...want.tags }).map(([Key, Value]) => ({ Key, Value })) } })),
  ]);
}

function taken(name: string): ThumbsError {
  return new ThumbsError('bucket-taken', `bucket "${name}" belongs to another account`, {
    hint: 'Bucket names are global. Choose another --stack, or point at a bucket you own.',
  });
}

const ADOPT_HINT: Record<BucketKind, string> = {
  originalsBucket: 'Adopt it explicitly with --originals-bucket NAME',
  thumbnailsBucket: 'Adopt it explicitly with --thumbnails-bucket NAME',
  siteBucket: 'Delete it if it is a leftover of an earlier publish',
};

/**
 * The one ownership rule for buckets: the stack's tag; where the backend stores no tags, existence; and
 * a record of a bucket whose configuration never finished (recorded before CreateBucket, tagged only
 * after) is trusted on existence alone.
 */
export function ownsBucket(exists: boolean, tags: Record<string, string> | undefined, record: Pick<ResourceRecord, 'extra'> | undefined, stack: string): Ownership {
  if (!exists) return 'absent';
  if (tags === undefined || record?.extra?.[CONFIGURED] === 'false') return 'owned';
  return tags['thumbs:stack'] === stack ? 'owned' : 'foreign';
}

/** The same rule with its two reads (HeadBucket, then the tags), for status and teardown. */
export function bucketOwnership(ctx: Context, record: Pick<ResourceRecord, 'id' | 'extra'>, stack: string): Promise<Ownership> {
  return ownershipOf(async () => {
    try {
      await ctx.clients.s3.send(new HeadBucketCommand({ Bucket: record.id }));
    } catch (error) {
      if (httpStatus(error) === 403) return false;
      throw error;
    }
    const tags = ctx.capabilities.readsResourceTags ? await readTags(ctx, record.id) : undefined;
    return ownsBucket(true, tags, record, stack) === 'owned';
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

/**
 * A private, encrypted, tagged bucket: created when absent, repaired attribute by attribute when it
 * drifted. An adopted bucket is never changed (its drift is reported); a same-named bucket without
 * the stack's tag is refused.
 */
export async function convergeBucket(ctx: Context, spec: BucketSpec, store: StateStore, options: EnsureOptions): Promise<EnsureResult> {
  if (spec.adopt) refuseAdoptConflict(spec, store);
  const record = { id: spec.name, arn: bucketArnOf(ctx.clients.region, spec.name) };
  const base = { kind: spec.kind, ...record };
  const live = await readBucket(ctx, spec.name);
  const recorded = store.get(spec.kind);
  // Pointing at a bucket this stack created itself keeps it ours: adopting it would stop teardown deleting it.
  const createdHere = recorded?.id === spec.name && recorded.origin === 'created';
  if (!live) {
    if (spec.adopt) throw new ThumbsError('bucket-missing', `bucket "${spec.name}" does not exist`, { hint: 'Create it first, or drop the option to let thumbs create one.' });
    if (options.dryRun) return { ...base, status: 'planned', note: 'create private bucket (SSE-S3, public access blocked)' };
    await createRecorded(ctx, spec, store, record);
    await repair(ctx, spec, {}, diffBucket(spec, FRESH));
    await store.record(spec.kind, { ...record, origin: 'created', extra: { [CONFIGURED]: 'true' } });
    return { ...base, status: 'created' };
  }
  if ((spec.adopt && !createdHere) || (recorded?.origin === 'adopted' && recorded.id === spec.name)) {
    if (!options.dryRun && !(recorded?.origin === 'adopted' && recorded.id === spec.name)) await store.record(spec.kind, { ...record, origin: 'adopted' });
    const drift = diffBucket(spec, { ...live, tags: undefined });
    return { ...base, status: 'adopted', ...(drift.length ? { changes: drift, note: 'adopted: drift reported, not repaired' } : {}) };
  }
  if (ownsBucket(true, live.tags, createdHere ? recorded : undefined, spec.stack) === 'foreign') throw notOurs('bucket', spec.name, spec.stack, ADOPT_HINT[spec.kind]);
  const changes = diffBucket(spec, live);
  if (!options.dryRun) {
    await repair(ctx, spec, live, changes);
    if (!createdHere || recorded.extra?.[CONFIGURED] !== 'true') await store.record(spec.kind, { ...record, origin: 'created', extra: { [CONFIGURED]: 'true' } });
  }
  return resultOf(base, changes, options.dryRun);
}

/** The intent is recorded first: a crash after CreateBucket must not leave a bucket no record claims. */
async function createRecorded(ctx: Context, spec: BucketSpec, store: StateStore, record: { id: string; arn: string }): Promise<void> {
  const previous = store.get(spec.kind);
  await store.record(spec.kind, { ...record, origin: 'created', extra: { [CONFIGURED]: 'false' } });
  try {
    await createBucket(ctx, spec.name);
  } catch (error) {
    await (previous ? store.record(spec.kind, previous) : store.forget(spec.kind));
    throw error;
  }
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

/** What the stack wants of a recorded bucket, for `status`: the site bucket allows its public policy. */
const specOf = (kind: BucketKind, record: ResourceRecord, stack: OpenStack): BucketSpec => ({
  kind,
  name: record.id,
  stack: stack.stack,
  cors: kind !== 'siteBucket',
  publicPolicy: kind === 'siteBucket',
});

export function bucketModule(kind: BucketKind, wave: number): ResourceModule {
  return {
    kind,
    wave,
    ownership: (ctx, record, stack) => bucketOwnership(ctx, record, stack.stack),
    async discover(ctx, stack) {
      const name = stack.names[kind];
      return discovered(await bucketOwnership(ctx, { id: name }, stack.stack), { id: name, arn: bucketArnOf(stack.region, name) });
    },
    async inspect(ctx, record, stack) {
      const ownership = record.origin === 'adopted' ? 'owned' : await bucketOwnership(ctx, record, stack.stack);
      const live = ownership === 'absent' ? undefined : await readBucket(ctx, record.id);
      if (!live) return { exists: false, ownership: 'absent', drift: [] };
      const adopted = record.origin === 'adopted';
      return { exists: true, ownership, drift: diffBucket(specOf(kind, record, stack), adopted ? { ...live, tags: undefined } : live) };
    },
    async remove(ctx, record) {
      const emptied = await emptyBucket(ctx, record.id);
      await ignoreNotFound(() => ctx.clients.s3.send(new DeleteBucketCommand({ Bucket: record.id })));
      return emptied > 0 ? `emptied ${emptied} objects` : undefined;
    },
  };
}
