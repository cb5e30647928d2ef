import http from 'node:http';
import { afterEach, describe, expect, it } from 'vitest';
import type { UrlEvent, UrlResponse } from '../../lambda/render-http.js';
import { serveRenderer, type ServedRenderer } from '../../src/local/dev-renderer.js';

/** A raw request: fetch would follow redirects and could not send HEAD with a body check. */
function request(url: string, options: { method?: string; headers?: Record<string, string | string[]> } = {}): Promise<{ status: number; headers: http.IncomingHttpHeaders; body: Buffer }> {
  return new Promise((resolve, reject) => {
    const req = http.request(url, { method: options.method ?? 'GET', headers: options.headers ?? {} }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks) }));
    });
    req.on('error', reject);
    req.end();
  });
}

describe('thumbs dev\'s loopback function URL', () => {
  let served: ServedRenderer | undefined;
  afterEach(async () => {
    await served?.close();
    served = undefined;
  });

  it('hands the function the payload 2.0 event: raw path and query as sent, lower-case headers, repeats joined, the method', async () => {
    const events: UrlEvent[] = [];
    served = await serveRenderer(async (event) => {
      events.push(event);
      return { statusCode: 200, headers: {}, body: '', isBase64Encoded: false };
    });
    expect(served.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    await request(`${served.url}/trip/a%20b%2B%C3%A9.jpg?width=780&fit=inside&signature=a%2Fb`, { headers: { Accept: 'image/avif,image/webp', 'X-Twice': ['1', '2'] } });
    await request(`${served.url}/plain.jpg`, { method: 'HEAD' });
    expect(events[0]).toMatchObject({
      rawPath: '/trip/a%20b%2B%C3%A9.jpg',
      rawQueryString: 'width=780&fit=inside&signature=a%2Fb',
      headers: { accept: 'image/avif,image/webp', 'x-twice': '1,2' },
      requestContext: { http: { method: 'GET' } },
    });
    expect(events[1]).toMatchObject({ rawPath: '/plain.jpg', rawQueryString: '', requestContext: { http: { method: 'HEAD' } } });
  });

  it('decodes a base64 body, passes redirects and 304s through, sends no body for HEAD, and answers 502 when the function throws', async () => {
    const image = Buffer.from([0x52, 0x49, 0x46, 0x46, 0, 1, 2, 255]);
    const answers: Record<string, UrlResponse> = {
      '/image': { statusCode: 200, headers: { 'content-type': 'image/webp', etag: '"e1"' }, body: image.toString('base64'), isBase64Encoded: true },
      '/big': { statusCode: 302, headers: { location: 'http://127.0.0.1:9/thumbs/r/x.webp?X-Amz-Signature=s' }, body: '', isBase64Encoded: false },
      '/same': { statusCode: 304, headers: { etag: '"e1"' }, body: '', isBase64Encoded: false },
      '/denied': { statusCode: 403, headers: { 'content-type': 'text/plain; charset=utf-8' }, body: 'forbidden\n', isBase64Encoded: false },
    };
    const failures: unknown[] = [];
    served = await serveRenderer(async (event) => {
      const answer = answers[event.rawPath ?? ''];
      if (!answer) throw new Error('the function failed');
      return answer;
    }, (error) => failures.push(error));
    const got = await request(`${served.url}/image`);
    expect([got.status, got.headers['content-type'], got.headers.etag, got.headers['content-length']]).toEqual([200, 'image/webp', '"e1"', String(image.length)]);
    expect(got.body.equals(image)).toBe(true);
    const head = await request(`${served.url}/image`, { method: 'HEAD' });
    expect([head.status, head.body.length]).toEqual([200, 0]);
    const big = await request(`${served.url}/big`);
    expect([big.status, big.headers.location]).toEqual([302, answers['/big']!.headers.location]);
    expect((await request(`${served.url}/same`)).status).toBe(304);
    const denied = await request(`${served.url}/denied`);
    expect([denied.status, denied.body.toString()]).toEqual([403, 'forbidden\n']);
    const broken = await request(`${served.url}/nothing`);
    expect(broken.status).toBe(502);
    expect(failures).toHaveLength(1);
  });

  it('answers with the new handler after setHandler, as a new configuration takes effect on the next invocation', async () => {
    const reply = (body: string) => async (): Promise<UrlResponse> => ({ statusCode: 200, headers: {}, body, isBase64Encoded: false });
    served = await serveRenderer(reply('first'));
    expect((await request(`${served.url}/x`)).body.toString()).toBe('first');
    served.setHandler(reply('second'));
    expect((await request(`${served.url}/x`)).body.toString()).toBe('second');
  });
});
