import { createHash } from 'node:crypto';
import http from 'node:http';
import https from 'node:https';
import type { S3Client } from '@aws-sdk/client-s3';
import { PutObjectCommand, type PutObjectCommandInput, type PutObjectCommandOutput } from '@aws-sdk/client-s3';
import type { FinalizeRequestMiddleware, HttpRequest, RequestSigner } from '@smithy/types';
import type { CallLog } from './call-log.js';

export interface SmallPut {
  Bucket: string;
  Key: string;
  Body: Buffer;
  ContentType: string;
}

/** Where a bucket's objects go, as the SDK resolved it for the first object of that bucket. */
interface BucketTemplate {
  protocol: string;
  hostname: string;
  port?: number;
  /** The path up to the key: "/bucket/" path-style, "/" virtual-hosted, with any endpoint path before it. */
  pathPrefix: string;
  query: HttpRequest['query'];
  host: string;
  signingRegion: string;
  signingService: string;
  /** See payloadNeedsSigning. */
  unsignedPayload: boolean;
}

const LOOPBACK = new Set(['localhost', '127.0.0.1', '[::1]', '::1']);

/**
 * SigV4 lets S3 take 'UNSIGNED-PAYLOAD' for x-amz-content-sha256 instead of the body's SHA-256;
 * the AWS SDK for Java does so over HTTPS (AWS4UnsignedPayloadSigner), where TLS already guards
 * the body, and keeps signing it over plain HTTP. Content-MD5, sent with every object here, makes
 * S3 refuse a body that changed on the way (BadDigest), so the hash would only guard the body
 * against a man in the middle, who can be nowhere over TLS or on this machine's loopback.
 * Over plain HTTP to another host the body stays signed. (A bucket policy that demands signed
 * payloads answers 403, and the object is sent again through the SDK.)
 */
export function payloadNeedsSigning(protocol: string, hostname: string): boolean {
  return protocol !== 'https:' && !LOOPBACK.has(hostname.toLowerCase());
}

/** How the S3 serializer encodes a greedy `{Key+}` label: each segment, '/' kept. */
export function encodeKeyPath(key: string): string {
  return key
    .split('/')
    .map((segment) => (/^[\w.~-]+$/.test(segment) ? segment : encodeURIComponent(segment).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`)))
    .join('/');
}

/** "AWS4-HMAC-SHA256 Credential=AKID/20260101/us-east-1/s3/aws4_request, ..." -> region and service. */
export function signingScope(authorization: string | undefined): { region: string; service: string } | undefined {
  const match = /Credential=[^/]+\/\d{8}\/([^/]+)\/([^/]+)\/aws4_request/.exec(authorization ?? '');
  return match ? { region: match[1]!, service: match[2]! } : undefined;
}

/** The client's own sockets, and how long one may stay silent (see timeouts.ts). */
export interface DirectTransport {
  httpAgent: http.Agent;
  httpsAgent: https.Agent;
  idleMs: number;
}

/**
 * PutObject for bodies held in memory, without the SDK's per-request pipeline. Profiling an
 * upload of 1,000 small photos showed most of thumbs' CPU in that pipeline (the middleware stack
 * resolved per command, endpoint rules evaluated per object, schema serialization, the
 * flexible-checksum step), not in the network: about 1.5 ms of CPU per object.
 *
 * Nothing here guesses at S3: the first object of each bucket goes through the SDK, and the
 * request it signed (scheme, host, port, path up to the key, query, signing region) becomes the
 * template for the others, which are signed by the client's own signer and sent with Node's
 * http.request over the client's own keep-alive sockets, with its idle timeout (the SDK's handler
 * adds a promise, three timers and listeners to every request). Content-MD5 lets S3 refuse a body
 * that changed on the way. Any answer but 200, and any network error, is sent again through the SDK,
 * which owns retries, redirects and error messages.
 */
export class DirectPut {
  private readonly templates = new Map<string, BucketTemplate | 'sdk'>();
  private signer: Promise<RequestSigner> | undefined;

  constructor(
    private readonly s3: S3Client,
    private readonly transport: DirectTransport,
    private readonly callLog: CallLog | undefined,
    /** Resolves when writes may go ahead (the account check of clients.ts). */
    private readonly writesAllowed: () => Promise<void>,
  ) {}

  async put(input: SmallPut, abortSignal?: AbortSignal): Promise<{ ETag?: string }> {
    const template = this.templates.get(input.Bucket);
    if (template && template !== 'sdk') {
      const etag = await this.sendDirect(template, input, abortSignal).catch(() => undefined);
      if (etag) return { ETag: etag };
    }
    return this.sendThroughSdk(input, template === undefined, abortSignal);
  }

  private async sendThroughSdk(input: SmallPut, learn: boolean, abortSignal?: AbortSignal): Promise<{ ETag?: string }> {
    const command = new PutObjectCommand({ ...input, ContentMD5: md5Base64(input.Body) });
    if (learn) {
      command.middlewareStack.addRelativeTo(
        ((next) => async (args) => {
          this.learn(input, args.request as HttpRequest);
          return next(args);
        }) as FinalizeRequestMiddleware<PutObjectCommandInput, PutObjectCommandOutput>,
        { relation: 'after', toMiddleware: 'httpSigningMiddleware', name: 'thumbsLearnBucketTemplate', override: true },
      );
    }
    return this.s3.send(command, { abortSignal });
  }

  private learn(input: SmallPut, request: HttpRequest): void {
    if (this.templates.has(input.Bucket)) return;
    const keyPath = encodeKeyPath(input.Key);
    const scope = signingScope(request.headers.authorization);
    const host = request.headers.host;
    if (!request.path.endsWith(keyPath) || !scope || !host) {
      this.templates.set(input.Bucket, 'sdk');
      return;
    }
    this.templates.set(input.Bucket, {
      protocol: request.protocol,
      hostname: request.hostname,
      ...(request.port ? { port: request.port } : {}),
      pathPrefix: request.path.slice(0, request.path.length - keyPath.length),
      query: { ...request.query },
      host,
      signingRegion: scope.region,
      signingService: scope.service,
      unsignedPayload: !payloadNeedsSigning(request.protocol, request.hostname),
    });
  }

  private async sendDirect(template: BucketTemplate, input: SmallPut, abortSignal?: AbortSignal): Promise<string | undefined> {
    await this.writesAllowed();
    this.signer ??= this.s3.config.signer({} as never) as Promise<RequestSigner>;
    const request = {
      method: 'PUT',
      protocol: template.protocol,
      hostname: template.hostname,
      ...(template.port ? { port: template.port } : {}),
      path: template.pathPrefix + encodeKeyPath(input.Key),
      query: template.query,
      headers: {
        host: template.host,
        'content-type': input.ContentType,
        'content-length': String(input.Body.length),
        'content-md5': md5Base64(input.Body),
        'x-amz-content-sha256': template.unsignedPayload ? 'UNSIGNED-PAYLOAD' : createHash('sha256').update(input.Body).digest('hex'),
      },
      body: input.Body,
    } as unknown as HttpRequest;
    const started = performance.now();
    let ok = false;
    try {
      const signed = (await (await this.signer).sign(request, { signingRegion: template.signingRegion, signingService: template.signingService })) as HttpRequest;
      const { status, etag } = await this.send(signed, input.Body, abortSignal);
      ok = status === 200;
      return ok ? etag : undefined;
    } finally {
      this.callLog?.record('s3', 'PutObject', started, performance.now(), ok);
    }
  }

  /** One request; the answer's body is read to its end, so the socket goes back to the pool. */
  private send(signed: HttpRequest, body: Buffer, abortSignal?: AbortSignal): Promise<{ status: number; etag?: string }> {
    const secure = signed.protocol === 'https:';
    const query = new URLSearchParams(signed.query as Record<string, string>).toString();
    return new Promise((resolve, reject) => {
      const request = (secure ? https : http).request({
        method: 'PUT',
        // An IPv6 literal comes bracketed in a URL, bare to http.request.
        hostname: signed.hostname.replace(/^\[(.*)\]$/, '$1'),
        ...(signed.port ? { port: signed.port } : {}),
        path: query ? `${signed.path}?${query}` : signed.path,
        headers: signed.headers,
        agent: secure ? this.transport.httpsAgent : this.transport.httpAgent,
        timeout: this.transport.idleMs,
        ...(abortSignal ? { signal: abortSignal } : {}),
      }, (response) => {
        response.on('error', reject);
        response.on('end', () => resolve({ status: response.statusCode ?? 0, etag: response.headers.etag }));
        response.on('close', () => {
          if (!response.complete) reject(new Error('the answer was cut short'));
        });
        response.resume();
      });
      request.on('timeout', () => request.destroy(new Error(`no answer within ${this.transport.idleMs} ms`)));
      request.on('error', reject);
      request.end(body);
    });
  }
}

function md5Base64(body: Buffer): string {
  return createHash('md5').update(body).digest('base64');
}
