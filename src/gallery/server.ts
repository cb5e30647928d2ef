import http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { ItemStatus } from '../actions/scan-db.js';
import { ExitCode, ThumbsError, usageError } from '../errors.js';
import { ASSETS } from './assets.js';
import type { GalleryPage, GalleryQuery } from './load-images.js';
import { contentSecurityPolicy, renderErrorPage, renderPage } from './render-page.js';

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
}

export interface RunningGallery {
  url: string;
  close(): Promise<void>;
}

const LOOPBACK = new Set(['127.0.0.1', 'localhost', '::1']);

function parseQuery(url: URL): GalleryQuery {
  const status = url.searchParams.get('status') ?? '';
  if (status !== '' && status !== 'done' && status !== 'failed') {
    throw usageError('bad-status', `status "${status.slice(0, 20)}" is not done or failed`, 'Choose done, failed, or all.');
  }
  const cursor = url.searchParams.get('cursor') ?? '';
  return { ...(status ? { status: status as ItemStatus } : {}), q: url.searchParams.get('q') ?? '', ...(cursor ? { cursor } : {}) };
}

function send(res: http.ServerResponse, status: number, type: string, body: string, headers: http.OutgoingHttpHeaders = {}): void {
  res.writeHead(status, {
    'content-type': type,
    'content-length': Buffer.byteLength(body),
    'x-content-type-options': 'nosniff',
    'referrer-policy': 'no-referrer',
    // Presigned URLs expire; a cached page would show broken images, so a reload always signs anew.
    'cache-control': 'no-store',
    ...headers,
  });
  res.end(res.req.method === 'HEAD' ? undefined : body);
}

async function handle(options: GalleryServerOptions, req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
  const url = new URL(req.url ?? '/', 'http://gallery.invalid');
  const asset = ASSETS[url.pathname.slice(1)];
  if (asset) return send(res, 200, asset.contentType, asset.body, { 'cache-control': 'no-cache' });
  if (url.pathname === '/api/images') {
    const page = await options.load(parseQuery(url));
    return send(res, 200, 'application/json; charset=utf-8', JSON.stringify(page));
  }
  if (url.pathname === '/' || url.pathname === '/index.html') {
    const query = parseQuery(url);
    const page = await options.load(query);
    const html = renderPage({ mode: 'live', stack: options.stack, ...page, cursor: query.cursor });
    const csp = `${contentSecurityPolicy(page.images)}; frame-ancestors 'none'`;
    return send(res, 200, 'text/html; charset=utf-8', html, { 'content-security-policy': csp });
  }
  if (url.pathname === '/favicon.ico') return send(res, 204, 'text/plain', '');
  return send(res, 404, 'text/plain; charset=utf-8', 'not found\n');
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

function listen(server: http.Server, port: number, host: string): Promise<void> {
  return new Promise((resolve, reject) => {
    server.once('error', (error: NodeJS.ErrnoException) => {
      const where = `${host}:${port}`;
      if (error.code === 'EADDRINUSE') reject(usageError('port-in-use', `port ${port} on ${host} is already in use`, 'Stop what uses it, or pass another --port (0 picks a free one).'));
      else if (error.code === 'EACCES') reject(usageError('port-denied', `not allowed to listen on ${where}`, 'Use a port above 1023, e.g. --port 8000.'));
      else if (error.code === 'EADDRNOTAVAIL') reject(usageError('bad-host', `--host ${host} is not an address of this machine`, 'Use 127.0.0.1, or 0.0.0.0 for every interface.'));
      else reject(error);
    });
    server.listen(port, host, () => resolve());
  });
}

/** node:http is all a one-page local server needs. */
export async function startGalleryServer(options: GalleryServerOptions): Promise<RunningGallery> {
  const host = options.host ?? '127.0.0.1';
  let port = options.port ?? 8000;
  const server = http.createServer((req, res) => {
    if (req.method !== 'GET' && req.method !== 'HEAD') return send(res, 405, 'text/plain; charset=utf-8', 'method not allowed\n', { allow: 'GET, HEAD' });
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
