import { HeadObjectCommand } from '@aws-sdk/client-s3';
import { GetCommand } from '@aws-sdk/lib-dynamodb';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { batchKey, BATCH_METADATA, type BatchRecord } from '../../lambda/contract.js';
import { silentLogger } from '../../lambda/log.js';
import { startGallery, type StartedGallery } from '../../src/actions/gallery.js';
import { provision } from '../../src/actions/provision.js';
import { galleryLocations, type GalleryLocations } from '../../src/gallery/load-images.js';
import { serveStack, type StackWorker } from '../../src/local/stack-worker.js';
import { openStack } from '../../src/state/open-stack.js';
import { functionEnvironmentOf } from '../../src/state/stack-config.js';
import { startEmbedded, type EmbeddedHarness } from '../helpers/embedded.js';

const IMAGES = path.resolve(import.meta.dirname, '../../images');
const GOOD = [['skimage_coins.png', 'image/png'], ['skimage_rocket.jpg', 'image/jpeg'], ['skimage_camera.png', 'image/png']] as const;
/** 466,706 bytes: over the stack's limit below, so S3 refuses its POST. */
const TOO_BIG = ['skimage_coffee.png', 'image/png'] as const;
const MAX_BYTES = 300_000;

interface Form { key: string; url: string; fields: Record<string, string> }

describe('a drop of files in the gallery is one batch (embedded backend, the page\'s requests made by hand)', () => {
  let harness: EmbeddedHarness;
  let gallery: StartedGallery;
  let worker: StackWorker;
  let where: GalleryLocations;

  beforeAll(async () => {
    harness = await startEmbedded();
    const { config } = await provision(harness.ctx, { maxBytes: MAX_BYTES });
    const stack = await openStack(harness.ctx, { persist: false });
    where = galleryLocations(stack);
    worker = serveStack(harness.ctx, { names: stack.names, state: stack.store.current }, { env: functionEnvironmentOf(config), log: silentLogger });
    gallery = await startGallery(harness.ctx, { port: 0 });
  });

  afterAll(async () => {
    await gallery?.close();
    await worker?.stop();
    await harness?.stop();
  });

  /** What the page sends its server: JSON from its own origin. */
  async function api<T>(route: string, body: unknown): Promise<T> {
    const res = await fetch(new URL(route, gallery.url), {
      method: 'POST', body: JSON.stringify(body), headers: { 'content-type': 'application/json', origin: new URL(gallery.url).origin },
    });
    const answer = await res.json() as T & { error?: { message: string } };
    if (!res.ok) throw new Error(`${route}: ${res.status} ${answer.error?.message}`);
    return answer;
  }

  /** What the page's XMLHttpRequest sends S3: the form's fields, then the file. */
  async function postToS3(form: Form, name: string, type: string): Promise<number> {
    const data = new FormData();
    for (const [field, value] of Object.entries(form.fields)) data.append(field, value);
    data.append('file', new Blob([await readFile(path.join(IMAGES, name))], { type }), name);
    return (await fetch(form.url, { method: 'POST', body: data, headers: { origin: new URL(gallery.url).origin } })).status;
  }

  const readBatch = async (batch: string) =>
    (await harness.ctx.clients.doc.send(new GetCommand({ TableName: where.table, Key: { imageKey: batchKey(batch) }, ConsistentRead: true }))).Item as BatchRecord | undefined;

  it('opens a batch, files every upload under it, seals it with the 3 files S3 stored (not the refused ones), and the function completes it 3 done', async () => {
    const { batch } = await api<{ batch: string }>('api/uploads/batch', {});
    expect(await readBatch(batch)).toMatchObject({ batch, source: 'gallery', done: 0 });
    expect((await readBatch(batch))?.expected).toBeUndefined();

    const files = [...GOOD, TOO_BIG, ['drawing.svg', 'image/svg+xml'] as const];
    const { uploads } = await api<{ uploads: Array<Form & { error?: unknown }> }>('api/uploads', { files: files.map(([name, type]) => ({ name, type })), batch });
    // The SVG gets no form at all; the others get one each, pinned to the batch.
    expect(uploads.map((u) => Boolean(u.error))).toEqual([false, false, false, false, true]);

    const statuses = await Promise.all(files.slice(0, 4).map(([name, type], i) => postToS3(uploads[i]!, name, type)));
    expect(statuses).toEqual([204, 204, 204, 400]);
    for (const form of uploads.slice(0, 3)) {
      const head = await harness.ctx.clients.s3.send(new HeadObjectCommand({ Bucket: where.originalsBucket, Key: form.key }));
      expect(head.Metadata?.[BATCH_METADATA]).toBe(batch);
      // The page announces each file S3 stored (twice for one, as a retried request would).
      expect(await api('api/uploads/complete', { key: form.key })).toEqual({ key: form.key, queued: true, batch });
    }
    await api('api/uploads/complete', { key: uploads[0]!.key });

    expect(await api('api/uploads/seal', { batch })).toEqual({ batch, expected: 3 });
    expect((await readBatch(batch))?.expected).toBe(3);

    let record = await readBatch(batch);
    for (const deadline = Date.now() + 60_000; !record?.completedAt && Date.now() < deadline; record = await readBatch(batch)) await delay(200);
    expect(record).toMatchObject({ expected: 3, done: 3, failed: 0, deadLettered: 0, finished: 3 });
    expect(record?.completedAt).toEqual(expect.any(String));

    // The page's poll shows the batch's result.
    const update = await (await fetch(new URL(`api/updates?since=&batch=${batch}`, gallery.url))).json() as { batches: Array<{ id: string; complete: boolean; done: number; expected: number }> };
    expect(update.batches).toEqual([expect.objectContaining({ id: batch, complete: true, done: 3, expected: 3 })]);
  }, 90_000);

  it('refuses forms, and announcing into, a batch that is sealed or was never opened', async () => {
    const { batch } = await api<{ batch: string }>('api/uploads/batch', {});
    await api('api/uploads/seal', { batch });
    // Nothing was announced: the batch is removed rather than left waiting forever.
    expect(await readBatch(batch)).toBeUndefined();
    await expect(api('api/uploads', { files: [{ name: 'a.png', type: 'image/png' }], batch })).rejects.toThrow(/400 batch is not an upload open/);
    await expect(api('api/uploads/seal', { batch })).rejects.toThrow(/400 batch ".*" is not an upload open/);
  });
});
