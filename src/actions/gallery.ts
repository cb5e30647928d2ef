import { explainAwsError } from '../aws/aws-errors.js';
import type { Context } from '../context.js';
import { DEFAULT_PAGE_SIZE, galleryLocations, loadGalleryPage, type GalleryLocations } from '../gallery/load-images.js';
import { startGalleryServer } from '../gallery/server.js';
import { openStack } from '../state/open-stack.js';
import { DEFAULT_GALLERY_HOST, DEFAULT_GALLERY_PORT } from '../config/defaults.js';

export interface GalleryOptions {
  /** Default 8000; 0 picks a free port. */
  port?: number;
  /** Default 127.0.0.1 (this machine only). */
  host?: string;
  /** Images per page; default 24. */
  pageSize?: number;
}

export interface StartedGallery {
  url: string;
  stack: string;
  where: GalleryLocations;
  close(): Promise<void>;
}


/** Starts the local gallery and returns at once; the caller decides how long it runs (Ctrl-C, or a test). */
export async function startGallery(ctx: Context, options: GalleryOptions = {}): Promise<StartedGallery> {
  const stack = await openStack(ctx, { persist: false });
  const where = galleryLocations(stack);
  const host = options.host ?? DEFAULT_GALLERY_HOST;
  const pageSize = options.pageSize ?? DEFAULT_PAGE_SIZE;
  if (!['127.0.0.1', 'localhost', '::1'].includes(host)) {
    ctx.reporter.warn(`listening on ${host}: anyone who can reach this machine can see the images while it runs`);
  }
  const server = await startGalleryServer({
    host,
    port: options.port ?? DEFAULT_GALLERY_PORT,
    stack: stack.stack,
    // Expired credentials or a stopped `thumbs dev` become a page that says so, not a bare 500.
    load: (query) => loadGalleryPage(ctx, where, { ...query, pageSize }).catch((error: unknown) => {
      throw explainAwsError(error, ctx.target);
    }),
    onError: (error) => ctx.reporter.warn(`gallery request failed: ${(error as Error).stack ?? String(error)}`),
  });
  return { url: server.url, stack: stack.stack, where, close: server.close };
}

export { DEFAULT_GALLERY_HOST, DEFAULT_GALLERY_PORT } from '../config/defaults.js';
