import http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { UrlEvent, UrlResponse } from '../../lambda/render-http.js';

/**
 * Plays a Lambda function URL on loopback for `thumbs dev`: each request becomes the payload
 * format 2.0 event the function receives on AWS, and the function's answer (base64 bodies,
 * redirects, 304s) becomes the HTTP response, as the function URL service does.
 */

export type UrlHandler = (event: UrlEvent) => Promise<UrlResponse>;

/** Node's request as Lambda's event: the raw path and query as sent, lower-case headers with repeats joined by commas. */
export function toUrlEvent(req: http.IncomingMessage): UrlEvent {
  const target = req.url ?? '/';
  const at = target.indexOf('?');
  const headers: Record<string, string> = {};
  for (const [name, values] of Object.entries(req.headersDistinct)) {
    if (values) headers[name] = values.join(',');
  }
  return {
    rawPath: at === -1 ? target : target.slice(0, at),
    rawQueryString: at === -1 ? '' : target.slice(at + 1),
    headers,
    requestContext: { http: { method: req.method ?? 'GET' } },
  };
}

/** The function's answer written to the socket; a HEAD gets the headers only. */
export function sendUrlResponse(res: http.ServerResponse, answer: UrlResponse): void {
  const body = Buffer.from(answer.body ?? '', answer.isBase64Encoded ? 'base64' : 'utf8');
  const empty = res.req.method === 'HEAD' || answer.statusCode === 304 || answer.statusCode === 204;
  res.writeHead(answer.statusCode, { ...answer.headers, ...(empty ? {} : { 'content-length': body.length }) });
  res.end(empty ? undefined : body);
}

export interface ServedRenderer {
  /** http://127.0.0.1:<port>, no trailing slash. */
  url: string;
  /** New function settings (or a new key) from the next request on. */
  setHandler(handler: UrlHandler): void;
  close(): Promise<void>;
}

/** Serves a handler on a free port of 127.0.0.1. A handler that throws is answered 502, as a function URL answers a failed invocation. */
export async function serveRenderer(handler: UrlHandler, onError?: (error: unknown) => void): Promise<ServedRenderer> {
  let current = handler;
  const server = http.createServer((req, res) => {
    current(toUrlEvent(req))
      .then((answer) => sendUrlResponse(res, answer))
      .catch((error: unknown) => {
        onError?.(error);
        if (!res.headersSent) res.writeHead(502, { 'content-type': 'text/plain; charset=utf-8' });
        res.end('Internal Server Error\n');
      });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    setHandler(next) {
      current = next;
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
