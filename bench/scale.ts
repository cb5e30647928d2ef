/**
 * Scale benchmark: how thumbs grows with the number of images, on the embedded emulators.
 * For N = 1,000 and 10,000 (and 100,000 with `--large`): `thumbs upload` of N generated tiny JPEGs
 * (child process: wall time and peak RSS), then N items written to the table as the function writes
 * them, `thumbs scan-db --json` of all N (child: time, peak RSS), and the gallery's first and next
 * page (loadGalleryPage in this process, median of several). Prints the growth from one N to the next.
 */
import { mkdir, readdir, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { BatchWriteCommand } from '@aws-sdk/lib-dynamodb';
import pLimit from 'p-limit';
import sharp from 'sharp';
import { provision } from '../src/actions/provision.js';
import { resolveSettings } from '../src/config/settings.js';
import { createContext, embeddedTarget, type Context } from '../src/context.js';
import { galleryLocations, loadGalleryPage } from '../src/gallery/load-images.js';
import { startEmulators, type LocalEndpoints } from '../src/local/emulators.js';
import { writeLocalEndpoints } from '../src/local/local-file.js';
import { MemoryReporter } from '../src/output/reporter.js';
import { openStack } from '../src/state/open-stack.js';
import { feedAttributes, type ImageItem } from '../lambda/contract.js';
import { timedChild } from './lib/timed-child.js';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const WORK = path.join(ROOT, 'bench', '.work', 'scale');
const SIZES = process.argv.includes('--large') ? [1_000, 10_000, 100_000] : [1_000, 10_000];
const PAGE_SAMPLES = 7;

/** N distinct tiny JPEGs (16x16, one colour each), spread over folders of 1,000; cached across runs. */
async function makeImages(count: number): Promise<string> {
  const dir = path.join(WORK, `images-${count}`);
  const marker = path.join(dir, '.complete');
  if ((await readdir(dir).catch(() => [] as string[])).includes('.complete')) return dir;
  await rm(dir, { recursive: true, force: true });
  for (let i = 0; i < count; i += 1) {
    const folder = path.join(dir, `f${String(Math.floor(i / 1000)).padStart(3, '0')}`);
    if (i % 1000 === 0) await mkdir(folder, { recursive: true });
    const jpeg = await sharp({ create: { width: 16, height: 16, channels: 3, background: { r: i % 256, g: (i >> 8) % 256, b: (i >> 16) % 256 } } }).jpeg().toBuffer();
    await writeFile(path.join(folder, `img-${String(i).padStart(6, '0')}.jpg`), jpeg);
  }
  await writeFile(marker, '');
  return dir;
}

/** The items the function would have written for those images: three renditions each, distinct times. */
async function writeItems(ctx: Context, table: string, count: number): Promise<void> {
  const base = Date.UTC(2026, 0, 1);
  const item = (i: number): ImageItem => {
    const imageKey = `f${String(Math.floor(i / 1000)).padStart(3, '0')}/img-${String(i).padStart(6, '0')}.jpg`;
    return {
      imageKey,
      sourceBucket: 'originals',
      etag: `etag${i}`,
      bytes: 600,
      contentType: 'image/jpeg',
      width: 16,
      height: 16,
      format: 'jpeg',
      renditions: [128, 512, 1024].map((box) => ({ name: String(box), key: `${box}/${imageKey}.webp`, width: 16, height: 16, bytes: 100, format: 'webp' })),
      status: i % 50 === 0 ? 'failed' : 'done',
      attempts: 1,
      processedAt: new Date(base + i * 1000).toISOString(),
      durationMs: 20,
    };
  };
  const limit = pLimit(8);
  const batches = Array.from({ length: Math.ceil(count / 25) }, (_, b) => b);
  await Promise.all(batches.map((b) => limit(async () => {
    const items = Array.from({ length: Math.min(25, count - b * 25) }, (_, j) => item(b * 25 + j));
    await ctx.clients.doc.send(new BatchWriteCommand({ RequestItems: { [table]: items.map((Item) => ({ PutRequest: { Item: { ...Item, ...feedAttributes(Item) } } })) } }));
  })));
}

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;

async function galleryLatency(ctx: Context): Promise<{ firstMs: number; nextMs: number; firstRangeMs: [number, number]; nextRangeMs: [number, number] }> {
  const where = galleryLocations(await openStack(ctx, { persist: false }));
  const first: number[] = [];
  const next: number[] = [];
  for (let i = 0; i < PAGE_SAMPLES; i += 1) {
    let started = performance.now();
    const page = await loadGalleryPage(ctx, where, {});
    first.push(performance.now() - started);
    started = performance.now();
    const second = await loadGalleryPage(ctx, where, { cursor: page.nextCursor });
    next.push(performance.now() - started);
    if (page.images.length !== 24 || second.images.length !== 24) throw new Error('gallery pages are not full');
  }
  const range = (values: number[]): [number, number] => [Math.min(...values), Math.max(...values)];
  return { firstMs: median(first), nextMs: median(next), firstRangeMs: range(first), nextRangeMs: range(next) };
}

async function measure(count: number, endpoints: LocalEndpoints) {
  const images = await makeImages(count);
  const stack = `scale${count}`;
  const stateDir = path.join(WORK, `state-${count}`);
  await rm(stateDir, { recursive: true, force: true });
  await writeLocalEndpoints(stateDir, { ...endpoints, pid: process.pid });
  const ctx = await createContext({ ...resolveSettings({}, {}), stateDir, local: true, stack }, embeddedTarget(endpoints), new MemoryReporter(), async () => true);
  try {
    await provision(ctx);
    const env = { ...process.env, THUMBS_STATE_DIR: stateDir, AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true' };
    const thumbs = (args: string[]) => timedChild(process.execPath, [path.join(ROOT, 'bin', 'thumbs.js'), ...args, '--local', '--stack', stack], env);
    const upload = await thumbs(['upload', images, '--json', '--quiet']);
    if (upload.code !== 0) throw new Error(`upload failed: ${upload.stderr}`);
    const uploaded = JSON.parse(upload.stdout) as { uploaded: number };
    if (uploaded.uploaded !== count) throw new Error(`uploaded ${uploaded.uploaded} of ${count}`);
    await writeItems(ctx, galleryLocations(await openStack(ctx, { persist: false })).table, count);
    const scan = await thumbs(['scan-db', '--json', '--quiet']);
    if (scan.code !== 0) throw new Error(`scan-db failed: ${scan.stderr}`);
    const scanned = (JSON.parse(scan.stdout) as unknown[]).length;
    if (scanned !== count) throw new Error(`scan-db --json printed ${scanned} of ${count} items`);
    const newest = await thumbs(['scan-db', '--json', '--quiet', '--limit', '5']);
    const gallery = await galleryLatency(ctx);
    const row = {
      count,
      uploadSeconds: upload.seconds,
      uploadPeakRssMb: upload.peakRssMb,
      scanJsonSeconds: scan.seconds,
      scanJsonPeakRssMb: scan.peakRssMb,
      scanLimit5Seconds: newest.seconds,
      galleryFirstPageMs: gallery.firstMs,
      galleryNextPageMs: gallery.nextMs,
      galleryFirstPageRangeMs: gallery.firstRangeMs,
      galleryNextPageRangeMs: gallery.nextRangeMs,
    };
    console.log(`scale ${count}: upload ${row.uploadSeconds.toFixed(1)}s ${row.uploadPeakRssMb.toFixed(0)} MB; scan-db --json ${row.scanJsonSeconds.toFixed(1)}s ${row.scanJsonPeakRssMb.toFixed(0)} MB;`
      + ` scan-db --limit 5 ${row.scanLimit5Seconds.toFixed(2)}s; gallery first ${row.galleryFirstPageMs.toFixed(0)} ms`
      + ` (${gallery.firstRangeMs.map((v) => v.toFixed(0)).join('-')}), next ${row.galleryNextPageMs.toFixed(0)} ms (${gallery.nextRangeMs.map((v) => v.toFixed(0)).join('-')})`);
    return row;
  } finally {
    ctx.clients.destroy();
  }
}

type Row = Awaited<ReturnType<typeof measure>>;

function growth(rows: Row[]): Array<Record<string, string>> {
  const keys = ['uploadSeconds', 'uploadPeakRssMb', 'scanJsonSeconds', 'scanJsonPeakRssMb', 'scanLimit5Seconds', 'galleryFirstPageMs', 'galleryNextPageMs'] as const;
  return rows.slice(1).map((row, i) => {
    const previous = rows[i]!;
    return Object.fromEntries([['from', `${previous.count} -> ${row.count}`], ...keys.map((key) => [key, `${(row[key] / previous[key]).toFixed(2)}x`])]);
  });
}

export default async function bench(): Promise<Record<string, unknown>> {
  console.log(`scale: N = ${SIZES.join(', ')}${SIZES.length < 3 ? ' (add --large for 100,000)' : ''}; the embedded emulators run in this process`);
  const emulators = await startEmulators();
  try {
    const rows: Row[] = [];
    for (const count of SIZES) rows.push(await measure(count, emulators.endpoints));
    const steps = growth(rows);
    for (const step of steps) console.log(`scale growth ${Object.entries(step).map(([k, v]) => `${k} ${v}`).join(', ')}`);
    return { rows, growth: steps };
  } finally {
    await emulators.stop();
  }
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  console.log(JSON.stringify(await bench(), null, 2));
}
