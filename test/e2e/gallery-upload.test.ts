import { GetBucketCorsCommand, HeadObjectCommand } from '@aws-sdk/client-s3';
import { GetCommand } from '@aws-sdk/lib-dynamodb';
import { mkdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { type BrowserContext, type Page, type Route } from 'playwright-core';
import { batchKey } from '../../lambda/contract.js';
import { silentLogger } from '../../lambda/log.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startGallery, type StartedGallery } from '../../src/actions/gallery.js';
import { provision } from '../../src/actions/provision.js';
import { GALLERY_CORS_RULE_ID } from '../../src/gallery/browser-upload.js';
import { galleryLocations, type GalleryLocations } from '../../src/gallery/load-images.js';
import { serveStack } from '../../src/local/stack-worker.js';
import type { LocalWorker } from '../../src/local/worker.js';
import { openStack } from '../../src/state/open-stack.js';
import { functionEnvironmentOf } from '../../src/state/stack-config.js';
import { launchChromium, skipBrowserTests, type HeadlessChromium } from '../helpers/chromium.js';
import { startEmbedded, type EmbeddedHarness } from '../helpers/embedded.js';

/** The stack's recorded max-bytes for this test: the function and the upload policy share it. */
const MAX_BYTES = 300_000;
const SMALL = ['skimage_rocket.jpg', 'skimage_coins.png', 'skimage_camera.png'];
/** 466,706 bytes: over MAX_BYTES. */
const TOO_BIG = 'skimage_coffee.png';
const BROKEN = 'broken.jpg';
const HOSTILE_NAME = '"><img src=x onerror=alert(1)>.jpg';
const skip = skipBrowserTests;

/** Every status and the highest progress a card showed, recorded in the page as they change. */
const WATCH_CARDS = `(() => {
  window.__seen = {};
  window.__marker = 'same document';
  const record = () => document.querySelectorAll('.card').forEach((card) => {
    const key = card.dataset.imageKey || card.querySelector('.key').textContent;
    const seen = window.__seen[key] || (window.__seen[key] = { statuses: [], progress: [] });
    if (seen.statuses.at(-1) !== card.dataset.status) seen.statuses.push(card.dataset.status);
    const bar = card.querySelector('progress');
    if (bar && seen.progress.at(-1) !== bar.value) seen.progress.push(bar.value);
  });
  new MutationObserver(record).observe(document.querySelector('.grid'), { subtree: true, childList: true, attributes: true, characterData: true });
})()`;

/**
 * Polls an expression from outside the page: waitForFunction evaluates strings with eval inside
 * the page, which the gallery's CSP (no 'unsafe-eval') rightly refuses.
 */
async function waitFor(page: Page, expression: string, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await page.evaluate(expression))) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${expression.slice(0, 200)}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

const cardStatus = (page: Page, key: string) =>
  page.evaluate(`[...document.querySelectorAll('.card')].find((c) => c.dataset.imageKey === ${JSON.stringify(key)})?.dataset.status`);
const columns = (page: Page) => page.evaluate(`getComputedStyle(document.querySelector('.grid')).gridTemplateColumns.split(' ').length`);

describe.skipIf(skip)('gallery upload, live updates, placeholders and layout in headless Chromium (embedded backend)', () => {
  let harness: EmbeddedHarness;
  let gallery: StartedGallery;
  let worker: LocalWorker;
  let browser: BrowserContext;
  let chromiumRun: HeadlessChromium | undefined;
  let where: GalleryLocations;
  const alerts: string[] = [];
  const uploaded = SMALL.map((name) => `uploads/${name}`);

  beforeAll(async () => {
    harness = await startEmbedded();
    const { config } = await provision(harness.ctx, { maxBytes: MAX_BYTES });
    const stack = await openStack(harness.ctx, { persist: false });
    where = galleryLocations(stack);
    worker = serveStack(harness.ctx, { names: stack.names, state: stack.store.current }, { env: functionEnvironmentOf(config), log: silentLogger });
    // The upload policy takes the stack's recorded limit.
    gallery = await startGallery(harness.ctx, { port: 0 });
    chromiumRun = await launchChromium(alerts);
    browser = chromiumRun.browser;
  });

  afterAll(async () => {
    await chromiumRun?.close();
    await gallery?.close();
    await worker?.stop();
    await harness?.stop();
  });

  it('admits exactly the gallery origin for POST while it runs, keeping the other CORS rules', async () => {
    const { CORSRules = [] } = await harness.ctx.clients.s3.send(new GetBucketCorsCommand({ Bucket: where.originalsBucket }));
    const rule = CORSRules.find((r) => r.ID === GALLERY_CORS_RULE_ID);
    expect(rule).toMatchObject({ AllowedOrigins: [new URL(gallery.url).origin], AllowedMethods: ['POST'] });
    expect(CORSRules.length).toBeGreaterThan(1);
  });

  it('uploads the chosen files with progress; each turns processing, then processed, without a navigation; the too-big one is refused', async () => {
    const page = await browser.newPage();
    // Slow uploads down, so the progress bar has something to show between 0 and 100.
    const cdp = await page.context().newCDPSession(page);
    await cdp.send('Network.emulateNetworkConditions', { offline: false, latency: 0, downloadThroughput: -1, uploadThroughput: 256 * 1024 });
    await page.goto(gallery.url);
    await page.evaluate(WATCH_CARDS);
    const file = async (name: string, from = name) => ({
      name, mimeType: from.endsWith('.png') ? 'image/png' : 'image/jpeg', buffer: await readFile(path.join('images', from)),
    });
    const broken = { name: BROKEN, mimeType: 'image/jpeg', buffer: Buffer.from('not an image at all') };
    await page.setInputFiles('input[type=file]', [
      ...await Promise.all([...SMALL, TOO_BIG].map((name) => file(name)).concat(file(HOSTILE_NAME, 'skimage_rocket.jpg'))),
      broken,
    ]);
    const hostileKey = `uploads/${HOSTILE_NAME}`;
    await waitFor(page, `document.querySelector('.card.status-uploading progress') !== null`);
    await mkdir('test-results', { recursive: true });
    await page.screenshot({ path: 'test-results/gallery-uploading.png' });
    await waitFor(page, `(() => {
      const cards = [...document.querySelectorAll('.card')];
      const done = ${JSON.stringify([...uploaded, hostileKey])}.every((key) => cards.some((c) => c.dataset.imageKey === key && c.dataset.status === 'done'));
      const refused = cards.some((c) => c.dataset.imageKey === 'uploads/${TOO_BIG}' && c.dataset.status === 'refused');
      const failed = cards.some((c) => c.dataset.imageKey === 'uploads/${BROKEN}' && c.dataset.status === 'failed');
      return done && refused && failed;
    })()`, 45_000);

    const seen = await page.evaluate('window.__seen') as Record<string, { statuses: string[]; progress: number[] }>;
    for (const key of uploaded) {
      expect(seen[key]?.statuses).toEqual(['uploading', 'processing', 'done']);
      expect(seen[key]?.progress.at(-1)).toBe(100);
    }
    // At 256 KB/s the 140 KB camera.png reports progress between the start and the end.
    expect(seen['uploads/skimage_camera.png']?.progress.some((value) => value > 0 && value < 100)).toBe(true);
    expect(seen[`uploads/${TOO_BIG}`]?.statuses).toEqual(['uploading', 'refused']);
    // Accepted by the policy (it claims image/jpeg), then failed by the function: that too arrives live.
    expect(seen[`uploads/${BROKEN}`]?.statuses).toEqual(['uploading', 'processing', 'failed']);
    expect(await page.evaluate('window.__marker')).toBe('same document');

    const refused = page.locator('.card.status-refused');
    expect(await refused.locator('.error').textContent()).toContain('EntityTooLarge');
    // S3 kept nothing of it, and the function never heard of it.
    await expect(harness.ctx.clients.s3.send(new HeadObjectCommand({ Bucket: where.originalsBucket, Key: `uploads/${TOO_BIG}` })))
      .rejects.toMatchObject({ name: 'NotFound' });
    const { Item: none } = await harness.ctx.clients.doc.send(new GetCommand({ TableName: where.table, Key: { imageKey: `uploads/${TOO_BIG}` } }));
    expect(none).toBeUndefined();

    // The processed cards show their thumbnails, and the function recorded a ThumbHash for each.
    await waitFor(page, `[...document.querySelectorAll('.card.status-done img.thumb')].length === 4
      && [...document.querySelectorAll('.card.status-done img.thumb')].every((img) => img.complete && img.naturalWidth > 0)`);
    const { Item } = await harness.ctx.clients.doc.send(new GetCommand({ TableName: where.table, Key: { imageKey: uploaded[0] } }));
    expect(Buffer.from(String(Item?.thumbhash), 'base64').length).toBeGreaterThan(15);

    // The hostile file name is a key shown as text, never markup.
    expect((await page.locator('.card .key').allTextContents()).filter((k) => k === hostileKey)).toHaveLength(1);
    expect(await page.locator('img[src="x"]').count()).toBe(0);
    // The drop was one batch: the 5 files S3 stored (not the refused one), its result shown in the page once complete.
    await waitFor(page, `document.querySelector('.batch-status')?.dataset.complete === 'yes'`);
    const batch = await page.evaluate(`document.querySelector('.batch-status').dataset.batch`) as string;
    expect(await page.locator('.batch-status').textContent()).toMatch(new RegExp(`^Upload batch ${batch}: 5 images: 4 done, 1 failed, complete in [\\d.]+ s\\. Details: thumbs batches ${batch}$`));
    const { Item: record } = await harness.ctx.clients.doc.send(new GetCommand({ TableName: where.table, Key: { imageKey: batchKey(batch) } }));
    expect(record).toMatchObject({ source: 'gallery', expected: 5, done: 4, failed: 1 });
    await waitFor(page, `/4 done in the last minute/.test(document.querySelector('.live-status').textContent)`);
    expect(await page.locator('.live-status').textContent()).toMatch(/^\d+ waiting in the queue · \d+ in flight · \d+ dead-lettered · 4 done in the last minute$/);
    expect(alerts).toEqual([]);
    await page.screenshot({ path: 'test-results/gallery-desktop.png' });
    await page.setViewportSize({ width: 390, height: 844 });
    await page.screenshot({ path: 'test-results/gallery-phone.png' });
  });

  it('paints the ThumbHash placeholder while the images are held back, then the image over it', async () => {
    const page = await browser.newPage();
    const held: Route[] = [];
    const s3 = new URL(harness.emulators.endpoints.s3);
    const thumbnails = (url: URL) => url.host === s3.host && url.pathname.startsWith(`/${where.thumbnailsBucket}/`);
    await page.route(thumbnails, (route) => {
      held.push(route);
    });
    await page.goto(gallery.url, { waitUntil: 'domcontentloaded' });
    const card = `[...document.querySelectorAll('.card')].find((c) => c.dataset.imageKey === ${JSON.stringify(uploaded[0])})`;
    await waitFor(page, `(() => { const ph = ${card}?.querySelector('img.ph'); return ph && ph.complete && ph.naturalWidth > 0; })()`);
    expect(held.length).toBeGreaterThan(0);
    expect(await page.evaluate(`(() => { const c = ${card}; const thumb = c.querySelector('img.thumb'); const ph = c.querySelector('img.ph');
      return { thumbLoaded: thumb.complete && thumb.naturalWidth > 0, phShown: getComputedStyle(ph).visibility === 'visible' && ph.getBoundingClientRect().height > 0 };
    })()`)).toEqual({ thumbLoaded: false, phShown: true });
    await page.screenshot({ path: 'test-results/gallery-placeholders.png' });
    // Unrouting lets the held requests through.
    await page.unroute(thumbnails);
    await waitFor(page, `(() => { const c = ${card}; return c.querySelector('.frame').classList.contains('loaded') && c.querySelector('img.thumb').naturalWidth > 0; })()`);
  });

  it('lays out one column on a 390 px phone and several at 1280, cards following the image aspect', async () => {
    await mkdir('test-results', { recursive: true });
    const page = await browser.newPage();
    await page.goto(gallery.url);
    await waitFor(page, `[...document.querySelectorAll('img.thumb')].every((img) => img.complete && img.naturalWidth > 0)`);
    expect(await columns(page)).toBeGreaterThan(2);

    await page.setViewportSize({ width: 390, height: 844 });
    expect(await columns(page)).toBe(1);
    const shape = await page.evaluate(`(() => { const img = document.querySelector('.card.status-done img.thumb'); const box = img.getBoundingClientRect();
      return { ratio: box.width / box.height, natural: img.naturalWidth / img.naturalHeight, width: box.width }; })()`) as { ratio: number; natural: number; width: number };
    expect(Math.abs(shape.ratio - shape.natural)).toBeLessThan(0.05);
    expect(shape.width).toBeGreaterThan(300);
    expect(await cardStatus(page, uploaded[0]!)).toBe('done');
  });

  it('shows each rendition at its true size in the detail view, steps with the arrows and closes with Escape', async () => {
    const page = await browser.newPage();
    await page.goto(gallery.url);
    const keys = await page.evaluate(`[...document.querySelectorAll('.card.status-done')].map((c) => c.dataset.imageKey)`) as string[];
    await page.locator('.card.status-done a.open').first().click();
    await waitFor(page, `[...document.querySelectorAll('dialog[open] img.rendition-img')].every((img) => img.complete && img.naturalWidth > 0)`);
    const sizes = await page.evaluate(`[...document.querySelectorAll('dialog img.rendition-img')].map((img) => [img.naturalWidth, Math.round(img.getBoundingClientRect().width)])`) as Array<[number, number]>;
    expect(sizes.length).toBe(3);
    for (const [natural, shown] of sizes) expect(shown).toBe(natural);
    expect(await page.locator('dialog figcaption').first().textContent()).toMatch(/^128 px box · \d+×\d+ · webp · [\d.]+ (B|KB)$/);
    expect(await page.locator('dialog .detail-key').textContent()).toBe(keys[0]);
    await page.keyboard.press('ArrowRight');
    expect(await page.locator('dialog .detail-key').textContent()).toBe(keys[1]);
    await page.keyboard.press('ArrowLeft');
    expect(await page.locator('dialog .detail-key').textContent()).toBe(keys[0]);
    await page.keyboard.press('Escape');
    expect(await page.locator('dialog[open]').count()).toBe(0);
    await page.setViewportSize({ width: 390, height: 844 });
    await page.locator('.card.status-done a.open').first().click();
    await page.screenshot({ path: 'test-results/gallery-phone-detail.png' });
  });

  it('removes its CORS rule when it stops, and the others stay', async () => {
    await gallery.close();
    const { CORSRules = [] } = await harness.ctx.clients.s3.send(new GetBucketCorsCommand({ Bucket: where.originalsBucket }));
    expect(CORSRules.map((r) => r.ID)).not.toContain(GALLERY_CORS_RULE_ID);
    expect(CORSRules.length).toBeGreaterThan(0);
  });
});
