import { GetObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { getSignedUrl, S3RequestPresigner } from '@aws-sdk/s3-request-presigner';

/** `download`: the URL makes S3 answer `Content-Disposition: attachment`, so a browser saves the object and never opens it as a document. */
export type SignGet = (bucket: string, key: string, options?: { download?: boolean }) => Promise<string>;

/** RFC 6266 with the RFC 5987 form, so any key's last segment survives as the saved file's name. */
export function attachmentDisposition(key: string): string {
  const name = key.split('/').pop() || 'original';
  return `attachment; filename*=UTF-8''${uriEscape(name)}`;
}

/** RFC 3986 escaping, as the SDK's query and path builders do it. */
const uriEscape = (text: string) => encodeURIComponent(text).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);

/** How the S3 serializer writes a key into the path: each segment URI-encoded, including !'()*. */
export const encodeKeyPath = (key: string) => key.split('/').map((segment) => uriEscape(segment)).join('/');

/**
 * getSignedUrl runs the client's whole middleware stack (endpoint rules included) for every URL,
 * a few milliseconds each, and a gallery page has four URLs per image. This signs the first URL of
 * each bucket that way, learns where keys go in it, and signs the rest with the SDK's presigner
 * alone; where the learned shape does not fit (an endpoint it does not understand), every URL of
 * that bucket goes through getSignedUrl as before. The URLs are the same either way.
 */
export function getObjectSigner(s3: S3Client, expiresIn: number, signingDate = new Date()): SignGet {
  const presigner = new S3RequestPresigner({ ...s3.config });
  const shapes = new Map<string, Promise<{ url: URL; prefix: string } | undefined>>();
  const viaSdk = (bucket: string, key: string, download?: boolean) =>
    getSignedUrl(s3, new GetObjectCommand({ Bucket: bucket, Key: key, ...(download ? { ResponseContentDisposition: attachmentDisposition(key) } : {}) }), { expiresIn, signingDate });
  return async (bucket, key, options) => {
    const download = options?.download === true;
    let shape = shapes.get(bucket);
    if (!shape) {
      const first = viaSdk(bucket, key, download);
      shape = first.then((signed) => {
        const url = new URL(signed);
        const encoded = `/${encodeKeyPath(key)}`;
        return url.pathname.endsWith(encoded) ? { url, prefix: url.pathname.slice(0, -encoded.length) } : undefined;
      });
      shapes.set(bucket, shape);
      if (await shape) return first;
    }
    const known = await shape;
    if (!known) return viaSdk(bucket, key, download);
    const { url, prefix } = known;
    // The query the SDK signs for GetObject besides the signature's own fields and the first URL's own disposition.
    const query: Record<string, string> = {};
    for (const [name, value] of url.searchParams) if (!name.startsWith('X-Amz-') && name !== 'response-content-disposition') query[name] = value;
    if (download) query['response-content-disposition'] = attachmentDisposition(key);
    const signed = await presigner.presign({
      method: 'GET',
      protocol: url.protocol,
      hostname: url.hostname,
      ...(url.port ? { port: Number(url.port) } : {}),
      path: `${prefix}/${encodeKeyPath(key)}`,
      query,
      headers: { host: url.host },
    }, { expiresIn, signingDate });
    const text = Object.entries(signed.query ?? {})
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
      .map(([name, value]) => `${uriEscape(name)}=${uriEscape(String(value))}`)
      .join('&');
    return `${url.protocol}//${url.host}${signed.path}?${text}`;
  };
}

