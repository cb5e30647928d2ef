import { GetCommand } from '@aws-sdk/lib-dynamodb';
import { copyFile, mkdtemp, readFile, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { batchKey } from '../../lambda/contract.js';
import { provision } from '../../src/actions/provision.js';
import { upload, uploadOutcomeError } from '../../src/actions/upload.js';
import { renderBatch } from '../../src/cli/commands/batches.js';
import { renderUpload } from '../../src/cli/commands/upload.js';
import type { BatchDetail } from '../../src/batches/batch-detail.js';
import { startDevWorkers, type DevWorkers } from '../../src/local/dev-workers.js';
import { openStack } from '../../src/state/open-stack.js';
import { startEmbedded, type EmbeddedHarness } from '../helpers/embedded.js';
import { photoPath } from '../helpers/photos.js';

const GOOD = ['skimage_coins.png', 'skimage_rocket.jpg', 'skimage_camera.png', 'skimage_chelsea.png', 'skimage_retina.jpg'];
const CUT = ['cut-1.jpg', 'cut-2.jpg'];

let harness: EmbeddedHarness;
let workers: DevWorkers | undefined;
beforeAll(async () => {
  harness = await startEmbedded();
});
afterAll(async () => {
  await workers?.stop();
  await harness?.stop();
});

describe('upload --wait follows the batch (embedded backend, thumbs dev worker)', () => {
  it('5 good and 2 truncated images: ends with the batch counts, reading only the batch record on each poll', async () => {
    const ctx = await harness.contextFor({ stack: 'follow' });
    await provision(ctx);
    const dir = await mkdtemp(path.join(os.tmpdir(), 'thumbs-follow-'));
    for (const name of GOOD) await copyFile(photoPath(name), path.join(dir, name));
    const jpeg = await readFile(photoPath('lomiri_Wine_by_Jakkub_Mede.jpg'));
    await writeFile(path.join(dir, CUT[0] ?? ''), jpeg.subarray(0, Math.floor(jpeg.length / 3)));
    await writeFile(path.join(dir, CUT[1] ?? ''), jpeg.subarray(0, Math.floor(jpeg.length / 2)));
    // The worker has clients of its own: the commands logged below are the upload's alone.
    workers = startDevWorkers(await harness.contextFor({ stack: 'follow' }), harness.stateDir, { log: () => {} });
    const sent: Array<{ command: string; key: unknown }> = [];
    ctx.clients.doc.middlewareStack.add((next, context) => async (args) => {
      sent.push({ command: String(context.commandName), key: (args.input as { Key?: { imageKey?: unknown } }).Key?.imageKey });
      return next(args);
    }, { step: 'initialize', name: 'logCommands' });

    const result = await upload(ctx, dir, { wait: true, waitTimeoutSeconds: 180, pollMs: 100 });

    const batch = result.batch ?? '';
    expect(batch).toMatch(/^[0-9a-f-]{36}$/);
    const wait = result.wait;
    expect(wait).toMatchObject({ via: 'batch', missing: [], deadLettered: [] });
    expect([...(wait?.done ?? [])].sort()).toEqual([...GOOD].sort());
    expect(wait?.failed.map((f) => f.key).sort()).toEqual(CUT);
    expect(wait?.batch).toMatchObject({ id: batch, expected: 7, done: 5, failed: 2, deadLettered: 0, complete: true });
    expect(uploadOutcomeError(result)?.code).toBe('processing-failed');

    // From the wait's first read to the entries' Query, each command is one GetItem of the batch record.
    const isBatchRead = (c: { command: string; key: unknown }) => /^Get(Item)?Command$/.test(c.command) && c.key === batchKey(batch);
    const first = sent.findIndex(isBatchRead);
    const last = sent.findIndex((c, i) => i > first && /^Query/.test(c.command));
    expect(first).toBeGreaterThan(-1);
    expect(last).toBeGreaterThan(first);
    const polls = sent.slice(first, last);
    expect(polls.length).toBe(wait?.batchReads);
    expect(polls.length).toBeGreaterThan(1);
    expect(polls.filter((c) => !isBatchRead(c))).toEqual([]);
    expect(sent.filter((c) => /^BatchGet/.test(c.command))).toEqual([]);

    // The batch as the table holds it, read directly.
    const { store } = await openStack(ctx, { persist: false });
    const { Item } = await ctx.clients.doc.send(new GetCommand({ TableName: store.get('table')?.id, Key: { imageKey: batchKey(batch) }, ConsistentRead: true }));
    expect(Item).toMatchObject({ expected: 7, done: 5, failed: 2, finished: 7, completedAt: expect.any(String) });

    const printed = renderUpload(result);
    expect(printed).toContain(renderBatch(wait?.batch as BatchDetail));
    expect(printed).toMatch(/followed the batch record \(\d+ reads in/);
    expect(printed).toContain(`  failed cut-1.jpg: `);
  }, 240_000);
});
