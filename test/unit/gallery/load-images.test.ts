import { describe, expect, it } from 'vitest';
import type { StoredItem } from '../../../src/actions/scan-db.js';
import { decodeCursor, encodeCursor, pageOf } from '../../../src/gallery/load-images.js';

const item = (imageKey: string, minute: number, status = 'done'): StoredItem => ({
  imageKey, status, processedAt: new Date(Date.UTC(2025, 0, 1, 0, minute)).toISOString(),
});
const keys = (items: StoredItem[]) => items.map((i) => i.imageKey);

describe('pageOf', () => {
  const items = [item('a.jpg', 1), item('B.jpg', 3), item('c.jpg', 2, 'failed'), item('d.jpg', 3), { imageKey: 'old.jpg' }];

  it('sorts newest first, ties by key, items without processedAt last', () => {
    expect(keys(pageOf(items, {}).items)).toEqual(['B.jpg', 'd.jpg', 'c.jpg', 'a.jpg', 'old.jpg']);
  });

  it('filters by status and searches keys case-insensitively', () => {
    expect(keys(pageOf(items, { status: 'failed' }).items)).toEqual(['c.jpg']);
    expect(keys(pageOf(items, { q: ' b.J ' }).items)).toEqual(['B.jpg']);
    expect(pageOf(items, { q: 'zzz' })).toEqual({ items: [], total: 0 });
  });

  it('pages with a cursor that names the last item shown', () => {
    const first = pageOf(items, { pageSize: 2 });
    expect(keys(first.items)).toEqual(['B.jpg', 'd.jpg']);
    expect(first.total).toBe(5);
    const second = pageOf(items, { pageSize: 2, cursor: first.nextCursor });
    expect(keys(second.items)).toEqual(['c.jpg', 'a.jpg']);
    const third = pageOf(items, { pageSize: 2, cursor: second.nextCursor });
    expect(keys(third.items)).toEqual(['old.jpg']);
    expect(third.nextCursor).toBeUndefined();
  });

  it('gives the cursor of the page before, "" when that is the first, none on the first', () => {
    const first = pageOf(items, { pageSize: 2 });
    expect(first.previousCursor).toBeUndefined();
    const second = pageOf(items, { pageSize: 2, cursor: first.nextCursor });
    expect(second.previousCursor).toBe('');
    const third = pageOf(items, { pageSize: 2, cursor: second.nextCursor });
    expect(keys(pageOf(items, { pageSize: 2, cursor: third.previousCursor }).items)).toEqual(['c.jpg', 'a.jpg']);
  });

  it('does not repeat or skip items when a newer one arrives between pages', () => {
    const first = pageOf(items, { pageSize: 2 });
    const second = pageOf([item('new.jpg', 9), ...items], { pageSize: 2, cursor: first.nextCursor });
    expect(keys(second.items)).toEqual(['c.jpg', 'a.jpg']);
  });

  it('refuses a cursor it did not make, with a usage error', () => {
    expect(() => decodeCursor('not-a-cursor')).toThrow(expect.objectContaining({ code: 'bad-cursor', exitCode: 2 }));
    expect(decodeCursor(encodeCursor(item('x', 1)))).toEqual({ imageKey: 'x', processedAt: '2025-01-01T00:01:00.000Z' });
  });
});
