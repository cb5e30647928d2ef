import {
  PutBucketPolicyCommand,
  PutBucketWebsiteCommand,
  PutObjectCommand,
} from '@aws-sdk/client-s3';
import type { AwsTarget } from '../aws/target.js';
import type { Context } from '../context.js';
import { convergeBucket } from '../resources/bucket.js';
import { bucketArnOf } from '../resources/arns.js';
import type { SnapshotFile } from '../gallery/snapshot.js';
import type { StateStore } from '../state/state-store.js';
import { asAction } from './permission.js';

export interface S3WebsiteOptions {
  stack: string;
  bucket: string;
  files: SnapshotFile[];
  store: StateStore;
}

export interface S3Website {
  bucket: string;
  url: string;
}

/** Regions whose website endpoint uses a dash (`s3-website-us-east-1`); all newer ones use a dot. */
const DASH_REGIONS = new Set([
  'us-east-1', 'us-west-1', 'us-west-2', 'ap-southeast-1', 'ap-southeast-2', 'ap-northeast-1', 'eu-west-1', 'sa-east-1', 'us-gov-west-1',
]);

/** S3 website endpoints speak HTTP only (no TLS); an emulator serves the same objects path-style. */
export function websiteUrl(bucket: string, region: string, target: Pick<AwsTarget, 'backend' | 'endpoints'>): string {
  if (target.backend !== 'aws' && target.endpoints?.s3) return `${target.endpoints.s3.replace(/\/$/, '')}/${bucket}/index.html`;
  const separator = DASH_REGIONS.has(region) ? '-' : '.';
  return `http://${bucket}.s3-website${separator}${region}.amazonaws.com`;
}

/** Anyone may read the objects of this one bucket, and do nothing else. */
export function publicReadPolicy(bucket: string, region: string): string {
  return JSON.stringify({
    Version: '2012-10-17',
    Statement: [{ Sid: 'PublicReadGallery', Effect: 'Allow', Principal: '*', Action: 's3:GetObject', Resource: `${bucketArnOf(region, bucket)}/*` }],
  });
}

/**
 * A separate site bucket made public-readable: only call this after the user consented.
 * Block Public Access is relaxed on this bucket alone and only for policies (the site bucket's spec in
 * src/resources/bucket.ts): ACLs stay blocked, since the public-read grant is the bucket policy.
 */
export async function deployToS3Website(ctx: Context, options: S3WebsiteOptions): Promise<S3Website> {
  const s3 = ctx.clients.s3;
  const Bucket = options.bucket;
  await ctx.reporter.step(`site bucket ${Bucket}`, () =>
    asAction('s3:CreateBucket', () =>
      convergeBucket(ctx, { kind: 'siteBucket', name: Bucket, stack: options.stack, cors: false, publicPolicy: true }, options.store, { dryRun: false }),
    ),
  );
  await asAction('s3:PutBucketPolicy', () => s3.send(new PutBucketPolicyCommand({ Bucket, Policy: publicReadPolicy(Bucket, ctx.clients.region) })));
  await asAction('s3:PutBucketWebsite', () =>
    s3.send(new PutBucketWebsiteCommand({ Bucket, WebsiteConfiguration: { IndexDocument: { Suffix: 'index.html' } } })),
  );
  await ctx.reporter.step(`upload ${options.files.length} site files`, () =>
    Promise.all(options.files.map((file) =>
      asAction('s3:PutObject', () =>
        s3.send(new PutObjectCommand({
          Bucket,
          Key: file.path,
          Body: file.body,
          ContentType: file.contentType,
          // Every publish writes new presigned URLs under the same names: browsers must revalidate.
          CacheControl: 'no-cache',
        })),
      ),
    )),
  );
  return { bucket: Bucket, url: websiteUrl(Bucket, ctx.clients.region, ctx.target) };
}
