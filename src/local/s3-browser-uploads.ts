import { createHmac, timingSafeEqual } from 'node:crypto';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { LOCAL_CREDENTIALS } from './constants.js';

/**
 * fauxqs 1.9 has no browser-upload path: no POST Object (it treats any POST on a bucket as
 * DeleteObjects), no bucket CORS configuration (PUT ?cors creates the bucket, DELETE ?cors deletes
 * it) and no CORS preflight. `thumbs gallery` uploads from the page with a presigned POST, so the
 * embedded backend adds these three here, in front of fauxqs's own routes, behaving as S3 does:
 * the policy's signature, expiry and every condition (including content-length-range) are
 * checked before anything is stored, and CORS headers follow the bucket's rules only.
 */

/** S3 refuses POST bodies above 5 GB; here the process holds the body in memory, so far less. */
const MAX_POST_BYTES = 256 * 1024 * 1024;

interface CorsRule {
  ID?: string;
  AllowedOrigins: string[];
  AllowedMethods: string[];
  AllowedHeaders: string[];
  ExposeHeaders: string[];
  MaxAgeSeconds?: number;
}

class S3Refusal extends Error {
  constructor(readonly code: string, message: string, readonly status = 400) {
    super(message);
  }
}

const xmlEscape = (text: string) => text.replace(/[<>&'"]/g, (c) => `&#${c.charCodeAt(0)};`);
const xmlUnescape = (text: string) =>
  text.replace(/&(lt|gt|amp|quot|apos|#\d+);/g, (entity, name: string) =>
    name.startsWith('#') ? String.fromCharCode(Number(name.slice(1))) : ({ lt: '<', gt: '>', amp: '&', quot: '"', apos: "'" } as Record<string, string>)[name] ?? entity);

function errorXml(code: string, message: string): string {
  return `<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>${xmlEscape(code)}</Code><Message>${xmlEscape(message)}</Message></Error>`;
}

function readBody(request: FastifyRequest, limit: number): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    request.raw.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > limit) {
        request.raw.destroy();
        reject(new S3Refusal('EntityTooLarge', 'Your proposed upload exceeds the maximum allowed size'));
      } else chunks.push(chunk);
    });
    request.raw.on('end', () => resolve(Buffer.concat(chunks)));
    request.raw.on('error', reject);
  });
}

/** `/bucket`, `/bucket/` (path style, or virtual-hosted after fauxqs's rewrite) → bucket. */
function bucketOnly(path: string): string | undefined {
  return /^\/([^/?]+)\/?$/.exec(path)?.[1];
}

function parseCors(xml: string): CorsRule[] {
  const all = (block: string, tag: string) => [...block.matchAll(new RegExp(`<${tag}>([\\s\\S]*?)</${tag}>`, 'g'))].map((m) => xmlUnescape(m[1]!.trim()));
  return [...xml.matchAll(/<CORSRule>([\s\S]*?)<\/CORSRule>/g)].map(([, block]) => {
    const maxAge = all(block!, 'MaxAgeSeconds')[0];
    const id = all(block!, 'ID')[0];
    return {
      ...(id ? { ID: id } : {}),
      AllowedOrigins: all(block!, 'AllowedOrigin'),
      AllowedMethods: all(block!, 'AllowedMethod'),
      AllowedHeaders: all(block!, 'AllowedHeader'),
      ExposeHeaders: all(block!, 'ExposeHeader'),
      ...(maxAge ? { MaxAgeSeconds: Number(maxAge) } : {}),
    };
  });
}

function corsXml(rules: CorsRule[]): string {
  const tags = (tag: string, values: string[]) => values.map((v) => `<${tag}>${xmlEscape(v)}</${tag}>`).join('');
  const body = rules.map((r) => `<CORSRule>${r.ID ? `<ID>${xmlEscape(r.ID)}</ID>` : ''}${tags('AllowedOrigin', r.AllowedOrigins)}`
    + `${tags('AllowedMethod', r.AllowedMethods)}${tags('AllowedHeader', r.AllowedHeaders)}${tags('ExposeHeader', r.ExposeHeaders)}`
    + `${r.MaxAgeSeconds === undefined ? '' : `<MaxAgeSeconds>${r.MaxAgeSeconds}</MaxAgeSeconds>`}</CORSRule>`).join('');
  return `<?xml version="1.0" encoding="UTF-8"?>\n<CORSConfiguration>${body}</CORSConfiguration>`;
}

const wildcard = (pattern: string, value: string) =>
  new RegExp(`^${pattern.split('*').map((part) => part.replace(/[.+?^${}()|[\]\\]/g, '\\$&')).join('.*')}$`, 'i').test(value);

/** The first rule matching origin, method and requested headers, as S3 picks it. */
function matchRule(rules: CorsRule[], origin: string, method: string, headers: string[]): CorsRule | undefined {
  return rules.find((rule) => rule.AllowedOrigins.some((o) => wildcard(o, origin))
    && rule.AllowedMethods.includes(method)
    && headers.every((h) => rule.AllowedHeaders.some((allowed) => wildcard(allowed, h))));
}

function corsHeaders(rule: CorsRule, origin: string): Record<string, string> {
  return {
    'access-control-allow-origin': rule.AllowedOrigins.includes('*') ? '*' : origin,
    'access-control-allow-methods': rule.AllowedMethods.join(', '),
    ...(rule.ExposeHeaders.length > 0 ? { 'access-control-expose-headers': rule.ExposeHeaders.join(', ') } : {}),
    ...(rule.MaxAgeSeconds === undefined ? {} : { 'access-control-max-age': String(rule.MaxAgeSeconds) }),
    vary: 'Origin, Access-Control-Request-Headers, Access-Control-Request-Method',
  };
}

type Condition = Record<string, string> | [string, string | number, string | number];

interface Policy {
  expiration: string;
  conditions: Condition[];
}

function signingKey(secret: string, date: string, region: string): Buffer {
  const step = (key: string | Buffer, data: string) => createHmac('sha256', key).update(data).digest();
  return step(step(step(step(`AWS4${secret}`, date), region), 's3'), 'aws4_request');
}

/** Checks a POST policy as S3 does; the message names the failed condition like S3's own. */
export function checkPolicy(bucket: string, fields: Map<string, string>, fileSize: number, now = new Date()): void {
  const policyText = fields.get('policy');
  const signature = fields.get('x-amz-signature');
  const credential = fields.get('x-amz-credential');
  if (!policyText || !signature || !credential) throw new S3Refusal('AccessDenied', 'Bucket POST must contain a signed policy', 403);
  const [accessKey, date, region] = credential.split('/');
  if (accessKey !== LOCAL_CREDENTIALS.accessKeyId || !date || !region) throw new S3Refusal('InvalidAccessKeyId', 'The AWS Access Key Id you provided does not exist in our records.', 403);
  const expected = createHmac('sha256', signingKey(LOCAL_CREDENTIALS.secretAccessKey, date, region)).update(policyText).digest();
  const given = Buffer.from(signature, 'hex');
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) {
    throw new S3Refusal('SignatureDoesNotMatch', 'The request signature we calculated does not match the signature you provided.', 403);
  }
  let policy: Policy;
  try {
    policy = JSON.parse(Buffer.from(policyText, 'base64').toString('utf8')) as Policy;
  } catch {
    throw new S3Refusal('InvalidPolicyDocument', 'Invalid Policy: Invalid JSON.');
  }
  if (!(Date.parse(policy.expiration) > now.getTime())) throw new S3Refusal('AccessDenied', 'Invalid according to Policy: Policy expired.', 403);
  const values = new Map(fields);
  values.set('bucket', bucket);
  const covered = new Set(['policy', 'x-amz-signature', 'file', 'bucket']);
  const failed = (condition: Condition) =>
    new S3Refusal('AccessDenied', `Invalid according to Policy: Policy Condition failed: ${JSON.stringify(condition)}`, 403);
  for (const condition of policy.conditions) {
    if (Array.isArray(condition)) {
      const [op, a, b] = condition;
      if (String(op).toLowerCase() === 'content-length-range') {
        if (fileSize < Number(a) || fileSize > Number(b)) {
          throw fileSize > Number(b)
            ? new S3Refusal('EntityTooLarge', 'Your proposed upload exceeds the maximum allowed size')
            : new S3Refusal('EntityTooSmall', 'Your proposed upload is smaller than the minimum allowed size');
        }
        continue;
      }
      const name = String(a).replace(/^\$/, '').toLowerCase();
      const value = values.get(name) ?? '';
      covered.add(name);
      if (op === 'eq' ? value !== String(b) : op === 'starts-with' ? !value.startsWith(String(b)) : true) throw failed(condition);
    } else {
      for (const [name, expectedValue] of Object.entries(condition)) {
        covered.add(name.toLowerCase());
        if (values.get(name.toLowerCase()) !== expectedValue) throw failed(condition);
      }
    }
  }
  for (const name of fields.keys()) {
    if (!covered.has(name) && !name.startsWith('x-ignore-')) {
      throw new S3Refusal('AccessDenied', `Invalid according to Policy: Extra input fields: ${name}`, 403);
    }
  }
}

/** Adds POST Object, bucket CORS configuration and CORS preflight to a fauxqs app before it listens. */
export function addBrowserUploads(app: FastifyInstance): void {
  const corsByBucket = new Map<string, CorsRule[]>();

  const bucketExists = async (bucket: string) => (await app.inject({ method: 'HEAD', url: `/${encodeURIComponent(bucket)}` })).statusCode === 200;
  const refuse = (reply: FastifyReply, error: S3Refusal, headers: Record<string, string> = {}) =>
    reply.code(error.status).headers({ 'content-type': 'application/xml', ...headers }).send(errorXml(error.code, error.message));

  async function bucketCors(request: FastifyRequest, reply: FastifyReply, bucket: string): Promise<void> {
    if (!(await bucketExists(bucket))) throw new S3Refusal('NoSuchBucket', 'The specified bucket does not exist', 404);
    if (request.method === 'PUT') {
      corsByBucket.set(bucket, parseCors((await readBody(request, 1024 * 1024)).toString('utf8')));
      return reply.code(200).send();
    }
    if (request.method === 'DELETE') {
      corsByBucket.delete(bucket);
      return reply.code(204).send();
    }
    const rules = corsByBucket.get(bucket);
    if (!rules) throw new S3Refusal('NoSuchCORSConfiguration', 'The CORS configuration does not exist', 404);
    return reply.code(200).header('content-type', 'application/xml').send(corsXml(rules));
  }

  async function postObject(request: FastifyRequest, reply: FastifyReply, bucket: string, cors: Record<string, string>): Promise<void> {
    const body = await readBody(request, MAX_POST_BYTES);
    const form = await new Response(body, { headers: { 'content-type': request.headers['content-type'] ?? '' } }).formData();
    const file = form.get('file');
    if (!(file instanceof Blob)) throw new S3Refusal('InvalidArgument', 'POST requires exactly one file upload per request.');
    const fields = new Map<string, string>();
    for (const [name, value] of form.entries()) if (typeof value === 'string') fields.set(name.toLowerCase(), value);
    const fileName = (file as File).name ?? '';
    const key = (fields.get('key') ?? '').replace('${filename}', fileName);
    if (!key) throw new S3Refusal('InvalidArgument', 'Bucket POST must contain a field named \'key\'.');
    fields.set('key', key);
    checkPolicy(bucket, fields, file.size);
    const contentType = fields.get('content-type') ?? 'binary/octet-stream';
    // User metadata fields become the object's metadata, as S3 stores them from a POST.
    const metadata = Object.fromEntries([...fields].filter(([name]) => name.startsWith('x-amz-meta-')));
    const url = `/${encodeURIComponent(bucket)}/${key.split('/').map(encodeURIComponent).join('/')}`;
    const stored = await app.inject({ method: 'PUT', url, headers: { ...metadata, 'content-type': contentType }, payload: Buffer.from(await file.arrayBuffer()) });
    if (stored.statusCode !== 200) throw new S3Refusal('InternalError', `storing the object failed (${stored.statusCode})`, 500);
    const etag = String(stored.headers.etag ?? '');
    return reply.code(Number(fields.get('success_action_status') ?? 204) === 201 ? 201 : 204)
      .headers({ ...cors, etag, location: `${request.protocol}://${request.headers.host ?? ''}${url}` })
      .send();
  }

  app.route({
    method: 'OPTIONS',
    url: '/*',
    handler: async (request, reply) => {
      const bucket = /^\/([^/?]+)/.exec(request.url)?.[1];
      const origin = request.headers.origin ?? '';
      const method = String(request.headers['access-control-request-method'] ?? '');
      const headers = String(request.headers['access-control-request-headers'] ?? '').split(',').map((h) => h.trim()).filter(Boolean);
      const rule = bucket ? matchRule(corsByBucket.get(decodeURIComponent(bucket)) ?? [], origin, method, headers) : undefined;
      if (!rule) return refuse(reply, new S3Refusal('AccessForbidden', 'CORSResponse: This CORS request is not allowed.', 403));
      return reply.code(200).headers({ ...corsHeaders(rule, origin), 'access-control-allow-headers': headers.join(', ') }).send();
    },
  });

  app.addHook('onRequest', async (request, reply) => {
    const path = request.url.split('?')[0] ?? '';
    const bucketName = bucketOnly(path);
    if (!bucketName) return;
    const bucket = decodeURIComponent(bucketName);
    const query = new URLSearchParams(request.url.split('?')[1] ?? '');
    const origin = request.headers.origin;
    const rule = origin ? matchRule(corsByBucket.get(bucket) ?? [], origin, request.method, []) : undefined;
    const cors = rule && origin ? corsHeaders(rule, origin) : {};
    try {
      if (query.has('cors') && ['PUT', 'GET', 'DELETE'].includes(request.method)) return await bucketCors(request, reply, bucket);
      if (request.method === 'POST' && /^multipart\/form-data/i.test(request.headers['content-type'] ?? '')) {
        return await postObject(request, reply, bucket, cors);
      }
    } catch (error) {
      if (error instanceof S3Refusal) return refuse(reply, error, cors);
      throw error;
    }
  });
}
