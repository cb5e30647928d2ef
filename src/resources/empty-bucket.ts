import {
  AbortMultipartUploadCommand,
  DeleteObjectsCommand,
  ListMultipartUploadsCommand,
  ListObjectsV2Command,
  ListObjectVersionsCommand,
  type ObjectIdentifier,
} from '@aws-sdk/client-s3';
import type { Context } from '../context.js';
import { ThumbsError } from '../errors.js';

async function deleteBatch(ctx: Context, bucket: string, objects: ObjectIdentifier[]): Promise<void> {
  const { Errors = [] } = await ctx.clients.s3.send(new DeleteObjectsCommand({ Bucket: bucket, Delete: { Objects: objects, Quiet: true } }));
  if (Errors.length > 0) {
    const first = Errors[0];
    throw new ThumbsError(
      'bucket-not-emptied',
      `could not delete ${Errors.length} objects from ${bucket} (${first?.Key}: ${first?.Code} ${first?.Message ?? ''})`,
      { hint: 'Check the permissions or object locks on that bucket, then run teardown again; it resumes where it stopped.' },
    );
  }
}

/** One page (at most 1,000 keys, which is also what DeleteObjects takes) of what is left. */
async function nextPage(ctx: Context, bucket: string): Promise<ObjectIdentifier[]> {
  const s3 = ctx.clients.s3;
  const versions = await s3.send(new ListObjectVersionsCommand({ Bucket: bucket, MaxKeys: 1000 }));
  const versioned = [...(versions.Versions ?? []), ...(versions.DeleteMarkers ?? [])]
    .filter((v) => v.Key)
    .map((v) => ({ Key: v.Key as string, ...(v.VersionId && v.VersionId !== 'null' ? { VersionId: v.VersionId } : {}) }));
  if (versioned.length > 0) return versioned;
  // Some endpoints (the embedded emulator among them) list no versions; plain listing still finds the objects.
  const current = await s3.send(new ListObjectsV2Command({ Bucket: bucket, MaxKeys: 1000 }));
  return (current.Contents ?? []).filter((o) => o.Key).map((o) => ({ Key: o.Key as string }));
}

/**
 * Empties a bucket completely: every version and delete marker (a versioned bucket is not empty
 * until they are gone), current objects, and incomplete multipart uploads. Each page is deleted
 * before the next is listed, so there are no markers to keep straight. Returns objects deleted.
 */
export async function emptyBucket(ctx: Context, bucket: string): Promise<number> {
  let deleted = 0;
  for (let page = await nextPage(ctx, bucket); page.length > 0; page = await nextPage(ctx, bucket)) {
    await deleteBatch(ctx, bucket, page);
    deleted += page.length;
  }
  const { Uploads = [] } = await ctx.clients.s3.send(new ListMultipartUploadsCommand({ Bucket: bucket }));
  await Promise.all(
    Uploads.map((upload) =>
      ctx.clients.s3.send(new AbortMultipartUploadCommand({ Bucket: bucket, Key: upload.Key, UploadId: upload.UploadId })),
    ),
  );
  return deleted;
}
