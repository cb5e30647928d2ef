import { GetItemCommand } from '@aws-sdk/client-dynamodb';
import { PutObjectCommand } from '@aws-sdk/client-s3';
import { existsSync } from 'node:fs';
import path from 'node:path';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { verifyRender } from '../../lambda/render-url.js';
import { provision } from '../../src/actions/provision.js';
import { signUrl } from '../../src/actions/url.js';
import { startStackRenderer, type StackRenderer } from '../../src/local/stack-renderer.js';
import { rendererFilePath } from '../../src/render/renderer-file.js';
import { openStack } from '../../src/state/open-stack.js';
import { startEmbedded, type EmbeddedHarness } from '../helpers/embedded.js';
import { photo } from '../helpers/photos.js';

const KEY = 'trip/Picture 1A+é.jpg';
const webp300 = { width: 300, fit: 'inside', format: 'webp' } as const;

describe('thumbs url against a loopback renderer served as thumbs dev serves it (embedded backend)', () => {
  let harness: EmbeddedHarness;
  let renderer: StackRenderer | undefined;
  let table: string;
  let localDir: string;

  beforeAll(async () => {
    harness = await startEmbedded();
    await provision(harness.ctx);
    const stack = await openStack(harness.ctx, { persist: false });
    table = stack.store.get('table')!.id;
    localDir = path.join(harness.stateDir, 'local');
    await harness.ctx.clients.s3.send(new PutObjectCommand({ Bucket: stack.store.get('originalsBucket')!.id, Key: KEY, Body: photo('lomiri_Picture_1A_by_freespace.jpg'), ContentType: 'image/jpeg' }));
  }, 60_000);
  afterAll(async () => {
    await renderer?.stop();
    await harness?.stop();
  });

  it('refuses to sign while no dev serves the stack\'s renderer, saying what to start', async () => {
    await expect(signUrl(harness.ctx, { key: KEY, params: webp300, expiresIn: 600 })).rejects.toMatchObject({ code: 'renderer-missing', hint: expect.stringContaining('thumbs dev') });
  });

  it('signs a URL the renderer answers with the image (200, its type and width), and 403 once altered', async () => {
    const stack = await openStack(harness.ctx, { persist: false });
    renderer = await startStackRenderer(harness.ctx, localDir, { names: stack.names, state: stack.store.current }, {});
    expect(renderer).toBeDefined();
    expect(existsSync(rendererFilePath(localDir, 'default'))).toBe(true);
    const signed = await signUrl(harness.ctx, { key: KEY, params: webp300, expiresIn: 600 });
    const url = new URL(signed.url);
    expect(url.origin).toBe(renderer!.url);
    expect(Date.parse(signed.expires) / 1000).toBeGreaterThan(Date.now() / 1000 + 590);
    // Signed with the key kept in the stack's record, read here straight from the table.
    const item = await harness.ctx.clients.dynamodb.send(new GetItemCommand({ TableName: table, Key: { imageKey: { S: '#thumbs/record' } } }));
    const secret = item.Item?.secret_render?.S;
    expect(secret).toMatch(/^[\w-]{40,}$/);
    expect(verifyRender(secret!, url.pathname, url.search.slice(1))).toMatchObject({ ok: true, key: KEY });

    const res = await fetch(signed.url);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('image/webp');
    const meta = await sharp(Buffer.from(await res.arrayBuffer())).metadata();
    expect([meta.format, meta.width]).toEqual(['webp', 300]);
    expect((await fetch(signed.url.replace('width=300', 'width=301'))).status).toBe(403);
    expect((await fetch(signed.url.replace(/signature=[^&]+/, 'signature=x'))).status).toBe(403);
  });

  it('refuses a key that is not in the originals bucket (exit 2), unless told not to check', async () => {
    await expect(signUrl(harness.ctx, { key: 'trip/missing.jpg', params: webp300, expiresIn: 600 })).rejects.toMatchObject({ code: 'no-such-original', exitCode: 2 });
    const unchecked = await signUrl(harness.ctx, { key: 'trip/missing.jpg', params: webp300, expiresIn: 600, check: false });
    expect((await fetch(unchecked.url)).status).toBe(404);
  });

  it('forgets the renderer when dev stops serving it', async () => {
    await renderer!.stop();
    renderer = undefined;
    expect(existsSync(rendererFilePath(localDir, 'default'))).toBe(false);
    await expect(signUrl(harness.ctx, { key: KEY, params: webp300, expiresIn: 600 })).rejects.toMatchObject({ code: 'renderer-missing' });
  });
});
