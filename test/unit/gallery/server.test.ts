import http from 'node:http';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { reportRequestError } from '../../../src/actions/gallery.js';
import { ThumbsError, usageError } from '../../../src/errors.js';
import type { GalleryPage, GalleryQuery } from '../../../src/gallery/load-images.js';
import { listenFailure, startGalleryServer, type RunningGallery } from '../../../src/gallery/server.js';
import { MemoryReporter } from '../../../src/output/reporter.js';

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

  it('names --host when it does not resolve, instead of blaming the backend', () => {
    const failed = (code: string) => Object.assign(new Error(`getaddrinfo ${code} nosuch.invalid`), { code });
    for (const code of ['ENOTFOUND', 'EAI_AGAIN']) {
      expect(listenFailure(failed(code), 8000, 'nosuch.invalid')).toMatchObject({ code: 'bad-host', exitCode: 2, message: expect.stringContaining('--host nosuch.invalid') });
    }
    expect(listenFailure(failed('EADDRNOTAVAIL'), 8000, '10.9.9.9')).toMatchObject({ code: 'bad-host' });
    const other = failed('EMFILE');
    expect(listenFailure(other, 8000, '127.0.0.1')).toBe(other);
  });

  describe('upload and live endpoints', () => {
    const upload = {
      maxBytes: 1000,
      prefix: 'uploads/',
      presign: vi.fn(async (name: string, type: string) => {
        if (type === 'image/svg+xml') throw usageError('upload-type', `${name}: type "${type}" is not an image thumbs processes`, 'Upload JPEG files.');
        return { key: `uploads/${name}`, url: 'http://127.0.0.1:9/b', fields: { key: `uploads/${name}` } };
      }),
      complete: vi.fn(async () => ({ queued: true })),
    };

    function post(url: string, body: string, headers: http.OutgoingHttpHeaders): Promise<{ status: number; body: string }> {
      const target = new URL(url);
      return new Promise((resolve, reject) => {
        const req = http.request({ host: target.hostname, port: target.port, path: target.pathname, method: 'POST', headers }, (res) => {
          let text = '';
          res.setEncoding('utf8');
          res.on('data', (chunk: string) => (text += chunk));
          res.on('end', () => resolve({ status: res.statusCode ?? 0, body: text }));
        });
        req.on('error', reject);
        req.end(body);
      });
    }

    it('gives presigned forms and queues uploads only to the page itself', async () => {
      server = await startGalleryServer({ port: 0, stack: 'default', load: async () => PAGE, upload });
      const origin = server.url.replace(/\/$/, '');
      const json = { 'content-type': 'application/json', origin };
      const files = [{ name: 'a.jpg', type: 'image/jpeg' }, { name: 'x.svg', type: 'image/svg+xml' }, { name: 'b.png', type: 'image/png' }];
      const forms = await post(`${server.url}api/uploads`, JSON.stringify({ files }), json);
      expect(forms.status).toBe(200);
      const uploads = JSON.parse(forms.body).uploads as Array<{ key?: string; name?: string; error?: { code: string } }>;
      expect(uploads.map((u) => u.key ?? `${u.name}: ${u.error?.code}`)).toEqual(['uploads/a.jpg', 'x.svg: upload-type', 'uploads/b.png']);
      expect(upload.presign).toHaveBeenCalledWith('b.png', 'image/png', undefined);
      const done = await post(`${server.url}api/uploads/complete`, JSON.stringify({ key: 'uploads/a.jpg' }), json);
      expect(JSON.parse(done.body)).toEqual({ key: 'uploads/a.jpg', queued: true });
      expect(upload.complete).toHaveBeenCalledWith('uploads/a.jpg');

      const foreign = await post(`${server.url}api/uploads`, JSON.stringify({ files: [{ name: 'x.jpg' }] }), { ...json, origin: 'http://evil.example' });
      expect(foreign.status).toBe(403);
      const form = await post(`${server.url}api/uploads`, 'files=x', { 'content-type': 'application/x-www-form-urlencoded', origin });
      expect(form.status).toBe(403);
      const bad = await post(`${server.url}api/uploads`, JSON.stringify({ files: [] }), json);
      expect(JSON.parse(bad.body).error.code).toBe('bad-files');
      expect(upload.presign).toHaveBeenCalledTimes(3);
      const page = await get(server.url);
      expect(page.body).toContain('type="file" multiple accept="image/jpeg,');
    });

    it('has no upload without the service: no POST, no file input', async () => {
      server = await startGalleryServer({ port: 0, stack: 'default', load: async () => PAGE });
      expect((await post(`${server.url}api/uploads`, '{}', { 'content-type': 'application/json' })).status).toBe(405);
      expect((await get(server.url)).body).not.toContain('type="file"');
    });

    it('sends changed items as cards rendered and escaped by the server, with the status line', async () => {
      const live = vi.fn(async () => ({
        cursor: '2030-01-01T00:00:00.000Z',
        status: { waiting: 1, inFlight: 0, deadLettered: 0, donePerMinute: 3, doneCapped: false },
        images: PAGE.images,
      }));
      server = await startGalleryServer({ port: 0, stack: 'default', load: async () => PAGE, live });
      const res = JSON.parse((await get(`${server.url}api/updates?since=abc`)).body) as { cursor: string; cards: Array<{ key: string; html: string }> };
      expect(live).toHaveBeenCalledWith('abc', []);
      expect(res.cursor).toBe('2030-01-01T00:00:00.000Z');
      expect(res.cards[0]?.key).toBe('<k>.jpg');
      expect(res.cards[0]?.html).toContain('data-image-key="&lt;k&gt;.jpg"');
      expect(res.cards[0]?.html).not.toContain('<k>');
    });
  });
});

describe('gallery request errors in the terminal', () => {
  it('are one line; the stack trace is a detail, shown only with --verbose', () => {
    const reporter = new MemoryReporter();
    reportRequestError(reporter)(new Error('boom'));
    expect(reporter.texts('warn')).toEqual(['gallery request failed: boom']);
    expect(reporter.texts('detail')[0]).toMatch(/^Error: boom\n\s+at /);
  });
});
