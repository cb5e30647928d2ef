import { GetBucketCorsCommand, HeadObjectCommand, PutBucketCorsCommand, DeleteBucketCorsCommand, type CORSRule, type S3Client } from '@aws-sdk/client-s3';
import { createPresignedPost } from '@aws-sdk/s3-presigned-post';
import { BATCH_METADATA, MESSAGE_VERSION, type ImageMessage } from '../../lambda/contract.js';
import { errorName } from '../aws/aws-errors.js';
import type { Context } from '../context.js';
import { ThumbsError, usageError } from '../errors.js';
import { sendBatch } from '../upload/send-messages.js';
import { BROWSER_UPLOAD_TYPES, uploadType } from './upload-types.js';

export { BROWSER_UPLOAD_TYPES, uploadType };

/** Browser uploads land under this prefix of the originals bucket; the POST policy allows no other key. */
export const UPLOAD_PREFIX = 'uploads/';
/** The CORS rule `thumbs gallery` adds while it runs (drift checks ignore it by this ID). */
export const GALLERY_CORS_RULE_ID = 'thumbs-gallery-upload';
/** A presigned POST is used at once; a short life keeps a leaked form harmless. */
const POST_EXPIRES_SECONDS = 600;

export interface UploadForm {
  key: string;
  url: string;
  fields: Record<string, string>;
}

export interface UploadTarget {
  bucket: string;
  /** Absent when S3 itself notifies the function (S3-trigger mode). */
  queueUrl?: string;
  maxBytes: number;
}

/**
 * The object key for a file the browser names: its base name (a browser sends no folders) under
 * UPLOAD_PREFIX, control characters removed. Same name, same key: a second upload replaces the
 * first, as `thumbs upload` does for the same relative path.
 */
export function uploadKey(fileName: string): string {
  // eslint-disable-next-line no-control-regex
  const base = (fileName.split(/[\\/]/).pop() ?? '').replace(/[\u0000-\u001f\u007f]/g, '').trim().slice(0, 200);
  return `${UPLOAD_PREFIX}${base === '' || base === '.' || base === '..' ? 'upload' : base}`;
}

/** The form field that becomes the object's batch metadata (BATCH_METADATA), pinned by the policy. */
export const BATCH_FIELD = `x-amz-meta-${BATCH_METADATA}`;

/**
 * A form the browser posts straight to S3. The policy, signed here, is what S3 enforces: exactly
 * this key (under the prefix), exactly the Content-Type the file declared (one of
 * BROWSER_UPLOAD_TYPES; the form carries it), 1..maxBytes bytes, and with `batch` exactly that
 * batch in the object's metadata: the page cannot file an upload under another batch.
 */
export async function presignUpload(s3: S3Client, target: UploadTarget, fileName: string, declaredType: string, batch?: string): Promise<UploadForm> {
  const contentType = uploadType(fileName, declaredType);
  if (!contentType) {
    throw usageError('upload-type', `${fileName.slice(0, 80)}: type "${declaredType.slice(0, 40) || 'none'}" is not an image thumbs processes`, `Upload ${BROWSER_UPLOAD_TYPES.map((t) => t.slice(6)).join(', ')} files.`);
  }
  const key = uploadKey(fileName);
  // @aws-sdk/s3-presigned-post pins its own copy of client-s3; the client is the same at run time.
  const { url, fields } = await createPresignedPost(s3 as unknown as Parameters<typeof createPresignedPost>[0], {
    Bucket: target.bucket,
    Key: key,
    Conditions: [
      ['starts-with', '$key', UPLOAD_PREFIX],
      { 'Content-Type': contentType },
      ['content-length-range', 1, target.maxBytes],
    ],
    // createPresignedPost pins every field it is given with an exact-match condition.
    Fields: { 'Content-Type': contentType, ...(batch ? { [BATCH_FIELD]: batch } : {}) },
    Expires: POST_EXPIRES_SECONDS,
  });
  return { key, url, fields };
}

export interface Announced {
  /** Whether the gallery sent the message; false when S3 notifies the function itself. */
  queued: boolean;
  /** The open batch the object's metadata names, when there is one: the upload counts toward it. */
  batch?: string;
}

/**
 * After the browser's POST succeeded: what S3 holds (not what the browser says) decides. With a
 * queue, the same message `thumbs upload` sends, carrying the batch as its run; with the S3
 * trigger, S3 has notified the function already and the function reads the batch from the object.
 * A batch that is not open (`isOpen`) is not named: its count is over.
 */
export async function announceUploaded(ctx: Context, target: UploadTarget, key: string, isOpen: (batch: string) => boolean = () => false): Promise<Announced> {
  if (!key.startsWith(UPLOAD_PREFIX)) throw usageError('bad-upload-key', `key "${key.slice(0, 80)}" is not under ${UPLOAD_PREFIX}`, 'Upload through the gallery page.');
  let head;
  try {
    head = await ctx.clients.s3.send(new HeadObjectCommand({ Bucket: target.bucket, Key: key }));
  } catch (error) {
    if (errorName(error) === 'NotFound' || errorName(error) === 'NoSuchKey') {
      throw usageError('upload-missing', `nothing was uploaded to ${key}`, 'Upload the file again.');
    }
    throw error;
  }
  const named = head.Metadata?.[BATCH_METADATA];
  const batch = named && isOpen(named) ? named : undefined;
  if (!target.queueUrl) return { queued: false, ...(batch ? { batch } : {}) };
  const message: ImageMessage = {
    v: MESSAGE_VERSION,
    bucket: target.bucket,
    key,
    etag: (head.ETag ?? '').replace(/"/g, ''),
    size: head.ContentLength ?? 0,
    contentType: head.ContentType ?? 'application/octet-stream',
  };
  const { failed } = await sendBatch(ctx.clients.sqs, target.queueUrl, [message], batch ? { runId: batch } : {});
  if (failed.length > 0) throw new ThumbsError('send-failed', `the message for ${key} was not sent: ${failed[0]!.error}`, { hint: 'Upload the file again.' });
  return { queued: true, ...(batch ? { batch } : {}) };
}

async function corsRules(s3: S3Client, bucket: string): Promise<CORSRule[]> {
  try {
    return (await s3.send(new GetBucketCorsCommand({ Bucket: bucket }))).CORSRules ?? [];
  } catch (error) {
    if (errorName(error) === 'NoSuchCORSConfiguration') return [];
    throw error;
  }
}

async function putRules(s3: S3Client, bucket: string, rules: CORSRule[]): Promise<void> {
  if (rules.length === 0) await s3.send(new DeleteBucketCorsCommand({ Bucket: bucket }));
  else await s3.send(new PutBucketCorsCommand({ Bucket: bucket, CORSConfiguration: { CORSRules: rules } }));
}

/**
 * Lets exactly `origin` POST to the bucket while the gallery runs; the other rules are kept.
 * Returns what removes it again. A rule left by a gallery that was killed is replaced, not doubled.
 */
export async function allowUploadsFrom(s3: S3Client, bucket: string, origin: string): Promise<() => Promise<void>> {
  const others = (await corsRules(s3, bucket)).filter((rule) => rule.ID !== GALLERY_CORS_RULE_ID);
  await putRules(s3, bucket, [...others, {
    ID: GALLERY_CORS_RULE_ID,
    AllowedOrigins: [origin],
    AllowedMethods: ['POST'],
    AllowedHeaders: ['*'],
    ExposeHeaders: ['ETag'],
    MaxAgeSeconds: 600,
  }]);
  return async () => {
    await putRules(s3, bucket, (await corsRules(s3, bucket)).filter((rule) => rule.ID !== GALLERY_CORS_RULE_ID));
  };
}
