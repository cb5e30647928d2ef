import { PutCommand } from '@aws-sdk/lib-dynamodb';
import { rm } from 'node:fs/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { actualCost } from '../../src/actions/cost.js';
import { provision } from '../../src/actions/provision.js';
import type { StoredItem } from '../../src/actions/scan-db.js';
import { feedAttributes } from '../../lambda/contract.js';
import { stateDirFor } from '../../src/state/open-stack.js';
import { stateFilePath } from '../../src/state/state-file.js';
import { startEmbedded, type EmbeddedHarness } from '../helpers/embedded.js';

let harness: EmbeddedHarness;
let table: string;

function item(key: string, durationMs: number, processedAt: string): StoredItem {
  return {
    imageKey: key,
    sourceBucket: 'originals',
    etag: 'e',
    bytes: 1_000_000,
    contentType: 'image/jpeg',
    renditions: [128, 512, 1024].map((size) => ({ name: String(size), key: `${size}/${key}.webp`, width: size, height: size, bytes: 10_000, format: 'webp' })),
    status: 'done',
    attempts: 1,
    processedAt,
    durationMs,
  };
}

beforeAll(async () => {
  harness = await startEmbedded();
  const result = await provision(harness.ctx, { memory: 2048 });
  table = result.resources.find((r) => r.kind === 'table')?.id ?? '';
  const now = new Date().toISOString();
  const items = [item('a.jpg', 400, now), item('b.jpg', 800, now), item('old.jpg', 1200, '2020-01-01T00:00:00.000Z')];
  await Promise.all(items.map((i) => harness.ctx.clients.doc.send(new PutCommand({ TableName: table, Item: { ...i, ...feedAttributes(i) } }))));
}, 60_000);

afterAll(() => harness?.stop());

describe('thumbs cost on the embedded backend', () => {
  it('prices the worker\'s recorded times as Lambda would bill them, labelled as such, and only since --since', async () => {
    const result = await actualCost(harness.ctx, { since: Date.now() - 3_600_000 });
    expect(result).toMatchObject({ images: 2, failed: 0, memoryMb: 2048, arch: 'x86_64', timeSource: 'worker-times', invocations: 1 });
    expect(result.timeNote).toMatch(/local worker's record times/);
    // (400 + 800) ms / 4 records at a time = 300 ms x 2 GB = 0.6 GB-s, and one invocation.
    expect(result.total.lambda).toBeCloseTo(0.6 * 0.0000166667 + 0.0000002, 15);
    // 2 originals and 6 renditions put, 2 originals read.
    expect(result.total.s3).toBeCloseTo(8 * 0.000005 + 2 * 0.0000004, 15);
    expect(result.storageGb).toBeCloseTo(2_060_000 / 1024 ** 3, 12);
    const { lambda, s3, sqs, dynamodb, logs, total } = result.total;
    expect(total).toBeCloseTo(lambda + s3 + sqs + dynamodb + logs, 15);
    expect(result.perImage.total).toBeCloseTo(total / 2, 15);
  });

  it('reads the choices from the stack\'s record, not from this folder\'s cache of it', async () => {
    // Another folder or machine has no cache file; the record in the table still says 2,048 MB.
    await rm(stateFilePath(stateDirFor(harness.ctx), harness.ctx.settings.stack));
    const result = await actualCost(harness.ctx);
    expect(result.memoryMb).toBe(2048);
  });

  it('counts everything the table holds without --since', async () => {
    const result = await actualCost(harness.ctx);
    expect(result.images).toBe(3);
    expect(result.total.lambda).toBeCloseTo(0.6 * 2 * 0.0000166667 + 0.0000002, 15);
  });
});
