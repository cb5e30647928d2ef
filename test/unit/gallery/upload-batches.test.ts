import { afterEach, describe, expect, it, vi } from 'vitest';
import { UploadBatches } from '../../../src/gallery/upload-batches.js';

function writer() {
  const calls: string[] = [];
  return { calls, start: vi.fn(async (batch: string) => void calls.push(`start ${batch}`)), seal: vi.fn(async (batch: string, n: number) => void calls.push(`seal ${batch} ${n}`)) };
}

afterEach(() => vi.useRealTimers());

describe('the gallery\'s open batches', () => {
  it('seals with the distinct keys announced: a file announced twice is one image', async () => {
    const w = writer();
    const batches = new UploadBatches(w);
    const id = await batches.start();
    batches.announce(id, 'uploads/a.jpg');
    batches.announce(id, 'uploads/a.jpg');
    batches.announce(id, 'uploads/b.jpg');
    expect(await batches.seal(id)).toEqual({ batch: id, expected: 2 });
    expect(w.calls).toEqual([`start ${id}`, `seal ${id} 2`]);
    expect(batches.isOpen(id)).toBe(false);
    expect(() => batches.announce(id, 'uploads/c.jpg')).toThrow(expect.objectContaining({ code: 'batch-not-open', exitCode: 2 }));
  });

  it('seals a drop its page abandoned once it has been idle, and every open one when the gallery stops', async () => {
    vi.useFakeTimers();
    const w = writer();
    const batches = new UploadBatches(w, 1000);
    const idle = await batches.start();
    batches.announce(idle, 'uploads/a.jpg');
    const busy = await batches.start();
    await vi.advanceTimersByTimeAsync(600);
    batches.announce(busy, 'uploads/b.jpg');
    await vi.advanceTimersByTimeAsync(600);
    expect(w.seal.mock.calls).toEqual([[idle, 1]]);
    await batches.sealAll();
    expect(w.seal.mock.calls).toEqual([[idle, 1], [busy, 1]]);
  });

  it('keeps a batch open when its seal fails, so a later seal can finish it', async () => {
    const w = writer();
    w.seal.mockRejectedValueOnce(new Error('table unreachable'));
    const batches = new UploadBatches(w);
    const id = await batches.start();
    batches.announce(id, 'uploads/a.jpg');
    await expect(batches.seal(id)).rejects.toThrow('table unreachable');
    expect(batches.isOpen(id)).toBe(true);
    expect(await batches.seal(id)).toEqual({ batch: id, expected: 1 });
  });
});
