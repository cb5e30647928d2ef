import { CreateBucketCommand, ListObjectsV2Command } from '@aws-sdk/client-s3';
import { copyFile, mkdtemp, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { provision } from '../../src/actions/provision.js';
import { upload } from '../../src/actions/upload.js';
import type { Context } from '../../src/context.js';
import { startDevWorkers, type DevWorkers } from '../../src/local/dev-workers.js';
import { readState } from '../../src/state/state-file.js';
import { startEmbedded, type EmbeddedHarness } from '../helpers/embedded.js';

const IMAGES = path.resolve(import.meta.dirname, '../../images');
const IMAGE = 'lomiri_Wine_by_Jakkub_Mede.jpg';
let harness: EmbeddedHarness;
let ctx: Context;
let workers: DevWorkers | undefined;
let scratch: string;

beforeAll(async () => {
  harness = await startEmbedded();
  ctx = await harness.contextFor({ stack: 'choices' });
  scratch = await mkdtemp(path.join(os.tmpdir(), 'thumbs-choices-'));
});
afterAll(async () => {
  await workers?.stop();
  await harness.stop();
  await rm(scratch, { recursive: true, force: true });
});

const recorded = async () => (await readState(path.join(harness.stateDir, 'local'), 'choices'))?.config;

async function thumbnailKeys(bucket: string): Promise<string[]> {
  const { Contents = [] } = await ctx.clients.s3.send(new ListObjectsV2Command({ Bucket: bucket }));
  return Contents.map((c) => c.Key ?? '').sort();
}

async function until(condition: () => Promise<boolean>, explain: () => Promise<unknown>, timeoutMs = 20_000) {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`condition not met in time: ${JSON.stringify(await explain())}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** Uploads one image under a new name, so each round is a new original for the worker. */
async function uploadAs(name: string): Promise<void> {
  const folder = await mkdtemp(path.join(scratch, 'round-'));
  await copyFile(path.join(IMAGES, IMAGE), path.join(folder, name));
  const result = await upload(ctx, folder);
  expect(result).toMatchObject({ uploaded: 1, messagesSent: 1, failed: [] });
}

describe('recorded choices (embedded backend)', () => {
  it('keeps non-default choices on a plain re-run, prints and records changes, resets to defaults', async () => {
    await ctx.clients.s3.send(new CreateBucketCommand({ Bucket: 'my-own-originals' }));
    const first = await provision(ctx, {
      originalsBucket: 'my-own-originals', memory: 2048, timeout: 60, maxConcurrency: 3, batchWindow: 5, renditions: 'jpeg:64', quality: 70,
    });
    expect(first.changes).toEqual([]);
    const chosen = { originalsBucket: 'my-own-originals', memory: 2048, timeout: 60, maxConcurrency: 3, batchWindow: 5, renditions: 'jpeg:64', quality: 70, trigger: 'sqs', arch: 'x86_64' };
    expect(await recorded()).toMatchObject(chosen);

    const again = await provision(ctx);
    expect(again.changes).toEqual([]);
    expect(again.config).toMatchObject(chosen);
    expect(await recorded()).toMatchObject(chosen);
    const state = await readState(path.join(harness.stateDir, 'local'), 'choices');
    expect(state).toMatchObject({ version: 2, resources: { originalsBucket: { id: 'my-own-originals', origin: 'adopted' } } });

    harness.reporter.events.length = 0;
    const changed = await provision(ctx, { memory: 1536, quality: 70 });
    expect(changed.changes).toEqual([{ attribute: 'memory', from: 2048, to: 1536 }]);
    expect(harness.reporter.texts('info')).toContain('memory: 2048 -> 1536');
    expect(await recorded()).toMatchObject({ memory: 1536, quality: 70, renditions: 'jpeg:64' });

    const dryRun = await provision(ctx, { dryRun: true, reset: ['memory'] });
    expect(dryRun.changes).toEqual([{ attribute: 'memory', from: 1536, to: 1024 }]);
    expect(await recorded()).toMatchObject({ memory: 1536 });

    const reset = await provision(ctx, { reset: ['memory', 'originalsBucket'] });
    expect(reset.changes).toEqual([
      { attribute: 'originalsBucket', from: 'my-own-originals', to: undefined },
      { attribute: 'memory', from: 1536, to: 1024 },
    ]);
    expect(await recorded()).not.toHaveProperty('originalsBucket');
    expect(await recorded()).toMatchObject({ memory: 1024, quality: 70, renditions: 'jpeg:64' });
  });

  it("runs the dev worker with the stack's recorded renditions, and picks up a change without a restart", async () => {
    const state = await readState(path.join(harness.stateDir, 'local'), 'choices');
    const thumbnails = state?.resources.thumbnailsBucket?.id ?? '';
    expect(thumbnails).not.toBe('');
    let reconfigured = 0;
    workers = startDevWorkers(ctx, harness.stateDir, { waitTimeSeconds: 1, onReconfigure: () => (reconfigured += 1) });

    await uploadAs('first.jpg');
    await until(async () => (await thumbnailKeys(thumbnails)).includes('64/first.jpeg'), () => thumbnailKeys(thumbnails));
    expect(await thumbnailKeys(thumbnails)).toEqual(['64/first.jpeg']);

    await provision(ctx, { renditions: 'png:32' });
    expect(await recorded()).toMatchObject({ renditions: 'png:32' });
    // The worker takes the new settings on its next scan of the state folder.
    await until(async () => reconfigured === 1, async () => ({ reconfigured }));
    await uploadAs('second.jpg');
    await until(async () => (await thumbnailKeys(thumbnails)).includes('32/second.png'), () => thumbnailKeys(thumbnails));
    expect(await thumbnailKeys(thumbnails)).toEqual(['32/second.png', '64/first.jpeg']);
    expect(JSON.parse(await readFile(path.join(harness.stateDir, 'local', 'choices.json'), 'utf8'))).toMatchObject({ version: 2, config: { renditions: 'png:32' } });
  });
});
