import { mkdtemp, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { CreateTableCommand, UpdateTableCommand } from '@aws-sdk/client-dynamodb';
import { BatchWriteCommand, GetCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { provision } from '../../src/actions/provision.js';
import { openItemStream, scanDb, type StoredItem } from '../../src/actions/scan-db.js';
import { galleryLocations, loadGalleryPage, type GalleryPage } from '../../src/gallery/load-images.js';
import { buildSnapshot, writeSnapshot } from '../../src/gallery/snapshot.js';
import { describeTable } from '../../src/resources/table.js';
import { openStack } from '../../src/state/open-stack.js';
import { stackTagList } from '../../src/resources/tags.js';
import { FEED_SORT_KEY, TIME_INDEX, type ImageItem } from '../../lambda/contract.js';
import { startEmbedded, type EmbeddedHarness } from '../helpers/embedded.js';

const COUNT = 250;

/** An item as the first release's function wrote it: no index attributes. */
function firstReleaseItem(i: number): StoredItem {
  const failed = i % 10 === 3;
  return {
    imageKey: `photos/img-${String(i).padStart(4, '0')}.jpg`,
    sourceBucket: 'originals',
    etag: `etag${i}`,
    bytes: 1000 + i,
    contentType: 'image/jpeg',
    renditions: [],
    status: failed ? 'failed' : 'done',
    attempts: 1,
    // Written out of order, with processedAt unrelated to the key order, so the test can tell.
    processedAt: new Date(Date.UTC(2025, 0, 1) + ((i * 7919) % COUNT) * 1000).toISOString(),
    durationMs: 10,
  };
}

const newestFirst = (items: StoredItem[]) =>
  [...items].sort((a, b) => (b.processedAt ?? '').localeCompare(a.processedAt ?? '') || b.imageKey.localeCompare(a.imageKey));
const keys = (page: GalleryPage) => page.images.map((image) => image.key);

let harness: EmbeddedHarness;
let table: string;
const items = Array.from({ length: COUNT }, (_, i) => firstReleaseItem(i));

beforeAll(async () => {
  harness = await startEmbedded();
  const stack = await openStack(harness.ctx, { persist: true });
  table = stack.names.table;
  // The first release's table: keyed by imageKey, no secondary index.
  await harness.ctx.clients.dynamodb.send(new CreateTableCommand({
    TableName: table,
    BillingMode: 'PAY_PER_REQUEST',
    AttributeDefinitions: [{ AttributeName: 'imageKey', AttributeType: 'S' }],
    KeySchema: [{ AttributeName: 'imageKey', KeyType: 'HASH' }],
    Tags: stackTagList(stack.stack),
  }));
  for (let i = 0; i < COUNT; i += 25) {
    const batch = items.slice(i, i + 25).map((Item) => ({ PutRequest: { Item } }));
    await harness.ctx.clients.doc.send(new BatchWriteCommand({ RequestItems: { [table]: batch } }));
  }
}, 60_000);
afterAll(async () => {
  await harness.stop();
});

describe('a first-release stack', () => {
  it('has no time index, and scan-db --limit falls back to reading the table for the newest', async () => {
    expect((await describeTable(harness.ctx, table))?.GlobalSecondaryIndexes).toBeUndefined();
    const result = await scanDb(harness.ctx, { limit: 5 });
    expect(result.items.map((i) => i.imageKey)).toEqual(newestFirst(items).slice(0, 5).map((i) => i.imageKey));
    await expect(loadGalleryPage(harness.ctx, galleryLocations(await openStack(harness.ctx, { persist: false })), {})).rejects.toMatchObject({ code: 'no-time-index' });
  });

  it('is upgraded in place by provision: the index is added and old items are backfilled', async () => {
    const result = await provision(harness.ctx);
    const index = result.resources.find((r) => r.id === `${table}/index/${TIME_INDEX}`);
    expect(index).toMatchObject({ status: 'updated', note: expect.stringContaining(`backfilled ${COUNT} items`) });
    expect(((await describeTable(harness.ctx, table))?.GlobalSecondaryIndexes ?? []).map((i) => [i.IndexName, i.IndexStatus])).toEqual([[TIME_INDEX, 'ACTIVE']]);
    const { Item } = await harness.ctx.clients.doc.send(new GetCommand({ TableName: table, Key: { imageKey: items[0]!.imageKey } }));
    expect(Item?.[FEED_SORT_KEY]).toBe(`${items[0]!.processedAt}#${items[0]!.imageKey}`);
    // Again: the state records the finished backfill, so nothing is read or written.
    const again = await provision(harness.ctx);
    expect(again.resources.find((r) => r.id === `${table}/index/${TIME_INDEX}`)).toBeUndefined();
  });
});

describe('the embedded DynamoDB (dynalite with index creation added)', () => {
  it('refuses to create an index twice, and hands every other UpdateTable to dynalite', async () => {
    const { TIME_INDEX_ATTRIBUTES, TIME_INDEX_DEFINITION } = await import('../../src/resources/table-index.js');
    await expect(harness.ctx.clients.dynamodb.send(new UpdateTableCommand({
      TableName: table, AttributeDefinitions: TIME_INDEX_ATTRIBUTES, GlobalSecondaryIndexUpdates: [{ Create: TIME_INDEX_DEFINITION }],
    }))).rejects.toMatchObject({ name: 'ValidationException' });
    // dynalite's own answer: proves the request body reached it intact.
    await expect(harness.ctx.clients.dynamodb.send(new UpdateTableCommand({
      TableName: table, ProvisionedThroughput: { ReadCapacityUnits: 5, WriteCapacityUnits: 5 },
    }))).rejects.toThrow(/PAY_PER_REQUEST/);
  });
});

describe('gallery pages from the time index', () => {
  const load = async (query: Parameters<typeof loadGalleryPage>[2]) =>
    loadGalleryPage(harness.ctx, galleryLocations(await openStack(harness.ctx, { persist: false })), query);

  it('walks every item in processedAt order, page by page, and back again', async () => {
    const expected = newestFirst(items).map((i) => i.imageKey);
    const pages: GalleryPage[] = [];
    let page = await load({ pageSize: 24 });
    expect(page.previousCursor).toBeUndefined();
    pages.push(page);
    while (page.nextCursor) {
      page = await load({ pageSize: 24, cursor: page.nextCursor });
      pages.push(page);
    }
    expect(pages).toHaveLength(Math.ceil(COUNT / 24));
    expect(pages.flatMap(keys)).toEqual(expected);
    // And back: each previous link gives exactly the page before it.
    for (let i = pages.length - 1; i > 0; i -= 1) {
      const back = await load({ pageSize: 24, cursor: pages[i]!.previousCursor });
      expect(keys(back)).toEqual(keys(pages[i - 1]!));
      expect(back.nextCursor).toBe(pages[i - 1]!.nextCursor);
    }
    const first = await load({ pageSize: 24, cursor: pages[1]!.previousCursor });
    expect(first.previousCursor).toBeUndefined();
  });

  it('filters by status with the same order, and searches keys', async () => {
    const failed = newestFirst(items.filter((i) => i.status === 'failed')).map((i) => i.imageKey);
    const one = await load({ pageSize: 10, status: 'failed' });
    const two = await load({ pageSize: 10, status: 'failed', cursor: one.nextCursor });
    expect([...keys(one), ...keys(two)]).toEqual(failed.slice(0, 20));
    const found = await load({ pageSize: 10, q: 'IMG-012' });
    expect(keys(found).sort()).toEqual(items.filter((i) => i.imageKey.includes('img-012')).map((i) => i.imageKey).sort());
  });

  it('shows an item the new function writes at the top, without shifting the next page', async () => {
    const first = await load({ pageSize: 24 });
    const { writeItem } = await import('../../lambda/store.js');
    await writeItem(harness.ctx.clients.doc, table, { ...(firstReleaseItem(COUNT) as ImageItem), processedAt: '2026-01-01T00:00:00.000Z' });
    const second = await load({ pageSize: 24, cursor: first.nextCursor });
    expect(keys(second)).toEqual(newestFirst(items).slice(24, 48).map((i) => i.imageKey));
    expect(keys(await load({ pageSize: 24 }))[0]).toBe(firstReleaseItem(COUNT).imageKey);
  });
});

describe('scan-db through the index', () => {
  it('--limit 5 returns the five newest, reading about five items', async () => {
    const all = [...items, { ...firstReleaseItem(COUNT), processedAt: '2026-01-01T00:00:00.000Z' }];
    const result = await scanDb(harness.ctx, { limit: 5 });
    expect(result.items.map((i) => i.imageKey)).toEqual(newestFirst(all).slice(0, 5).map((i) => i.imageKey));
    expect(result.limited).toBe(true);
  });

  it('--status streams that status newest first', async () => {
    const stream = await openItemStream(harness.ctx, { status: 'failed' });
    expect(stream.order).toBe('newest-first');
    const read: string[] = [];
    for await (const item of stream.items) read.push(item.imageKey);
    expect(read).toEqual(newestFirst(items.filter((i) => i.status === 'failed')).map((i) => i.imageKey));
  });
});

describe('the published snapshot', () => {
  it('splits 251 items (250 old, 1 new) into three pages of at most 100, linked first/previous/next', async () => {
    const stack = await openStack(harness.ctx, { persist: false });
    const snapshot = await buildSnapshot(harness.ctx, stack, 3600);
    const total = snapshot.manifest.images.length;
    expect(total).toBe(COUNT + 1);
    expect(snapshot.manifest.pages).toEqual(['index.html', 'page-2.html', 'page-3.html']);
    const dir = await mkdtemp(path.join(os.tmpdir(), 'thumbs-snapshot-'));
    try {
      await writeSnapshot(dir, snapshot.files);
      const html = await Promise.all(snapshot.manifest.pages.map((file) => readFile(path.join(dir, file), 'utf8')));
      const cards = html.map((page) => page.match(/<li class="card/g)?.length ?? 0);
      expect(cards).toEqual([100, 100, COUNT + 1 - 200]);
      const hrefs = (page: string) => [...page.matchAll(/<a class="(first|previous|next)"[^>]* href="([^"]+)"/g)].map((m) => `${m[1]}:${m[2]}`);
      expect(hrefs(html[0]!)).toEqual(['next:page-2.html']);
      expect(hrefs(html[1]!)).toEqual(['first:index.html', 'previous:index.html', 'next:page-3.html']);
      expect(hrefs(html[2]!)).toEqual(['first:index.html', 'previous:page-2.html']);
      // Every link names a file the snapshot has.
      for (const page of html) for (const link of hrefs(page)) expect(snapshot.manifest.pages).toContain(link.split(':')[1]);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
