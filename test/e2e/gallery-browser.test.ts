import { PutObjectCommand } from '@aws-sdk/client-s3';
import { PutCommand } from '@aws-sdk/lib-dynamodb';
import { feedAttributes } from '../../lambda/contract.js';
import { mkdir, readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { type BrowserContext, type Page } from 'playwright-core';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { placeholderOf } from '../../lambda/placeholder.js';
import { startGallery, type StartedGallery } from '../../src/actions/gallery.js';
import { provision } from '../../src/actions/provision.js';
import { publish } from '../../src/actions/publish.js';
import type { Context } from '../../src/context.js';
import { galleryLocations, type GalleryLocations } from '../../src/gallery/load-images.js';
import { openStack } from '../../src/state/open-stack.js';
import { screenWidth } from '../../src/gallery/screen-size.js';
import { startStackRenderer } from '../../src/local/stack-renderer.js';
import { CHROMIUM, launchChromium, skipBrowserTests, type HeadlessChromium } from '../helpers/chromium.js';
import { startEmbedded, type EmbeddedHarness } from '../helpers/embedded.js';

const HOSTILE_KEY = '"><img src=x onerror=alert(1)>.jpg';
const FAILED_KEY = 'broken <b>upload</b>.jpg';
const FAILED_ERROR = 'unsupported image format: <script>alert(2)</script>';
const SIZES = [128, 512, 1024];
const skip = skipBrowserTests;
if (skip) {
  console.warn(`\n${'!'.repeat(78)}\n!!! SKIPPING the gallery browser test: ${CHROMIUM} is missing.\n`
    + `!!! Install it with: apt-get update && apt-get install -y chromium   (under CI=true this test fails instead)\n${'!'.repeat(78)}\n`);
}

/** What the thumbnail function writes, made here with sharp so this test does not depend on the function. */
async function seedImage(ctx: Context, where: GalleryLocations, key: string, source: Buffer, index: number): Promise<number> {
  const { autoOrient: { width, height }, format } = await sharp(source).metadata();
  // Decode the original once (upright, at most 1024 px), and make every rendition from that.
  const base = await sharp(source).rotate().resize(1024, 1024, { fit: 'inside', withoutEnlargement: true }).raw().toBuffer({ resolveWithObject: true });
  const upright = sharp(base.data, { raw: { width: base.info.width, height: base.info.height, channels: base.info.channels } });
  await ctx.clients.s3.send(new PutObjectCommand({ Bucket: where.originalsBucket, Key: key, Body: source, ContentType: `image/${format}` }));
  const stem = key.replace(/\.[^./]+$/, '');
  const renditions = await Promise.all(SIZES.map(async (size) => {
    const { data, info } = await upright.clone().resize(size, size, { fit: 'inside', withoutEnlargement: true }).webp().toBuffer({ resolveWithObject: true });
    const renditionKey = `${size}/${stem}.webp`;
    await ctx.clients.s3.send(new PutObjectCommand({ Bucket: where.thumbnailsBucket, Key: renditionKey, Body: data, ContentType: 'image/webp' }));
    return { name: String(size), key: renditionKey, width: info.width, height: info.height, bytes: info.size, format: 'webp', body: data };
  }));
  const { thumbhash } = await placeholderOf(renditions);
  await ctx.clients.doc.send(new PutCommand({ TableName: where.table, Item: {
    imageKey: key, sourceBucket: where.originalsBucket, etag: `etag-${index}`, bytes: source.length, contentType: `image/${format}`,
    width, height, format, renditions: renditions.map(({ body: _body, ...record }) => record), thumbhash, status: 'done', attempts: 1, processedAt: new Date(Date.UTC(2025, 0, 1, 0, index)).toISOString(), durationMs: 100 + index,
    // The time index's attributes, as the function writes them.
    ...feedAttributes({ imageKey: key, status: 'done', processedAt: new Date(Date.UTC(2025, 0, 1, 0, index)).toISOString() }),
  } }));
  return width;
}

async function seed(ctx: Context): Promise<{ where: GalleryLocations; done: Map<string, number> }> {
  await provision(ctx);
  const where = galleryLocations(await openStack(ctx, { persist: false }));
  const files = (await readdir('images', { recursive: true })).filter((f) => /\.(jpe?g|png)$/i.test(f)).map((f) => f.split(path.sep).join('/'));
  const done = new Map<string, number>();
  await Promise.all([...files, HOSTILE_KEY].map(async (key, index) => {
    const source = await readFile(path.join('images', key === HOSTILE_KEY ? 'skimage_coffee.png' : key));
    done.set(key, await seedImage(ctx, where, key, source, index));
  }));
  await ctx.clients.s3.send(new PutObjectCommand({ Bucket: where.originalsBucket, Key: FAILED_KEY, Body: 'not an image' }));
  await ctx.clients.doc.send(new PutCommand({ TableName: where.table, Item: {
    imageKey: FAILED_KEY, sourceBucket: where.originalsBucket, etag: 'etag-bad', bytes: 12, contentType: 'application/octet-stream',
    renditions: [], status: 'failed', error: FAILED_ERROR, attempts: 1, processedAt: '2025-01-02T00:00:00.000Z', durationMs: 3,
    ...feedAttributes({ imageKey: FAILED_KEY, status: 'failed', processedAt: '2025-01-02T00:00:00.000Z' }),
  } }));
  return { where, done };
}

// Page functions are strings: the project compiles without the DOM library.
const thumbsLoaded = (page: Page) =>
  page.waitForFunction(`(() => {
    const thumbs = [...document.querySelectorAll('img.thumb')];
    return thumbs.length > 0 && thumbs.every((img) => img.complete && img.naturalWidth > 0);
  })()`);
const screenWidthShown = `document.querySelector('dialog#detail img.screen').naturalWidth`;

describe.skipIf(skip)('gallery in headless Chromium (embedded backend)', () => {
  let harness: EmbeddedHarness;
  let gallery: StartedGallery;
  let browser: BrowserContext;
  let chromiumRun: HeadlessChromium | undefined;
  let seeded: Awaited<ReturnType<typeof seed>>;
  const alerts: string[] = [];

  beforeAll(async () => {
    harness = await startEmbedded();
    seeded = await seed(harness.ctx);
    gallery = await startGallery(harness.ctx, { port: 0 });
    chromiumRun = await launchChromium(alerts);
    browser = chromiumRun.browser;
  });

  afterAll(async () => {
    await chromiumRun?.close();
    await gallery?.close();
    await harness?.stop();
  });

  it('loads every thumbnail, escapes the hostile key, and opens the detail (largest rendition, link to the original) on click', async () => {
    const page = await browser.newPage();
    await page.goto(gallery.url);
    await thumbsLoaded(page);
    expect(await page.locator('img.thumb').count()).toBe(seeded.done.size);
    await mkdir('test-results', { recursive: true });
    await page.screenshot({ path: 'test-results/gallery.png', fullPage: true });

    // The key is shown as text exactly once, and no element was made out of it.
    expect((await page.locator('.card .key').allTextContents()).filter((k) => k === HOSTILE_KEY)).toHaveLength(1);
    expect(await page.locator('img[src="x"]').count()).toBe(0);
    const failed = page.locator('.card.status-failed');
    expect(await failed.locator('.key').textContent()).toBe(FAILED_KEY);
    expect(await failed.locator('.error').textContent()).toBe(FAILED_ERROR);

    const key = 'city walks/café+night_lomiri_sunset_by_Aitzol_Berasategi.jpg';
    await page.locator('.card', { has: page.locator('.key', { hasText: key }) }).locator('a.open').click();
    // Without a renderer the detail shows the largest rendition, and links the original.
    const screen = page.locator('dialog#detail[open] img.screen');
    await screen.waitFor();
    await page.waitForFunction(`(document.querySelector('dialog img.screen')?.naturalWidth ?? 0) > 0`);
    expect(await page.evaluate(screenWidthShown)).toBe(Math.min(1024, seeded.done.get(key)!));
    expect(await screen.getAttribute('src')).toContain(`/${seeded.where.thumbnailsBucket}/1024/`);
    expect(await page.locator('dialog#detail a.original-link').getAttribute('href')).toContain(`/${seeded.where.originalsBucket}/`);
    expect(await page.locator('dialog#detail .detail-key').textContent()).toBe(key);
    expect(await page.locator('dialog#detail .renditions img.rendition-img').count()).toBe(SIZES.length);
    await page.screenshot({ path: 'test-results/gallery-detail.png' });
    expect(alerts).toEqual([]);
  });

  it('with a renderer (served as thumbs dev serves it), sizes the detail for the screen at 2x device pixels', async () => {
    const stack = await openStack(harness.ctx, { persist: false });
    const renderer = await startStackRenderer(harness.ctx, path.join(harness.stateDir, 'local'), { names: stack.names, state: stack.store.current }, {});
    const sized = await startGallery(harness.ctx, { port: 0, upload: false });
    try {
      const page = await browser.newPage();
      const cdp = await browser.newCDPSession(page);
      await cdp.send('Emulation.setDeviceMetricsOverride', { width: 1280, height: 900, deviceScaleFactor: 2, mobile: false });
      await page.goto(sized.url);
      await thumbsLoaded(page);
      const key = 'city walks/café+night_lomiri_sunset_by_Aitzol_Berasategi.jpg';
      await page.locator('.card', { has: page.locator('.key', { hasText: key }) }).locator('a.open').click();
      await page.locator('dialog#detail[open] img.screen[data-render-width]').waitFor({ timeout: 30_000 });
      const shown = await page.evaluate(`(() => {
        const img = document.querySelector('dialog#detail img.screen');
        return { src: img.src, asked: Number(img.dataset.renderWidth), natural: img.naturalWidth, box: document.querySelector('dialog .detail-body').clientWidth, ratio: devicePixelRatio };
      })()`) as { src: string; asked: number; natural: number; box: number; ratio: number };
      expect(shown.ratio).toBe(2);
      // The 1024x683 rendition's aspect in a box at most 60% of the 900 px window high (810 CSS px,
      // narrower than the dialog): 1620 device pixels, snapped up to 1760.
      expect(shown.box).toBeGreaterThan(810);
      expect(shown.asked).toBe(screenWidth(Math.round((900 * 0.6 * 1024) / 683), 2));
      expect(shown.asked).toBe(1760);
      expect(new URL(shown.src).origin).toBe(renderer!.url);
      expect(new URL(shown.src).searchParams.get('width')).toBe(String(shown.asked));
      // The original is 4272 px wide, so the renderer answered the width asked for (not the 1024 px rendition).
      expect(shown.natural).toBe(shown.asked);
      expect(await page.locator('dialog#detail .screen-size').textContent()).toContain(`${shown.asked} px`);
      await page.screenshot({ path: 'test-results/gallery-detail-sized.png' });
      expect(alerts).toEqual([]);
    } finally {
      await sized.close();
      await renderer?.stop();
    }
  });

  it('filters by status and searches by key on the server', async () => {
    const page = await browser.newPage();
    await page.goto(`${gallery.url}?status=failed`);
    expect(await page.locator('.card').count()).toBe(1);
    await page.goto(`${gallery.url}?q=${encodeURIComponent('ONERROR')}`);
    expect(await page.locator('.card .key').allTextContents()).toEqual([HOSTILE_KEY]);
  });

  it('publishes a static snapshot (--hosting none) that works from file:// and filters in the browser', async () => {
    const out = path.join(harness.stateDir, 'site');
    const result = await publish(harness.ctx, { hosting: 'none', out });
    expect(result).toMatchObject({ hosting: 'none', images: seeded.done.size + 1 });
    const page = await browser.newPage();
    await page.goto(result.url);
    await thumbsLoaded(page);
    expect(await page.locator('.card .key').allTextContents()).toContain(HOSTILE_KEY);
    expect(await page.locator('img[src="x"]').count()).toBe(0);
    // The manifest carries each ThumbHash, and the page paints it under each thumbnail.
    const manifest = JSON.parse(await readFile(path.join(out, 'manifest.json'), 'utf8')) as { images: Array<{ key: string; thumbhash?: string }> };
    expect(manifest.images.filter((image) => typeof image.thumbhash === 'string')).toHaveLength(seeded.done.size);
    expect(await page.locator('.card img.ph').count()).toBe(seeded.done.size);
    expect(await page.locator('section.upload, .live-status').count()).toBe(0);
    await page.selectOption('select[name=status]', 'failed');
    await page.click('form.filters button');
    expect(await page.locator('.card:visible').count()).toBe(1);
    expect(await page.locator('.count').textContent()).toBe('1');
    expect(alerts).toEqual([]);
  });
});
