/**
 * The cost per image of counting it toward its batch, next to the write it replaces, on the
 * embedded backend (dynalite): the plain conditional PutItem of the item, against the counting
 * transaction (item, batch entry, ADD on the batch) plus the completion check (one consistent
 * GetItem of the batch). Measured alternately in one run, so machine load affects both alike.
 * Write units are computed from the item sizes and DynamoDB's pricing (no emulator reports the
 * capacity a transaction consumes): see the README's "Batch receipts".
 */
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { readBatch } from '../lambda/batch-complete.js';
import { countImage } from '../lambda/batch-count.js';
import { feedAttributes, type ImageItem } from '../lambda/contract.js';
import { writeItem } from '../lambda/store.js';
import { provision } from '../src/actions/provision.js';
import { startBatch } from '../src/batches/batch-record.js';
import { resolveSettings } from '../src/config/settings.js';
import { createContext, embeddedTarget } from '../src/context.js';
import { startEmulators } from '../src/local/emulators.js';
import { MemoryReporter } from '../src/output/reporter.js';
import { openStack } from '../src/state/open-stack.js';

const IMAGES = 300;

const item = (key: string): ImageItem => ({
  imageKey: key, sourceBucket: 'originals', etag: `etag-${key}`, bytes: 2_400_000, contentType: 'image/jpeg', width: 4000, height: 3000, format: 'jpeg',
  renditions: [128, 512, 1024].map((size) => ({ name: String(size), key: `${size}/${key}.webp`, width: size, height: Math.round(size * 0.75), bytes: size * 40, format: 'webp' })),
  thumbhash: 'k/gJFQLXZ3d3d3iHeHeHiHd4eHaHZ4g=', status: 'done', attempts: 1, processedAt: new Date().toISOString(), durationMs: 850, settings: 'abcdef0123456789',
});

const size = (value: unknown) => Buffer.byteLength(JSON.stringify(value));
const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)] ?? 0;
const quartiles = (values: number[]): [number, number] => {
  const sorted = [...values].sort((a, b) => a - b);
  return [sorted[Math.floor(sorted.length / 4)] ?? 0, sorted[Math.floor((sorted.length * 3) / 4)] ?? 0];
};

export default async function benchBatchCount(): Promise<Record<string, unknown>> {
  const emulators = await startEmulators();
  const stateDir = await mkdtemp(path.join(os.tmpdir(), 'thumbs-bench-batch-'));
  try {
    const settings = { ...resolveSettings({}, {}), stateDir, local: true, stack: 'batchbench' };
    const ctx = await createContext(settings, embeddedTarget(emulators.endpoints), new MemoryReporter(), async () => true);
    await provision(ctx);
    const { store } = await openStack(ctx, { persist: false });
    const table = store.get('table')?.id ?? '';
    const deps = { ddb: ctx.clients.doc, config: { table } };
    await startBatch(ctx, { stack: 'batchbench', table, thumbnailsBucket: store.get('thumbnailsBucket')?.id ?? '' }, 'bench', 'upload');
    const plain: number[] = [];
    const counted: number[] = [];
    for (let i = 0; i < IMAGES; i += 1) {
      const a = item(`plain/${i}.jpg`);
      let t = performance.now();
      await writeItem(ctx.clients.doc, table, a);
      plain.push(performance.now() - t);
      const b = item(`counted/${i}.jpg`);
      t = performance.now();
      await countImage(ctx.clients.doc, table, 'bench', { key: b.imageKey, status: 'done', renditions: 3, bytes: b.bytes, durationMs: b.durationMs }, { value: b });
      await readBatch(deps, 'bench');
      counted.push(performance.now() - t);
    }
    const record = await readBatch(deps, 'bench');
    if (record?.done !== IMAGES) throw new Error(`counted ${String(record?.done)} of ${IMAGES}`);
    const sample = item('counted/0.jpg');
    const itemKb = Math.ceil(size({ ...sample, ...feedAttributes(sample) }) / 1024);
    const figures = {
      images: IMAGES,
      plainPutMs: Number(median(plain).toFixed(2)),
      plainPutQuartilesMs: quartiles(plain).map((v) => Number(v.toFixed(2))),
      countedMs: Number(median(counted).toFixed(2)),
      countedQuartilesMs: quartiles(counted).map((v) => Number(v.toFixed(2))),
      itemBytes: size({ ...sample, ...feedAttributes(sample) }),
      entryBytes: 220,
      // Plain: 1 WRU per KB for the item, 1 for its index entry. Counted: a transaction costs 2 WRU per KB for each
      // of its 3 items (item, entry, batch record), plus the index writes of the item and the entry (1 each).
      writeUnitsPlain: itemKb + 1,
      writeUnitsCounted: 2 * (itemKb + 1 + 1) + 2,
      // The completion check: one strongly consistent GetItem of a record under 4 KB.
      readUnitsCounted: 1,
    };
    console.log(`batch counting: ${IMAGES} images, embedded backend`);
    console.log(`  plain PutItem ${figures.plainPutMs} ms (IQR ${figures.plainPutQuartilesMs.join('-')}); transaction + completion check ${figures.countedMs} ms (IQR ${figures.countedQuartilesMs.join('-')})`);
    console.log(`  write units per image: ${figures.writeUnitsPlain} -> ${figures.writeUnitsCounted}, plus ${figures.readUnitsCounted} read unit`);
    return figures;
  } finally {
    await emulators.stop();
    await rm(stateDir, { recursive: true, force: true });
  }
}
