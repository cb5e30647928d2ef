import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { brotliCompressSync, constants as zlibConstants, gzipSync } from 'node:zlib';
import type { ItemStatus } from '../actions/scan-db.js';
import { ExitCode, ThumbsError, usageError } from '../errors.js';
import { ASSETS } from './assets.js';
import type { BatchSummary } from '../batches/batch-detail.js';
import { newestProcessedAt, type PipelineStatus } from './live-status.js';
import type { GalleryImage, GalleryPage, GalleryQuery } from './load-images.js';
import { renderCard } from './render-card.js';
import { screenWidth } from './screen-size.js';
import { contentSecurityPolicy, renderErrorPage, renderPage } from './render-page.js';
import { answerUpload, type UploadService } from './upload-routes.js';

export type { UploadService } from './upload-routes.js';

export interface GalleryServerOptions {
  /** Interface to bind; default 127.0.0.1. */
  host?: string;
  /** 0 picks a free port; default 8000. */
  port?: number;
  stack: string;
  /** Reads the table and presigns one page. */
  load(query: GalleryQuery): Promise<GalleryPage>;
  /** Errors that are not the user's (a 500); default: ignored. */
  onError?(error: unknown): void;
  /** What changed since a cursor, and the batches the page watches, for its live updates; absent: the page does not poll. */
  live?(since: string, batches: string[]): Promise<LiveUpdate>;
  /**
   * The newest processedAt in the table: where a page other than the first unfiltered one starts
   * polling. Its own newest card is older, and each poll would send on everything recorded since.
   */
  liveCursor?(): Promise<string>;
  /** Upload from the page; absent: the page offers none. Read per request, so it can be withdrawn. */
  upload?: UploadService;
  /** Origins the page loads images from and posts uploads to, for its CSP (cards arrive after the page). */
  imageOrigins?: string[];
  uploadOrigin?: string;
  /** Signs a URL of the stack's on-request renderer (the key never leaves the server); absent: the detail shows the largest rendition. */
  render?: (key: string, width: number) => string;
}

export interface LiveUpdate {
  cursor: string;
  status: PipelineStatus;
  images: GalleryImage[];
  /** More was recorded since the cursor than one answer carries: the newest are sent, the page should say a reload shows the rest. */
  overflow?: boolean;
  /** The watched batches that exist, as `thumbs batches` shows them. */
  batches?: BatchSummary[];
}

export interface RunningGallery {
  url: string;
  close(): Promise<void>;
}

const LOOPBACK = new Set(['127.0.0.1', 'localhost', '::1']);

/** Batches one poll may ask about: a page watches the drops whose result it has not shown yet. */
const MAX_WATCHED_BATCHES = 20;
const BATCH_ID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

function watchedBatches(url: URL): string[] {
  const ids = [...new Set(url.searchParams.getAll('batch'))];
  if (ids.length > MAX_WATCHED_BATCHES || !ids.every((id) => BATCH_ID.test(id))) {
    throw usageError('bad-batch', `batch must name at most ${MAX_WATCHED_BATCHES} batches by their ids`, 'Reload the page.');
  }
  return ids;
}

function parseQuery(url: URL): GalleryQuery {
  const status = url.searchParams.get('status') ?? '';
  if (status !== '' && status !== 'done' && status !== 'failed') {
    throw usageError('bad-status', `status "${status.slice(0, 20)}" is not done or failed`, 'Choose done, failed, or all.');
  }
  const cursor = url.searchParams.get('cursor') ?? '';
  return { ...(status ? { status: status as ItemStatus } : {}), q: url.searchParams.get('q') ?? '', ...(cursor ? { cursor } : {}) };
}

/** Bodies smaller than this gain nothing worth the CPU from compression. */
const COMPRESS_FROM_BYTES = 1024;

/**
 * Brotli when the browser takes it (quality 5: most of the gain of 11 at a few ms for a 100-card page),
 * else gzip; every answer varies by Accept-Encoding. Pages repeat their markup per card, so they shrink
 * several times over.
 */
function encodeBody(req: http.IncomingMessage, body: string): { body: Buffer; encoding?: 'br' | 'gzip' } {
  const raw = Buffer.from(body);
  if (raw.length < COMPRESS_FROM_BYTES) return { body: raw };
  const accepted = String(req.headers['accept-encoding'] ?? '');
  const takes = (name: string) => new RegExp(`(^|[,\\s])${name}(?![\\w-])(?!\\s*;\\s*q=0(\\.0*)?(\\s|,|$))`, 'i').test(accepted);
  if (takes('br')) {
    return { body: brotliCompressSync(raw, { params: { [zlibConstants.BROTLI_PARAM_QUALITY]: 5, [zlibConstants.BROTLI_PARAM_SIZE_HINT]: raw.length } }), encoding: 'br' };
  }
  if (takes('gzip')) return { body: gzipSync(raw, { level: 6 }), encoding: 'gzip' };
  return { body: raw };
}

function send(res: http.ServerResponse, status: number, type: string, body: string, headers: http.OutgoingHttpHeaders = {}): void {
  const encoded = encodeBody(res.req, body);
  res.writeHead(status, {
    'content-type': type,
    'content-length': encoded.body.length,
    ...(encoded.encoding ? { 'content-encoding': encoded.encoding } : {}),
    vary: 'Accept-Encoding',
    'x-content-type-options': 'nosniff',
    'referrer-policy': 'no-referrer',
    // Presigned URLs expire; a cached page would show broken images, so a reload always signs anew.
    'cache-control': 'no-store',
    ...headers,
  });
  res.end(res.req.method === 'HEAD' ? undefined : encoded.body);
}

async function handle(options: GalleryServerOptions, req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
  const url = new URL(req.url ?? '/', 'http://gallery.invalid');
  const asset = ASSETS[url.pathname.slice(1)];
  if (asset) return send(res, 200, asset.contentType, asset.body, { 'cache-control': 'no-cache' });
  if (req.method === 'POST') return handlePost(options, req, res, url);
  if (url.pathname === '/api/images') {
    const page = await options.load(parseQuery(url));
    return sendJson(res, 200, page);
  }
  if (url.pathname === '/api/updates' && options.live) {
    const update = await options.live(url.searchParams.get('since') ?? '', watchedBatches(url));
    // Cards come rendered by the same code as the page, so the script never builds markup from data.
    const cards = update.images.map((image) => ({ key: image.key, status: image.status, html: renderCard(image, 0) }));
    return sendJson(res, 200, { cursor: update.cursor, status: update.status, cards, ...(update.overflow ? { overflow: true } : {}), ...(update.batches ? { batches: update.batches } : {}) });
  }
  if (url.pathname === '/api/render-url' && options.render) {
    const key = url.searchParams.get('key') ?? '';
    const width = screenWidth(Number(url.searchParams.get('viewport')), Number(url.searchParams.get('dpr')));
    if (!key || width === undefined) throw usageError('bad-render-request', 'key, viewport (CSS pixels) and dpr (device pixel ratio) are required', 'Ask as the page does: /api/render-url?key=<key>&viewport=1068&dpr=2.');
    return sendJson(res, 200, { url: options.render(key, width), width });
  }
  if (url.pathname === '/' || url.pathname === '/index.html') {
    const query = parseQuery(url);
    const firstPage = !query.cursor && !query.status && !query.q;
    // Read before the page, so a card changed while the page loads is still polled for.
    const tableNewest = options.live && options.liveCursor && !firstPage ? await options.liveCursor() : undefined;
    const page = await options.load(query);
    const html = renderPage({
      mode: 'live', stack: options.stack, ...page, cursor: query.cursor,
      ...(options.live ? { liveSince: tableNewest ?? newestProcessedAt(page.images) } : {}),
      ...(options.upload ? { upload: { maxBytes: options.upload.maxBytes, prefix: options.upload.prefix } } : {}),
      imageOrigins: options.imageOrigins, uploadOrigin: options.uploadOrigin,
      ...(options.render ? { renderer: true } : {}),
    });
    const csp = `${contentSecurityPolicy(page.images, { imageOrigins: options.imageOrigins, uploadOrigin: options.uploadOrigin })}; frame-ancestors 'none'`;
    return send(res, 200, 'text/html; charset=utf-8', html, { 'content-security-policy': csp });
  }
  if (url.pathname === '/favicon.ico') return send(res, 204, 'text/plain', '');
  return send(res, 404, 'text/plain; charset=utf-8', 'not found\n');
}

function sendJson(res: http.ServerResponse, status: number, value: unknown): void {
  send(res, status, 'application/json; charset=utf-8', JSON.stringify(value));
}

async function handlePost(options: GalleryServerOptions, req: http.IncomingMessage, res: http.ServerResponse, url: URL): Promise<void> {
  const answer = options.upload ? await answerUpload(options.upload, req, url) : undefined;
  if (!answer) return send(res, 404, 'text/plain; charset=utf-8', 'not found\n');
  return sendJson(res, answer.status, answer.value);
}

function sendError(options: GalleryServerOptions, req: http.IncomingMessage, res: http.ServerResponse, error: unknown): void {
  const known = error instanceof ThumbsError;
  if (!known) options.onError?.(error);
  const status = known ? (error.exitCode === ExitCode.usage ? 400 : 502) : 500;
  const message = known ? error.message : 'internal error; the terminal running `thumbs gallery` shows what happened';
  const hint = known ? error.hint : undefined;
  if (req.url?.startsWith('/api/')) {
    send(res, status, 'application/json; charset=utf-8', JSON.stringify({ error: { code: known ? error.code : 'internal', message, hint } }));
  } else {
    send(res, status, 'text/html; charset=utf-8', renderErrorPage(options.stack, message, hint));
  }
}

/**
 * A browser page on 127.0.0.1 can be reached by any web site through DNS rebinding; refusing
 * foreign Host headers keeps other sites from reading the presigned URLs out of the API.
 */
function hostAllowed(host: string, port: number, header: string | undefined): boolean {
  if (!LOOPBACK.has(host)) return true;
  return ['127.0.0.1', 'localhost', '[::1]'].some((name) => header === `${name}:${port}`);
}

/**
 * What a failed listen means for the user. A name that does not resolve fails in getaddrinfo, which
 * would otherwise read as the backend being unreachable.
 */
export function listenFailure(error: NodeJS.ErrnoException, port: number, host: string): Error {
  const badHost = (why: string) => usageError('bad-host', `--host ${host} ${why}`, 'Use 127.0.0.1, or 0.0.0.0 for every interface.');
  if (error.code === 'EADDRINUSE') return usageError('port-in-use', `port ${port} on ${host} is already in use`, 'Stop what uses it, or pass another --port (0 picks a free one).');
  if (error.code === 'EACCES') return usageError('port-denied', `not allowed to listen on ${host}:${port}`, 'Use a port above 1023, e.g. --port 8000.');
  if (error.code === 'EADDRNOTAVAIL') return badHost('is not an address of this machine');
  if (error.code === 'ENOTFOUND' || error.code === 'EAI_AGAIN' || error.code === 'EAI_NONAME') return badHost('is neither an IP address nor a name this machine resolves');
  return error;
}

function listen(server: http.Server, port: number, host: string): Promise<void> {
  return new Promise((resolve, reject) => {
    server.once('error', (error: NodeJS.ErrnoException) => reject(listenFailure(error, port, host)));
    server.listen(port, host, () => resolve());
  });
}

/** node:http is all a one-page local server needs. */
export async function startGalleryServer(options: GalleryServerOptions): Promise<RunningGallery> {
  const host = options.host ?? '127.0.0.1';
  let port = options.port ?? 8000;
  const server = http.createServer((req, res) => {
    const allowed = options.upload ? ['GET', 'HEAD', 'POST'] : ['GET', 'HEAD'];
    if (!allowed.includes(req.method ?? '')) return send(res, 405, 'text/plain; charset=utf-8', 'method not allowed\n', { allow: allowed.join(', ') });
    if (!hostAllowed(host, port, req.headers.host)) return send(res, 421, 'text/plain; charset=utf-8', 'unexpected Host header\n');
    handle(options, req, res).catch((error: unknown) => sendError(options, req, res, error));
  });
  await listen(server, port, host);
  port = (server.address() as AddressInfo).port;
  const shown = host.includes(':') ? `[${host}]` : host === '0.0.0.0' ? '127.0.0.1' : host;
  return {
    url: `http://${shown}:${port}/`,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        // Browsers hold keep-alive sockets open; without this, close() waits for them to time out.
        server.closeAllConnections();
      }),
  };
}
