/**
 * The live gallery's poll (`/api/updates`) at scale, on the embedded emulators: 2,000 and 100,000
 * items in two tables (`--items N` for one size), then one poll's work, median and range of 21,
 * the sizes taking turns:
 * - server: `GET /api/updates` on a running `thumbs gallery` over loopback HTTP (the request's whole
 *   time: index read, queue counts, signing, cards, JSON, compression), after two changes and quiet;
 * - before (the newest 100 items read and all presigned, as until issue 18) and now (the same
 *   functions the server calls, in process), with the index read and queue counts alone.
 * Run: `npx tsx bench/live-poll.ts [--items N]`.
 */
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { BatchWriteCommand } from '@aws-sdk/lib-dynamodb';
import pLimit from 'p-limit';
import { provision } from '../src/actions/provision.js';
import { resolveSettings } from '../src/config/settings.js';
import { createContext, embeddedTarget, type Context } from '../src/context.js';
import { startGallery } from '../src/actions/gallery.js';
import { changedSince, doneRate, LIVE_WINDOW, pipelineStatus, queueCounts } from '../src/gallery/live-status.js';
import { galleryLocations, loadChangedSince, loadGalleryPage } from '../src/gallery/load-images.js';
import { startEmulators } from '../src/local/emulators.js';
import { writeLocalEndpoints } from '../src/local/local-file.js';
import { MemoryReporter } from '../src/output/reporter.js';
import { openStack } from '../src/state/open-stack.js';
import { feedAttributes, type ImageItem } from '../lambda/contract.js';
import { renderCard } from '../src/gallery/render-card.js';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const at = process.argv.indexOf('--items');
const SIZES = at > 0 ? [Number(process.argv[at + 1])] : [2_000, 100_000];
const SAMPLES = 21;

async function writeItems(ctx: Context, table: string, count: number): Promise<{ since: string; newest: string }> {
  const base = Date.now() - count * 1000;
  const item = (i: number): ImageItem => {
    const imageKey = `f${String(Math.floor(i / 1000)).padStart(3, '0')}/img-${String(i).padStart(6, '0')}.jpg`;
    return {
      imageKey, sourceBucket: 'originals', etag: `etag${i}`, bytes: 600, contentType: 'image/jpeg', width: 16, height: 16, format: 'jpeg',
      renditions: [128, 512, 1024].map((box) => ({ name: String(box), key: `${box}/${imageKey}.webp`, width: 16, height: 16, bytes: 100, format: 'webp' })),
      status: 'done', attempts: 1, processedAt: new Date(base + i * 1000).toISOString(), durationMs: 20,
    };
  };
  const limit = pLimit(8);
  await Promise.all(Array.from({ length: Math.ceil(count / 25) }, (_, b) => limit(async () => {
    const items = Array.from({ length: Math.min(25, count - b * 25) }, (_, j) => item(b * 25 + j));
    await ctx.clients.doc.send(new BatchWriteCommand({ RequestItems: { [table]: items.map((Item) => ({ PutRequest: { Item: { ...Item, ...feedAttributes(Item) } } })) } }));
  })));
  // A cursor two items before the newest: a poll that finds two changes, as while photos arrive.
  return { since: new Date(base + (count - 3) * 1000).toISOString(), newest: new Date(base + (count - 1) * 1000).toISOString() };
}

const stats = (values: number[]) => {
  const sorted = [...values].sort((a, b) => a - b);
  return { medianMs: Math.round(sorted[Math.floor(sorted.length / 2)]!), rangeMs: [Math.round(sorted[0]!), Math.round(sorted.at(-1)!)] };
};

/** One poll as the page makes it: GET /api/updates over loopback, timed from request to the last byte. */
async function timedPoll(url: URL, cards: number): Promise<number> {
  const started = performance.now();
  const res = await fetch(url, { headers: { accept: 'application/json', 'accept-encoding': 'br, gzip' } });
  const body = await res.json() as { cards?: unknown[] };
  const ms = performance.now() - started;
  if (!res.ok) throw new Error(`/api/updates answered ${res.status}`);
  if ((body.cards?.length ?? 0) !== cards) throw new Error(`the server sent ${body.cards?.length} cards, not ${cards}`);
  return ms;
}

type Samples = Record<'afterTwoChanges' | 'quiet' | 'before' | 'now' | 'indexRead' | 'queueCounts', number[]>;

/** One stack of `count` items, provisioned, seeded, and its gallery running. */
async function prepare(endpoints: Parameters<typeof embeddedTarget>[0], stateDir: string, count: number) {
  const ctx = await createContext({ ...resolveSettings({}, {}), stateDir, local: true, stack: `live${count}` }, embeddedTarget(endpoints), new MemoryReporter(), async () => true);
  await provision(ctx);
  const stack = await openStack(ctx, { persist: false });
  const where = galleryLocations(stack);
  const queues = { queueUrl: stack.store.get('queue')?.id, deadLetterUrl: stack.store.get('deadLetterQueue')?.id };
  const cursors = await writeItems(ctx, where.table, count);
  const gallery = await startGallery(ctx, { port: 0, upload: false });
  const samples: Samples = { afterTwoChanges: [], quiet: [], before: [], now: [], indexRead: [], queueCounts: [] };
  return { count, ctx, where, queues, gallery, samples, ...cursors };
}

/** One sample of every measure for one stack. */
async function sample(run: Awaited<ReturnType<typeof prepare>>): Promise<void> {
  const { ctx, where, queues, since, newest, samples } = run;
  const poll = (cursor: string) => new URL(`api/updates?since=${encodeURIComponent(cursor)}`, run.gallery.url);
  samples.afterTwoChanges.push(await timedPoll(poll(since), 2));
  samples.quiet.push(await timedPoll(poll(newest), 0));
  let started = performance.now();
  const newestPage = (await loadGalleryPage(ctx, where, { pageSize: LIVE_WINDOW })).images;
  const status = await pipelineStatus(ctx.clients.sqs, queues, newestPage);
  const old = changedSince(newestPage, since);
  old.images.map((image) => renderCard(image, 0));
  samples.before.push(performance.now() - started);
  started = performance.now();
  const [{ recent, changed }, counts] = await Promise.all([loadChangedSince(ctx, where, since, LIVE_WINDOW), queueCounts(ctx.clients.sqs, queues)]);
  const update = { ...changedSince(changed, since), status: { ...counts, ...doneRate(recent) } };
  update.images.map((image) => renderCard(image, 0));
  samples.now.push(performance.now() - started);
  if (update.images.length !== 2 || old.images.length !== 2 || status.doneCapped !== update.status.doneCapped) throw new Error('the two polls disagree');
  // Where the time goes: the index read, and the two queue-count calls, each alone.
  started = performance.now();
  await loadChangedSince(ctx, where, since, LIVE_WINDOW);
  samples.indexRead.push(performance.now() - started);
  started = performance.now();
  await queueCounts(ctx.clients.sqs, queues);
  samples.queueCounts.push(performance.now() - started);
}

export default async function bench(): Promise<Record<string, unknown>> {
  const emulators = await startEmulators();
  const stateDir = path.join(ROOT, 'bench', '.work', 'live-poll');
  await writeLocalEndpoints(stateDir, { ...emulators.endpoints, pid: process.pid });
  const runs: Array<Awaited<ReturnType<typeof prepare>>> = [];
  try {
    for (const count of SIZES) {
      console.log(`seeding ${count} items…`);
      runs.push(await prepare(emulators.endpoints, stateDir, count));
    }
    for (const run of runs) await timedPoll(new URL(`api/updates?since=${encodeURIComponent(run.since)}`, run.gallery.url), 2);
    // The sizes take turns, so the machine's load (shared) weighs on each alike.
    for (let i = 0; i < SAMPLES; i += 1) for (const run of runs) await sample(run);
    const sizes = runs.map((run) => {
      const figures = Object.fromEntries(Object.entries(run.samples).map(([name, values]) => [name, stats(values)])) as Record<keyof Samples, ReturnType<typeof stats>>;
      const shown = (s: { medianMs: number; rangeMs: number[] }) => `${s.medianMs} ms (${s.rangeMs.join('-')})`;
      console.log(`live poll at ${run.count} items: GET /api/updates after two changes ${shown(figures.afterTwoChanges)}, quiet ${shown(figures.quiet)}; `
        + `in process: before ${shown(figures.before)}, now ${shown(figures.now)}, of which index read ${figures.indexRead.medianMs} ms, queue counts ${figures.queueCounts.medianMs} ms`);
      return { items: run.count, ...figures };
    });
    return { samples: SAMPLES, sizes };
  } finally {
    for (const run of runs) {
      await run.gallery.close();
      run.ctx.clients.destroy();
    }
    await emulators.stop();
  }
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  console.log(JSON.stringify(await bench(), null, 2));
}
