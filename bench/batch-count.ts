/**
 * The cost per image of counting it toward its batch, next to the write it replaces, on the
 * embedded backend (dynalite): the plain conditional PutItem of the item, against the counting
 * transaction (item, batch entry, ADD on the batch) plus the completion check (one consistent
 * GetItem of the batch). Measured alternately in one run, so machine load affects both alike.
 * Capacity is asked of every request (ReturnConsumedCapacity TOTAL): dynalite reports it for
 * PutItem and GetItem (the table's units, not its index's), not for the transaction (thumbs' own
 * TransactWriteItems on dynalite), so the transaction's write units are computed from the item
 * sizes and DynamoDB's pricing and printed as computed: see the README's "Batch receipts".
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
    // What the emulator reports per request kind: units summed, and how many answers carried a figure.
    const reported = new Map<string, { units: number; answers: number; requests: number }>();
    ctx.clients.doc.middlewareStack.add((next, context) => async (args) => {
      (args.input as { ReturnConsumedCapacity?: string }).ReturnConsumedCapacity = 'TOTAL';
      const output = await next(args);
      const consumed = (output.output as { ConsumedCapacity?: { CapacityUnits?: number } | Array<{ CapacityUnits?: number }> }).ConsumedCapacity;
      const units = [consumed ?? []].flat().reduce((sum, c) => sum + (c.CapacityUnits ?? 0), 0);
      const name = String(context.commandName);
      const entry = reported.get(name) ?? { units: 0, answers: 0, requests: 0 };
      reported.set(name, { units: entry.units + units, answers: entry.answers + (consumed ? 1 : 0), requests: entry.requests + 1 });
      return output;
    }, { step: 'initialize', name: 'askConsumedCapacity' });
    await startBatch(ctx, { stack: 'batchbench', table, thumbnailsBucket: store.get('thumbnailsBucket')?.id ?? '' }, 'bench', 'upload');
    const plain: number[] = [];
    const counted: number[] = [];
    const checks: number[] = [];
    for (let i = 0; i < IMAGES; i += 1) {
      const a = item(`plain/${i}.jpg`);
      let t = performance.now();
      await writeItem(ctx.clients.doc, table, a);
      plain.push(performance.now() - t);
      const b = item(`counted/${i}.jpg`);
      t = performance.now();
      await countImage(ctx.clients.doc, table, 'bench', { key: b.imageKey, status: 'done', renditions: 3, bytes: b.bytes, durationMs: b.durationMs }, { value: b });
      const check = performance.now();
      await readBatch(deps, 'bench');
      checks.push(performance.now() - check);
      counted.push(performance.now() - t);
    }
    const measuring = Object.fromEntries([...reported].map(([name, r]) => [name, r.answers > 0 ? Number((r.units / r.answers).toFixed(2)) : 'not reported']));
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
      completionCheckMs: Number(median(checks).toFixed(2)),
      itemBytes: size({ ...sample, ...feedAttributes(sample) }),
      entryBytes: 220,
      // Plain: 1 WRU per KB for the item, 1 for its index entry. Counted: a transaction costs 2 WRU per KB for each
      // of its 3 items (item, entry, batch record), plus the index writes of the item and the entry (1 each).
      writeUnitsPlain: itemKb + 1,
      writeUnitsCounted: 2 * (itemKb + 1 + 1) + 2,
      // The completion check: one strongly consistent GetItem of a record under 4 KB.
      readUnitsCounted: 1,
      // Per request kind: the mean units dynalite reported (table only), or 'not reported'.
      reportedUnits: measuring,
    };
    console.log(`batch counting: ${IMAGES} images, embedded backend`);
    console.log(`  plain PutItem ${figures.plainPutMs} ms (IQR ${figures.plainPutQuartilesMs.join('-')}); transaction + completion check ${figures.countedMs} ms (IQR ${figures.countedQuartilesMs.join('-')}), of which the check ${figures.completionCheckMs} ms`);
    console.log(`  write units per image (computed): ${figures.writeUnitsPlain} -> ${figures.writeUnitsCounted}, plus ${figures.readUnitsCounted} read unit`);
    console.log(`  units dynalite reported per request (table only): ${Object.entries(measuring).map(([name, units]) => `${name} ${units}`).join(', ')}`);
    return figures;
  } finally {
    await emulators.stop();
    await rm(stateDir, { recursive: true, force: true });
  }
}
