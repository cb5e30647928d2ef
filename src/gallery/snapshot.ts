import { mkdir, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { Context } from '../context.js';
import { ThumbsError } from '../errors.js';
import type { OpenStack } from '../state/open-stack.js';
import { ASSETS } from './assets.js';
import { galleryLocations, loadGalleryPage, type GalleryImage, type GalleryPage } from './load-images.js';
import { renderPage } from './render-page.js';
import { MAX_EXPIRES_SECONDS } from '../config/defaults.js';

/** Default link lifetime of a published snapshot. */
export const DEFAULT_EXPIRES_SECONDS = MAX_EXPIRES_SECONDS;
/** Leave a minute between the links' end and the credentials' end, for clock skew. */
const SKEW_SECONDS = 60;

export interface SnapshotFile {
  /** Relative, with forward slashes: `index.html`, `assets/gallery.js`. */
  path: string;
  body: string;
  contentType: string;
}

export interface GalleryManifest {
  version: 1;
  stack: string;
  generatedAt: string;
  expiresAt: string;
  images: GalleryImage[];
  /** The HTML pages, first to last. */
  pages: string[];
}

export interface Snapshot {
  files: SnapshotFile[];
  manifest: GalleryManifest;
}

export interface Expiry {
  seconds: number;
  /** Set when the credentials end sooner than asked, so the links were cut short. */
  warning?: string;
}

/**
 * A presigned URL stops working when the session that signed it ends, whatever its X-Amz-Expires
 * says, so temporary credentials (SSO, lab sessions) cap the lifetime.
 */
export function capExpiry(requestedSeconds: number, credentialsExpire: Date | undefined, now = Date.now()): Expiry {
  const requested = Math.min(requestedSeconds, MAX_EXPIRES_SECONDS);
  if (!credentialsExpire) return { seconds: requested };
  const left = Math.floor((credentialsExpire.getTime() - now) / 1000) - SKEW_SECONDS;
  if (left >= requested) return { seconds: requested };
  if (left < 60) {
    throw new ThumbsError('credentials-expiring', `your AWS credentials expire at ${credentialsExpire.toISOString()}, too soon to publish links`, {
      hint: 'Refresh them (`aws sso login`, or new session credentials from your lab page), then publish again.',
    });
  }
  const until = new Date(now + left * 1000).toISOString();
  return {
    seconds: left,
    warning: `your AWS credentials expire at ${credentialsExpire.toISOString()}, so the published image links work only until ${until} `
      + `(not the ${requested} s asked for); publish again with fresh credentials to extend them`,
  };
}

/** The S3 client's own credentials: the ones that sign the URLs. */
export async function credentialsExpiry(ctx: Context): Promise<Date | undefined> {
  const credentials = await ctx.clients.s3.config.credentials();
  return credentials.expiration;
}

/** Images on each page of a published snapshot. */
export const SNAPSHOT_PAGE_SIZE = 100;

/** Page 1 is index.html, so the snapshot's address still opens at the newest images. */
export const snapshotPageFile = (page: number) => (page === 1 ? 'index.html' : `page-${page}.html`);

/**
 * index.html and page-2.html... (SNAPSHOT_PAGE_SIZE images each, newest first, the same pages the
 * local gallery walks with its cursors), manifest.json (every image and the page files), and the assets.
 */
export async function buildSnapshot(ctx: Context, stack: OpenStack, expiresSeconds: number, pageSize = SNAPSHOT_PAGE_SIZE): Promise<Snapshot> {
  const where = galleryLocations(stack);
  const pages: GalleryPage[] = [];
  let cursor: string | undefined;
  do {
    const page = await loadGalleryPage(ctx, where, { pageSize, ...(cursor ? { cursor } : {}) }, expiresSeconds);
    // An empty table still gets its index.html, saying so.
    if (page.images.length > 0 || pages.length === 0) pages.push(page);
    cursor = page.nextCursor;
  } while (cursor);
  const images = pages.flatMap((page) => page.images);
  const expiresAt = pages[0]!.expiresAt;
  const manifest: GalleryManifest = {
    version: 1,
    stack: stack.stack,
    generatedAt: new Date().toISOString(),
    expiresAt,
    images,
    pages: pages.map((_, index) => snapshotPageFile(index + 1)),
  };
  const html = pages.map((page, index) => {
    const number = index + 1;
    const pageLinks = {
      ...(number > 1 ? { first: snapshotPageFile(1), previous: snapshotPageFile(number - 1) } : {}),
      ...(number < pages.length ? { next: snapshotPageFile(number + 1) } : {}),
    };
    const body = renderPage({ mode: 'static', stack: stack.stack, images: page.images, total: images.length, q: '', expiresAt, pageLinks });
    return { path: snapshotPageFile(number), body, contentType: 'text/html; charset=utf-8' };
  });
  const files: SnapshotFile[] = [
    ...html,
    { path: 'manifest.json', body: `${JSON.stringify(manifest, null, 2)}\n`, contentType: 'application/json; charset=utf-8' },
    ...Object.entries(ASSETS).map(([file, asset]) => ({ path: file, body: asset.body, contentType: asset.contentType })),
  ];
  return { files, manifest };
}

export async function writeSnapshot(dir: string, files: SnapshotFile[]): Promise<void> {
  const existing = await stat(dir).catch(() => undefined);
  if (existing && !existing.isDirectory()) {
    throw new ThumbsError('out-is-a-file', `--out ${dir} is a file, not a folder`, {
      hint: 'Give --out a folder (it is created if missing), or remove that file first.',
      exitCode: 2,
    });
  }
  try {
    for (const file of files) {
      const target = path.join(dir, ...file.path.split('/'));
      await mkdir(path.dirname(target), { recursive: true });
      // The presigned URLs inside grant read access until they expire: keep the files private to this user.
      await writeFile(target, file.body, { mode: 0o600 });
    }
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code ?? '';
    if (!['ENOTDIR', 'EEXIST', 'EACCES', 'EPERM', 'EROFS', 'EISDIR'].includes(code)) throw error;
    throw new ThumbsError('bad-out-dir', `cannot write the gallery into ${dir} (${code})`, {
      hint: 'Give --out a folder you can write; a file in the way must be moved first.',
      exitCode: 2,
      cause: error,
    });
  }
}

export { MAX_EXPIRES_SECONDS } from '../config/defaults.js';
