import { UPLOAD_ACCEPT } from './upload-types.js';
import type { ItemStatus } from '../actions/scan-db.js';
import { formatBytes } from '../output/print.js';
import { escapeHtml } from './escape.js';
import type { GalleryImage } from './load-images.js';
import { renderCard } from './render-card.js';

export { escapeHtml, safeUrl } from './escape.js';

export interface PageView {
  /** live: served by `thumbs gallery`, filtered and paged by the server; static: a published snapshot. */
  mode: 'live' | 'static';
  stack: string;
  images: GalleryImage[];
  /** Matching images over all pages, when known. */
  total?: number;
  status?: ItemStatus;
  q: string;
  /** The current page's cursor (live mode), to offer a way back to the first page. */
  cursor?: string;
  nextCursor?: string;
  /** The previous (newer) page, if there is one; absent on the first page. */
  previousCursor?: string;
  /** Static mode: the hrefs of the snapshot's other pages (live mode builds them from the cursors). */
  pageLinks?: { first?: string; previous?: string; next?: string };
  /** When the presigned URLs stop working. */
  expiresAt: string;
  /** Live mode: poll for changes after this cursor (the newest processedAt shown). */
  liveSince?: string;
  /** Live mode on loopback: offer upload from the page. Never set for a snapshot. */
  upload?: { maxBytes: number; prefix: string };
  /** Where images (presigned) and uploads go: needed by the CSP before any card exists. */
  imageOrigins?: string[];
  uploadOrigin?: string;
  /** Live mode: the server signs on-request URLs sized for the detail view (/api/render-url). */
  renderer?: boolean;
}

export interface PolicyOrigins {
  imageOrigins?: string[];
  uploadOrigin?: string;
}

/** img-src lists exactly the origins the presigned URLs point at (the S3 endpoint), nothing else. */
export function contentSecurityPolicy(images: GalleryImage[], extra: PolicyOrigins = {}): string {
  const origins = new Set<string>(extra.imageOrigins ?? []);
  for (const image of images) {
    for (const url of [image.originalUrl, ...image.renditions.map((r) => r.url)]) {
      try {
        origins.add(new URL(url).origin);
      } catch {
        // safeUrl() renders it as "#"; nothing to allow
      }
    }
  }
  const img = ["'self'", 'data:', ...origins].join(' ');
  const connect = ["'self'", ...(extra.uploadOrigin ? [extra.uploadOrigin] : [])].join(' ');
  return `default-src 'none'; script-src 'self'; style-src 'self'; img-src ${img}; connect-src ${connect}; form-action 'self'; base-uri 'none'`;
}

function queryString(params: Record<string, string | undefined>): string {
  const search = new URLSearchParams();
  for (const [key, value] of Object.entries(params)) if (value) search.set(key, value);
  const text = search.toString();
  return text ? `?${text}` : '?';
}

function renderFilters(view: PageView): string {
  const option = (value: string, label: string) =>
    `<option value="${value}"${(view.status ?? '') === value ? ' selected' : ''}>${label}</option>`;
  return `<form class="filters" method="get" action="">`
    + `<label>Status <select name="status">${option('', 'all')}${option('done', 'done')}${option('failed', 'failed')}</select></label>`
    + `<label>Search <input type="search" name="q" value="${escapeHtml(view.q)}" placeholder="part of a key"></label>`
    + `<button type="submit">Filter</button></form>`;
}

function pagerHrefs(view: PageView): { first?: string; previous?: string; next?: string } {
  if (view.mode === 'static') return view.pageLinks ?? {};
  const filter = { status: view.status, q: view.q };
  return {
    ...(view.cursor ? { first: queryString(filter) } : {}),
    ...(view.previousCursor ? { previous: queryString({ ...filter, cursor: view.previousCursor }) } : {}),
    ...(view.nextCursor ? { next: queryString({ ...filter, cursor: view.nextCursor }) } : {}),
  };
}

function renderPager(view: PageView): string {
  const hrefs = pagerHrefs(view);
  const links = [
    hrefs.first ? `<a class="first" href="${escapeHtml(hrefs.first)}">« first page</a>` : '',
    hrefs.previous ? `<a class="previous" rel="prev" href="${escapeHtml(hrefs.previous)}">‹ previous page</a>` : '',
    hrefs.next ? `<a class="next" rel="next" href="${escapeHtml(hrefs.next)}">next page ›</a>` : '',
  ].filter((link) => link !== '');
  return links.length > 0 ? `<nav class="pager" aria-label="pages">${links.join(' ')}</nav>` : '';
}

function summary(view: PageView): string {
  const filtered = view.status || view.q ? ' matching' : '';
  if (view.total === undefined) {
    const more = view.nextCursor || view.previousCursor || view.pageLinks?.next || view.pageLinks?.previous ? ' on this page' : '';
    return `<span class="count">${view.images.length}</span>${filtered} image${view.images.length === 1 ? '' : 's'}${more}`;
  }
  const shown = view.total > view.images.length ? `${view.images.length} of ` : '';
  return `<span class="count">${shown}${view.total}</span>${filtered} image${view.total === 1 ? '' : 's'}`;
}

/** The drop zone and file picker; the script posts each file straight to S3 with a presigned form. */
function renderUpload(view: PageView): string {
  if (view.mode !== 'live' || !view.upload) return '';
  const limit = formatBytes(view.upload.maxBytes);
  return `<section class="upload" aria-labelledby="upload-title" data-max-bytes="${view.upload.maxBytes}">`
    + `<h2 id="upload-title">Upload</h2>`
    + `<label class="drop" for="upload-files"><span>Drop images here, or choose files</span>`
    + `<input id="upload-files" type="file" multiple accept="${UPLOAD_ACCEPT}" aria-describedby="upload-limits"></label>`
    + `<p id="upload-limits" class="note">JPEG, PNG, WebP, GIF, AVIF, TIFF or HEIC, up to ${escapeHtml(limit)} each (the stack's limit, enforced by S3); `
    + `stored as ${escapeHtml(view.upload.prefix)}&lt;file name&gt;, replacing a file of the same name.</p></section>`;
}

/** Live mode: queue counts and throughput, refreshed with the cards. */
function renderStatusLine(view: PageView): string {
  if (view.mode !== 'live' || view.liveSince === undefined) return '';
  return `<p class="live-status" role="status" aria-live="polite" data-since="${escapeHtml(view.liveSince)}">Checking the queue…</p>`;
}

/** Live updates add new cards only where they belong: the first page, unfiltered. */
function acceptsNewCards(view: PageView): boolean {
  return view.mode === 'live' && !view.cursor && !view.status && !view.q;
}

function expiryNote(view: PageView): string {
  const when = escapeHtml(view.expiresAt);
  return view.mode === 'live'
    ? `Image links are valid until <time datetime="${when}">${when}</time>; reloading the page makes new ones.`
    : `Image links are valid until <time datetime="${when}">${when}</time>; run <code>thumbs publish</code> again after that.`;
}

function emptyNote(view: PageView): string {
  const text = view.status || view.q
    ? 'No images match this filter.'
    : 'No images yet: upload some with thumbs upload ./images --wait, then reload.';
  return `<p class="empty"${view.images.length > 0 ? ' hidden' : ''}>${escapeHtml(text)}</p>`;
}

/** The whole page from already-presigned items: pure, no I/O. The same markup serves live and published. */
export function renderPage(view: PageView): string {
  const stack = escapeHtml(view.stack);
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta http-equiv="Content-Security-Policy" content="${escapeHtml(contentSecurityPolicy(view.images, view))}">
<meta name="referrer" content="no-referrer">
<title>thumbs gallery · ${stack}</title>
<link rel="stylesheet" href="assets/gallery.css">
</head>
<body data-mode="${view.mode}"${acceptsNewCards(view) ? ' data-new-cards="yes"' : ''}${view.renderer ? ' data-renderer="on"' : ''}>
<header>
<h1>thumbs gallery <small>${stack}</small></h1>
<p class="summary">${summary(view)}</p>
${renderStatusLine(view)}
${renderFilters(view)}
</header>
<main>
${renderUpload(view)}
<p class="expired" hidden>Some images did not load: their links may have expired. ${view.mode === 'live' ? 'Reload the page.' : 'Publish again.'}</p>
<ul class="grid" aria-label="images, newest first">${view.images.map((image, index) => renderCard(image, index)).join('\n')}</ul>
${emptyNote(view)}
${renderPager(view)}
<p class="note">${expiryNote(view)}</p>
</main>
<dialog id="detail" aria-label="image details"><nav class="detail-nav" aria-label="images">`
  + `<button type="button" class="prev" aria-label="previous image (left arrow)">‹</button>`
  + `<button type="button" class="next" aria-label="next image (right arrow)">›</button>`
  + `<button type="button" class="close" aria-label="close (Escape)">Close</button></nav><div class="detail-body"></div></dialog>
<script src="assets/gallery.js" defer></script>
</body>
</html>
`;
}

/** What the live server shows when the table cannot be read; the message may quote a key, so it is escaped. */
export function renderErrorPage(stack: string, message: string, hint: string | undefined): string {
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>thumbs gallery · error</title><link rel="stylesheet" href="assets/gallery.css"></head>
<body><header><h1>thumbs gallery <small>${escapeHtml(stack)}</small></h1></header>
<main><p class="error">${escapeHtml(message)}</p>${hint ? `<p>${escapeHtml(hint)}</p>` : ''}</main></body></html>
`;
}
