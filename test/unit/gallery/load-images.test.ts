import { describe, expect, it } from 'vitest';
import { decodeCursor, encodeCursor } from '../../../src/gallery/load-images.js';
import { feedAttributes, feedShard, FEED_SHARDS } from '../../../lambda/contract.js';

describe('gallery cursors', () => {
  it('round-trip a direction and the feedAt of the edge item', () => {
    const feedAt = '2025-01-01T00:01:00.000Z#a b/ü.jpg';
    expect(decodeCursor(encodeCursor('next', feedAt))).toEqual({ direction: 'next', feedAt });
    expect(decodeCursor(encodeCursor('previous', feedAt))).toEqual({ direction: 'previous', feedAt });
  });

  it('refuses a cursor it did not make, as a usage error', () => {
    expect(() => decodeCursor('not-a-cursor')).toThrow(expect.objectContaining({ code: 'bad-cursor', exitCode: 2 }));
    expect(() => decodeCursor(Buffer.from('["x","y"]').toString('base64url'))).toThrow(expect.objectContaining({ code: 'bad-cursor' }));
  });
});

describe('index attributes', () => {
  it('partition by status and a stable shard, and sort by processedAt then key', () => {
    const attributes = feedAttributes({ imageKey: 'a.jpg', status: 'failed', processedAt: '2025-01-01T00:00:00.000Z' });
    expect(attributes).toEqual({ feed: `failed#${feedShard('a.jpg')}`, feedAt: '2025-01-01T00:00:00.000Z#a.jpg' });
  });

  it('spread keys over every shard', () => {
    const shards = new Set(Array.from({ length: 200 }, (_, i) => feedShard(`photos/img-${i}.jpg`)));
    expect(shards.size).toBe(FEED_SHARDS);
  });
});
