import http from 'node:http';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { ThumbsError } from '../../../src/errors.js';
import type { GalleryPage, GalleryQuery } from '../../../src/gallery/load-images.js';
import { startGalleryServer, type RunningGallery } from '../../../src/gallery/server.js';

const PAGE: GalleryPage = {
  images: [{ key: '<k>.jpg', status: 'done', originalUrl: 'http://127.0.0.1:9/o/k.jpg?sig=1', renditions: [] }],
  total: 1,
  q: '',
  expiresAt: '2030-01-01T00:00:00.000Z',
};

/** A raw request, so the Host header can be anything (fetch would not let a test forge it). */
function get(url: string, options: { host?: string; method?: string } = {}): Promise<{ status: number; headers: http.IncomingHttpHeaders; body: string }> {
  const target = new URL(url);
  return new Promise((resolve, reject) => {
    const req = http.request({ host: target.hostname, port: target.port, path: `${target.pathname}${target.search}`, method: options.method ?? 'GET',
      headers: options.host ? { host: options.host } : {} }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => (body += chunk));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
    });
    req.on('error', reject);
    req.end();
  });
}

describe('gallery server', () => {
  let server: RunningGallery | undefined;
  afterEach(async () => {
    await server?.close();
    server = undefined;
  });

  async function start(load: (query: GalleryQuery) => Promise<GalleryPage>) {
    server = await startGalleryServer({ port: 0, stack: 'default', load });
    return server.url;
  }

  it('serves the page with a strict CSP and no caching, passing the filter through', async () => {
    const load = vi.fn(async () => PAGE);
    const url = await start(load);
    const res = await get(`${url}?status=failed&q=be%20ach&cursor=abc`);
    expect(res.status).toBe(200);
    expect(load).toHaveBeenCalledWith({ status: 'failed', q: 'be ach', cursor: 'abc' });
    expect(res.headers['content-security-policy']).toBe(
      "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data: http://127.0.0.1:9; connect-src 'self'; form-action 'self'; base-uri 'none'; frame-ancestors 'none'",
    );
    expect(res.headers['cache-control']).toBe('no-store');
    expect(res.body).toContain('&lt;k&gt;.jpg');
    expect(res.body).not.toContain('<k>');
  });

  it('answers the JSON API and serves the assets', async () => {
    const url = await start(async () => PAGE);
    const api = await get(`${url}api/images`);
    expect(api.headers['content-type']).toBe('application/json; charset=utf-8');
    expect(JSON.parse(api.body)).toEqual(PAGE);
    const script = await get(`${url}assets/gallery.js`);
    expect(script.headers['content-type']).toBe('text/javascript; charset=utf-8');
    expect(script.body).toContain("dialog.showModal()");
    expect((await get(`${url}nope`)).status).toBe(404);
    expect((await get(url, { method: 'POST' })).status).toBe(405);
  });

  it('refuses a bad status with 400 and shows AWS-side errors escaped', async () => {
    const url = await start(async () => {
      throw new ThumbsError('not-provisioned', 'there is no table <t>', { hint: 'Run thumbs provision.' });
    });
    expect((await get(`${url}?status=<x>`)).status).toBe(400);
    const page = await get(url);
    expect(page.status).toBe(502);
    expect(page.body).toContain('there is no table &lt;t&gt;');
    const api = await get(`${url}api/images`);
    expect(JSON.parse(api.body)).toEqual({ error: { code: 'not-provisioned', message: 'there is no table <t>', hint: 'Run thumbs provision.' } });
  });

  it('refuses foreign Host headers on a loopback bind (DNS rebinding)', async () => {
    const url = await start(async () => PAGE);
    const port = new URL(url).port;
    expect((await get(url, { host: `evil.example:${port}` })).status).toBe(421);
    expect((await get(url, { host: `localhost:${port}` })).status).toBe(200);
  });

  it('hides unexpected errors from the page and reports them', async () => {
    const onError = vi.fn();
    server = await startGalleryServer({ port: 0, stack: 'default', load: async () => { throw new Error('secret detail'); }, onError });
    const res = await get(server.url);
    expect(res.status).toBe(500);
    expect(res.body).not.toContain('secret detail');
    expect(onError).toHaveBeenCalledOnce();
  });

  it('names the port when it is taken', async () => {
    const url = await start(async () => PAGE);
    await expect(startGalleryServer({ port: Number(new URL(url).port), stack: 'default', load: async () => PAGE }))
      .rejects.toMatchObject({ code: 'port-in-use', exitCode: 2 });
  });
});
