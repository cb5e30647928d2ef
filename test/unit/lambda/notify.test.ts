import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { notifyAll, signature, summaryLine } from '../../../lambda/notify.js';
import type { BatchNotice } from '../../../lambda/contract.js';

const notice: BatchNotice = {
  batch: 'b1', stack: 'st', expected: 7, done: 5, failed: 2, deadLettered: 0, startedAt: '2026-12-07T00:00:00.000Z', completedAt: '2026-12-07T00:00:03.000Z',
  report: { bucket: 'thumbs', csv: 'reports/b1.csv', json: 'reports/b1.json' },
};

let server: http.Server | undefined;
afterEach(() => new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve())));

/** A receiver answering each POST with the next status of the list (the last one repeats). */
async function receiver(statuses: number[]) {
  const seen: Array<{ body: string; signature: string | undefined }> = [];
  server = http.createServer((req, res) => {
    let body = '';
    req.on('data', (c: Buffer) => (body += c.toString()));
    req.on('end', () => {
      seen.push({ body, signature: req.headers['x-thumbs-signature'] as string | undefined });
      res.writeHead(statuses[Math.min(seen.length - 1, statuses.length - 1)] ?? 200).end();
    });
  });
  await new Promise<void>((resolve) => server?.listen(0, '127.0.0.1', resolve));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`, seen };
}

const deps = (url: string) => ({ batches: { stack: 'st', maxReceiveCount: 5, targets: [url], secret: 'k' }, webhookBackoffMs: [5, 5, 5] });

describe('webhook notifications', () => {
  it('retries a 5xx answer with backoff and signs every attempt with the same body', async () => {
    const { url, seen } = await receiver([503, 500, 204]);
    const results = await notifyAll(deps(url), notice, []);
    expect(Object.values(results)).toEqual(['ok']);
    expect(seen).toHaveLength(3);
    expect(new Set(seen.map((s) => s.body)).size).toBe(1);
    expect(seen[0]?.signature).toBe(signature('k', seen[0]?.body ?? ''));
    expect(JSON.parse(seen[0]?.body ?? '{}')).toEqual(notice);
  });

  it('records a refused delivery instead of throwing, without retrying a 4xx', async () => {
    const { url, seen } = await receiver([404]);
    const results = await notifyAll(deps(url), notice, []);
    expect(seen).toHaveLength(1);
    expect(Object.entries(results)).toEqual([[`http://127.0.0.1:${new URL(url).port}`, expect.stringContaining('HTTP 404')]]);
  });

  it('records an unreachable receiver after every attempt', async () => {
    const { url } = await receiver([204]);
    await new Promise<void>((resolve) => server?.close(() => resolve()));
    server = undefined;
    const results = await notifyAll(deps(url), notice, []);
    // The cause fetch hides behind "fetch failed": what the user can act on.
    expect(Object.values(results)[0]).toMatch(/failed after 4 attempts: fetch failed: connect ECONNREFUSED 127\.0\.0\.1:\d+$/);
  });

  it('a summary line for Slack and email subjects', () => {
    expect(summaryLine({ ...notice, deadLettered: 1 })).toBe('thumbs st: batch b1 complete, 7 images: 5 done, 2 failed, 1 dead-lettered');
  });
});
