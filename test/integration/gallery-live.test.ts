import { BatchWriteCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { feedAttributes, type ImageItem } from '../../lambda/contract.js';
import { startGallery, type StartedGallery } from '../../src/actions/gallery.js';
import { provision } from '../../src/actions/provision.js';
import { galleryLocations, type GalleryLocations } from '../../src/gallery/load-images.js';
import { openStack } from '../../src/state/open-stack.js';
import { startEmbedded, type EmbeddedHarness } from '../helpers/embedded.js';

const ITEMS = 600;
const BASE = Date.parse('2026-01-01T00:00:00.000Z');

function item(i: number, processedAt = new Date(BASE + i * 1000).toISOString()): ImageItem {
  const imageKey = `seed/img-${String(i).padStart(4, '0')}.jpg`;
  return {
    imageKey, sourceBucket: 'originals', etag: `e${i}`, bytes: 600, contentType: 'image/jpeg', width: 16, height: 16, format: 'jpeg',
    renditions: [{ name: '128', key: `128/${imageKey}.webp`, width: 16, height: 16, bytes: 100, format: 'webp' }],
    status: 'done', attempts: 1, processedAt, durationMs: 20,
  };
}

interface Update { cursor: string; cards: Array<{ key: string; status: string }> }

describe('the gallery\'s live updates send what changed, not the table (embedded backend)', () => {
  let harness: EmbeddedHarness;
  let gallery: StartedGallery;
  let where: GalleryLocations;

  beforeAll(async () => {
    harness = await startEmbedded();
    await provision(harness.ctx);
    where = galleryLocations(await openStack(harness.ctx, { persist: false }));
    for (let start = 0; start < ITEMS; start += 25) {
      const batch = Array.from({ length: 25 }, (_, j) => item(start + j));
      await harness.ctx.clients.doc.send(new BatchWriteCommand({ RequestItems: { [where.table]: batch.map((Item) => ({ PutRequest: { Item: { ...Item, ...feedAttributes(Item) } } })) } }));
    }
    gallery = await startGallery(harness.ctx, { port: 0, upload: false });
  }, 60_000);

  afterAll(async () => {
    await gallery?.close();
    await harness?.stop();
  });

  const sinceOf = async (query: string) => {
    const html = await (await fetch(new URL(query, gallery.url))).text();
    return /class="live-status"[^>]* data-since="([^"]*)"/.exec(html)?.[1];
  };
  const poll = async (since: string) => (await fetch(new URL(`api/updates?since=${encodeURIComponent(since)}`, gallery.url))).json() as Promise<Update>;

  /** The function records an image again (reprocessed, or failed on a new upload): a new processedAt. */
  async function change(i: number, status: 'done' | 'failed', at: string) {
    const changed = { ...item(i, at), status, ...(status === 'failed' ? { error: 'truncated image' } : {}) };
    await harness.ctx.clients.doc.send(new PutCommand({ TableName: where.table, Item: { ...changed, ...feedAttributes(changed) } }));
  }

  it('answers a poll after two changes with exactly those two cards, then with none', async () => {
    const since = await sinceOf('/');
    expect(since).toBe(new Date(BASE + (ITEMS - 1) * 1000).toISOString());
    expect((await poll(since!)).cards).toEqual([]);

    await change(10, 'failed', new Date(BASE + ITEMS * 1000).toISOString());
    await change(250, 'done', new Date(BASE + (ITEMS + 1) * 1000).toISOString());
    const update = await poll(since!);
    expect(update.cards.map((card) => `${card.key} ${card.status}`).sort()).toEqual(['seed/img-0010.jpg failed', 'seed/img-0250.jpg done']);
    expect(update.cursor).toBe(new Date(BASE + (ITEMS + 1) * 1000).toISOString());
    expect((await poll(update.cursor)).cards).toEqual([]);
  });

  it('keeps up with a busy pipeline: over 100 images in the last minute, a poll still brings the ones after its cursor', async () => {
    const now = Date.now();
    const busy = Array.from({ length: 150 }, (_, i) => ({ ...item(1000 + i, new Date(now - 30_000 + i * 100).toISOString()), imageKey: `busy/img-${String(i).padStart(3, '0')}.jpg` }));
    for (let start = 0; start < busy.length; start += 25) {
      await harness.ctx.clients.doc.send(new BatchWriteCommand({ RequestItems: { [where.table]: busy.slice(start, start + 25).map((Item) => ({ PutRequest: { Item: { ...Item, ...feedAttributes(Item) } } })) } }));
    }
    const update = await poll(busy[140]!.processedAt);
    expect(update.cards.map((card) => card.key)).toEqual(busy.slice(141).map((b) => b.imageKey).reverse());
    expect(update.cursor).toBe(busy[149]!.processedAt);
  });

  it('starts a later page polling from the newest item in the table, not from its own older cards', async () => {
    const html = await (await fetch(gallery.url)).text();
    const next = /href="\?cursor=([^"&]+)"/.exec(html)?.[1];
    expect(next).toBeDefined();
    const newest = await sinceOf('/');
    const since = await sinceOf(`/?cursor=${next}`);
    expect(since).toBe(newest);
    expect((await poll(since!)).cards).toEqual([]);
    await change(20, 'done', new Date(Date.now() + 1000).toISOString());
    expect((await poll(since!)).cards.map((card) => card.key)).toEqual(['seed/img-0020.jpg']);
  });
});
