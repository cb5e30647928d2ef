import { GetObjectCommand } from '@aws-sdk/client-s3';
import { getSignedUrl } from '@aws-sdk/s3-request-presigner';
import { errorName, explainAwsError, isAccessDenied, isNotFound } from '../aws/aws-errors.js';
import type { Context } from '../context.js';
import type { Reporter } from '../output/reporter.js';
import { allowUploadsFrom, announceUploaded, presignUpload, UPLOAD_PREFIX, type UploadTarget } from '../gallery/browser-upload.js';
import { batchSummaries, changedSince, doneRate, LIVE_WINDOW, queueCounts } from '../gallery/live-status.js';
import { UploadBatches } from '../gallery/upload-batches.js';
import { sealBatch, startBatch } from '../batches/batch-record.js';
import { DEFAULT_PAGE_SIZE, galleryLocations, loadChangedSince, loadGalleryPage, newestRecordedAt, type GalleryLocations } from '../gallery/load-images.js';
import { startGalleryServer, type GalleryServerOptions, type UploadService } from '../gallery/server.js';
import { findRenderer, signedRenderUrl, type Renderer } from '../render/renderer.js';
import { renderExpiry } from '../gallery/screen-size.js';
import { openStack, type OpenStack } from '../state/open-stack.js';
import { stackSettings } from '../state/stack-config.js';
import { notProvisioned } from '../upload/stack-targets.js';
import { DEFAULT_GALLERY_HOST, DEFAULT_GALLERY_PORT } from '../config/defaults.js';

export interface GalleryOptions {
  /** Default 8000; 0 picks a free port. */
  port?: number;
  /** Default 127.0.0.1 (this machine only). */
  host?: string;
  /** Images per page; default 24. */
  pageSize?: number;
  /** Offer upload from the page (loopback only); default true. */
  upload?: boolean;
}

export interface StartedGallery {
  url: string;
  stack: string;
  where: GalleryLocations;
  /** Whether the page offers upload (and the originals bucket's CORS admits the page for it). */
  upload: boolean;
  /** The on-request renderer the detail view's sized pictures come from, if the stack has one. */
  renderer?: string;
  close(): Promise<void>;
}

const LOOPBACK = ['127.0.0.1', 'localhost', '::1'];

/** The origin a presigned GET for this bucket points at: what the page's CSP must allow. */
async function bucketOrigin(ctx: Context, bucket: string): Promise<string> {
  return new URL(await getSignedUrl(ctx.clients.s3, new GetObjectCommand({ Bucket: bucket, Key: 'x' }), { expiresIn: 60 })).origin;
}

/** A request that failed unexpectedly: one line in the terminal, and where it happened with --verbose (as every other error). */
export function reportRequestError(reporter: Reporter): (error: unknown) => void {
  return (error) => {
    reporter.warn(`gallery request failed: ${error instanceof Error ? error.message : String(error)}`);
    if (error instanceof Error && error.stack) reporter.detail(error.stack);
  };
}

/**
 * The stack's renderer, if it has one: a gallery without it still works (the detail shows the largest
 * rendition), so a missing renderer is a detail line and any other failure a warning, never an error.
 */
async function rendererIfAny(ctx: Context, stack: OpenStack): Promise<Renderer | undefined> {
  try {
    return await findRenderer(ctx, stack);
  } catch (error) {
    const missing = ['renderer-missing', 'render-secret-missing'].includes((error as { code?: string }).code ?? '');
    const why = `the detail view shows the largest rendition, not one sized for the screen: ${error instanceof Error ? error.message : String(error)}`;
    if (missing) ctx.reporter.detail(why);
    else ctx.reporter.warn(why);
    return undefined;
  }
}

/** Starts the local gallery and returns at once; the caller decides how long it runs (Ctrl-C, or a test). */
export async function startGallery(ctx: Context, options: GalleryOptions = {}): Promise<StartedGallery> {
  const stack = await openStack(ctx, { persist: false });
  const where = galleryLocations(stack);
  const host = options.host ?? DEFAULT_GALLERY_HOST;
  const pageSize = options.pageSize ?? DEFAULT_PAGE_SIZE;
  const loopback = LOOPBACK.includes(host);
  if (!loopback) {
    ctx.reporter.warn(`listening on ${host}: anyone who can reach this machine can see the images while it runs (upload from the page is off)`);
  }
  const explained = <T>(work: Promise<T>) => work.catch((error: unknown) => {
    throw explainAwsError(error, ctx.target);
  });
  const queues = { queueUrl: stack.store.get('queue')?.id, deadLetterUrl: stack.store.get('deadLetterQueue')?.id };
  const target: UploadTarget = {
    bucket: where.originalsBucket,
    // With the S3 trigger, S3 itself notifies the function of each new object.
    ...(stack.store.get('bucketNotification') === undefined && queues.queueUrl ? { queueUrl: queues.queueUrl } : {}),
    // The stack's recorded limit, which its function enforces too: the upload policy refuses what the function would fail.
    maxBytes: stackSettings(stack).config.maxBytes,
  };
  const offerUpload = (options.upload ?? true) && loopback;
  // Each drop in the page is a batch of the stack, as an `upload` run is.
  const place = { stack: stack.stack, table: where.table, thumbnailsBucket: where.thumbnailsBucket };
  const batches = new UploadBatches({
    start: async (batch) => {
      await explained(startBatch(ctx, place, batch, 'gallery'));
    },
    seal: async (batch, expected) => {
      await explained(sealBatch(ctx, place, batch, expected));
    },
  }, undefined, reportRequestError(ctx.reporter));
  const upload: UploadService | undefined = offerUpload
    ? {
        maxBytes: target.maxBytes,
        prefix: UPLOAD_PREFIX,
        presign: (fileName, type, batch) => explained(presignUpload(ctx.clients.s3, target, fileName, type, batch)),
        complete: async (key) => {
          const announced = await explained(announceUploaded(ctx, target, key, (batch) => batches.isOpen(batch)));
          if (announced.batch) batches.announce(announced.batch, key);
          return announced;
        },
        batches,
      }
    : undefined;
  const [originalsOrigin, thumbnailsOrigin, renderer] = await Promise.all([bucketOrigin(ctx, where.originalsBucket), bucketOrigin(ctx, where.thumbnailsBucket), rendererIfAny(ctx, stack)]);
  const serverOptions: GalleryServerOptions = {
    host,
    port: options.port ?? DEFAULT_GALLERY_PORT,
    stack: stack.stack,
    // Expired credentials or a stopped `thumbs dev` become a page that says so, not a bare 500.
    load: (query) => explained(loadGalleryPage(ctx, where, { ...query, pageSize })),
    live: async (since, watched) => {
      // The queue counts and batches do not depend on the items, so all are asked for at once.
      const [{ recent, changed, overflow }, counts, summaries] = await Promise.all([
        explained(loadChangedSince(ctx, where, since, LIVE_WINDOW)),
        explained(queueCounts(ctx.clients.sqs, queues)),
        watched.length > 0 ? explained(batchSummaries(ctx.clients.doc, where.table, watched)) : undefined,
      ]);
      return { ...changedSince(changed, since), status: { ...counts, ...doneRate(recent) }, ...(overflow ? { overflow } : {}), ...(summaries ? { batches: summaries } : {}) };
    },
    liveCursor: () => explained(newestRecordedAt(ctx, where)),
    ...(upload ? { upload, uploadOrigin: originalsOrigin } : {}),
    // The renderer's origin too; its redirects for large results go to the thumbnails bucket, already listed.
    imageOrigins: [...new Set([originalsOrigin, thumbnailsOrigin, ...(renderer ? [new URL(renderer.baseUrl).origin] : [])])],
    // WebP, not auto: AVIF takes several times longer to encode, and the first viewer waits for it.
    ...(renderer ? { render: (key: string, width: number) => signedRenderUrl(renderer, key, { width, fit: 'inside', format: 'webp' }, renderExpiry()) } : {}),
    onError: reportRequestError(ctx.reporter),
  };
  const server = await startGalleryServer(serverOptions);
  let removeCors: (() => Promise<void>) | undefined;
  if (upload) {
    try {
      removeCors = await allowUploadsFrom(ctx.clients.s3, where.originalsBucket, new URL(server.url).origin);
    } catch (error) {
      if (!isAccessDenied(error)) {
        await server.close();
        if (isNotFound(error)) throw notProvisioned(ctx, `originals bucket ${where.originalsBucket} does not exist`);
        throw explainAwsError(error, ctx.target);
      }
      // The page is still worth having without upload: say why the drop zone is missing.
      delete serverOptions.upload;
      delete serverOptions.uploadOrigin;
      ctx.reporter.warn(`upload from the page is off: changing the CORS rules of ${where.originalsBucket} was denied (${errorName(error)})`);
    }
  }
  return {
    url: server.url,
    stack: stack.stack,
    where,
    upload: serverOptions.upload !== undefined,
    ...(renderer ? { renderer: renderer.baseUrl } : {}),
    close: async () => {
      try {
        await removeCors?.();
      } finally {
        await server.close();
        // Drops the page never finished are sealed with what they announced, so they can complete.
        await batches.sealAll();
      }
    },
  };
}

export { DEFAULT_GALLERY_HOST, DEFAULT_GALLERY_PORT } from '../config/defaults.js';
