import { HeadObjectCommand } from '@aws-sdk/client-s3';
import type { RenderParams } from '../../lambda/render-url.js';
import { isNotFound } from '../aws/aws-errors.js';
import type { Context } from '../context.js';
import { ThumbsError } from '../errors.js';
import { findRenderer, signedRenderUrl } from '../render/renderer.js';
import { openStack } from '../state/open-stack.js';
import { notProvisioned } from '../upload/stack-targets.js';

export interface UrlOptions {
  key: string;
  params: RenderParams;
  /** Seconds from now. */
  expiresIn: number;
  /** Ask the originals bucket whether the key is there first (default true). */
  check?: boolean;
  now?: number;
}

export interface SignedUrl {
  url: string;
  /** ISO time after which the renderer answers 403. */
  expires: string;
  key: string;
}

/** A signed URL of the stack's on-request renderer for one original. */
export async function signUrl(ctx: Context, options: UrlOptions): Promise<SignedUrl> {
  const stack = await openStack(ctx, { persist: false });
  const bucket = stack.store.get('originalsBucket')?.id;
  if (!bucket) throw notProvisioned(ctx, 'no originals bucket recorded');
  const [renderer] = await Promise.all([findRenderer(ctx, stack), options.check === false ? undefined : originalExists(ctx, bucket, options.key)]);
  const expires = Math.floor((options.now ?? Date.now()) / 1000) + options.expiresIn;
  return { url: signedRenderUrl(renderer, options.key, options.params, expires), expires: new Date(expires * 1000).toISOString(), key: options.key };
}

/** A URL for a key that is not in the bucket would only ever answer 404: say so now. */
async function originalExists(ctx: Context, bucket: string, key: string): Promise<void> {
  try {
    await ctx.clients.s3.send(new HeadObjectCommand({ Bucket: bucket, Key: key }));
  } catch (error) {
    if (!isNotFound(error)) throw error;
    throw new ThumbsError('no-such-original', `key "${key}" (the <key> argument) is not in the originals bucket ${bucket}`, {
      hint: `Give the key as \`thumbs scan-db\` lists it (e.g. photos/cat.jpg), or add --no-check to sign it anyway (for an original still to be uploaded).`,
      exitCode: 2,
    });
  }
}
