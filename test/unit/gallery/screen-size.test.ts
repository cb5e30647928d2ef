import { describe, expect, it } from 'vitest';
import { verifyRender } from '../../../lambda/render-url.js';
import { signedRenderUrl } from '../../../src/render/renderer.js';
import { renderExpiry, screenWidth, SCREEN_WIDTH_STEP } from '../../../src/gallery/screen-size.js';
import { startGalleryServer } from '../../../src/gallery/server.js';

describe('the detail view\'s on-request width', () => {
  it('is the box in device pixels, snapped up to the step', () => {
    expect(screenWidth(1068, 1)).toBe(1120);
    expect(screenWidth(1068, 2)).toBe(2240);
    expect(screenWidth(390, 3)).toBe(1280);
    expect(screenWidth(1068, 1.25)).toBe(1440);
    // One step on either side of a boundary: 800 is a step, 801 is not.
    expect(screenWidth(400, 2)).toBe(800);
    expect(screenWidth(400.5, 2)).toBe(960);
    expect((screenWidth(1068, 2) ?? 1) % SCREEN_WIDTH_STEP).toBe(0);
  });

  it('never asks beyond the renderer\'s bound, below one step, or under 1x; refuses nonsense', () => {
    expect(screenWidth(1100, 4)).toBe(4096);
    expect(screenWidth(3000, 5)).toBe(4096);
    expect(screenWidth(20, 1)).toBe(160);
    expect(screenWidth(1068, 0.5)).toBe(1120);
    for (const [css, dpr] of [[0, 2], [-5, 1], [Number.NaN, 1], [1000, 0], [1000, Number.POSITIVE_INFINITY]] as const) expect(screenWidth(css, dpr)).toBeUndefined();
  });

  it('expires at least 15 minutes on, on a whole hour, so an hour\'s requests share one URL', () => {
    const at = Date.UTC(2030, 0, 1, 10, 50);
    expect(renderExpiry(at)).toBe(Date.UTC(2030, 0, 1, 12) / 1000);
    expect(renderExpiry(Date.UTC(2030, 0, 1, 10, 5))).toBe(Date.UTC(2030, 0, 1, 11) / 1000);
    expect(renderExpiry(Date.UTC(2030, 0, 1, 10, 40))).toBe(Date.UTC(2030, 0, 1, 11) / 1000);
  });
});

describe('GET /api/render-url', () => {
  const renderer = { baseUrl: 'http://127.0.0.1:9', secret: 'gallery-test-secret' };
  const expires = Math.floor(Date.now() / 1000) + 3600;

  it('answers a URL signed by the server for the width it computed, which the renderer accepts', async () => {
    const asked: Array<[string, number]> = [];
    const server = await startGalleryServer({ port: 0, stack: 'default', load: async () => { throw new Error('not loaded'); }, render: (key, width) => {
      asked.push([key, width]);
      return signedRenderUrl(renderer, key, { width, fit: 'inside', format: 'webp' }, expires);
    } });
    try {
      const res = await fetch(`${server.url}api/render-url?key=${encodeURIComponent('trip/a b+é.jpg')}&viewport=1068&dpr=2`);
      expect(res.status).toBe(200);
      const answer = await res.json() as { url: string; width: number };
      expect(answer.width).toBe(2240);
      expect(asked).toEqual([['trip/a b+é.jpg', 2240]]);
      const url = new URL(answer.url);
      expect(url.origin).toBe(renderer.baseUrl);
      expect(verifyRender(renderer.secret, url.pathname, url.search.slice(1))).toEqual({ ok: true, key: 'trip/a b+é.jpg', params: { width: 2240, height: undefined, fit: 'inside', format: 'webp', quality: undefined } });
      expect(verifyRender('another key', url.pathname, url.search.slice(1))).toMatchObject({ ok: false, status: 403 });
      const bad = await fetch(`${server.url}api/render-url?key=a.jpg&viewport=wide&dpr=2`);
      expect(bad.status).toBe(400);
      expect(((await bad.json()) as { error: { code: string } }).error.code).toBe('bad-render-request');
    } finally {
      await server.close();
    }
  });

  it('is not there when the stack has no renderer, and the page does not ask', async () => {
    const server = await startGalleryServer({ port: 0, stack: 'default', load: async () => ({ images: [], total: 0, q: '', expiresAt: '2030-01-01T00:00:00.000Z' }) });
    try {
      expect((await fetch(`${server.url}api/render-url?key=a.jpg&viewport=1000&dpr=1`)).status).toBe(404);
      expect(await (await fetch(server.url)).text()).not.toContain('data-renderer');
    } finally {
      await server.close();
    }
  });
});
