import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { PutObjectCommand } from '@aws-sdk/client-s3';
import { SendMessageCommand } from '@aws-sdk/client-sqs';
import { PutCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { doctor, doctorTarget } from '../../src/actions/doctor.js';
import { provision } from '../../src/actions/provision.js';
import { scanDb, type StoredItem } from '../../src/actions/scan-db.js';
import { status } from '../../src/actions/status.js';
import { main } from '../../src/cli/main.js';
import { probeLocalEndpoints } from '../../src/local/local-file.js';
import { ThumbsError } from '../../src/errors.js';
import { ITEM_CSV_COLUMNS } from '../../src/output/items.js';
import { startEmbedded, type EmbeddedHarness } from '../helpers/embedded.js';
import { feedAttributes } from '../../lambda/contract.js';

const TRICKY_KEY = 'albums/a, "b"\nc.jpg';
const TRICKY_ERROR = 'Input buffer has corrupt header: "vips", line 1,\nsecond line';

function itemFor(i: number): StoredItem {
  const failed = i % 7 === 0;
  return {
    imageKey: i === 0 ? TRICKY_KEY : `photos/img-${String(i).padStart(3, '0')}.jpg`,
    sourceBucket: 'originals',
    etag: `etag${i}`,
    bytes: 10_000 + i,
    contentType: 'image/jpeg',
    width: 1200,
    height: 800,
    format: 'jpeg',
    renditions: failed ? [] : [{ name: '128', key: `128/img-${i}.webp`, width: 128, height: 85, bytes: 4200, format: 'webp' }],
    status: failed ? 'failed' : 'done',
    ...(failed ? { error: i === 0 ? TRICKY_ERROR : 'corrupt\nheader' } : {}),
    attempts: 1,
    // Distinct timestamps so "newest first" has one right answer.
    processedAt: new Date(Date.UTC(2025, 0, 1, 0, 0, i)).toISOString(),
    durationMs: 100 + i,
  };
}

/** RFC 4180: quoted fields may hold commas, line breaks and doubled quotes; a bare LF outside quotes also ends a record, as in most readers. */
function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let field = '';
  let quoted = false;
  const endField = () => {
    row.push(field);
    field = '';
  };
  const endRow = () => {
    endField();
    rows.push(row);
    row = [];
  };
  for (let i = 0; i < text.length; i += 1) {
    const c = text[i];
    if (quoted && c === '"' && text[i + 1] === '"') {
      field += '"';
      i += 1;
    } else if (c === '"') {
      quoted = !quoted;
    } else if (quoted) {
      field += c;
    } else if (c === ',') {
      endField();
    } else if (c === '\n' || (c === '\r' && text[i + 1] === '\n')) {
      if (c === '\r') i += 1;
      endRow();
    } else {
      field += c;
    }
  }
  if (field !== '' || row.length > 0) endRow();
  return rows;
}

/** Runs the CLI in this process and returns what it wrote to stdout. */
async function cli(args: string[]): Promise<{ code: number; stdout: string }> {
  let stdout = '';
  const out = vi.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => ((stdout += String(chunk)), true));
  const err = vi.spyOn(process.stderr, 'write').mockImplementation(() => true);
  try {
    return { code: await main(['node', 'thumbs', ...args]), stdout };
  } finally {
    out.mockRestore();
    err.mockRestore();
  }
}

const COUNT = 30;
let harness: EmbeddedHarness;
let table: string;

beforeAll(async () => {
  harness = await startEmbedded();
  const result = await provision(harness.ctx);
  table = result.resources.find((r) => r.kind === 'table')?.id ?? '';
  await Promise.all(
    // As the function writes them: with the time index's attributes.
    Array.from({ length: COUNT }, (_, i) => harness.ctx.clients.doc.send(new PutCommand({ TableName: table, Item: { ...itemFor(i), ...feedAttributes(itemFor(i)) } }))),
  );
  // The CLI reads `thumbs dev`'s endpoints file; this process is alive, so it passes the pid check.
  await writeFile(path.join(harness.stateDir, 'local.json'), JSON.stringify(harness.emulators.endpoints));
  vi.stubEnv('THUMBS_STATE_DIR', harness.stateDir);
});
afterAll(async () => {
  vi.unstubAllEnvs();
  await harness.stop();
});

describe('scan-db on the embedded backend', () => {
  it('returns every item, the same set with 1 and 4 segments, newest first', async () => {
    const one = await scanDb(harness.ctx, { segments: 1 });
    const four = await scanDb(harness.ctx, { segments: 4 });
    expect(one.items).toHaveLength(COUNT);
    expect(four.items.map((i) => i.imageKey).sort()).toEqual(one.items.map((i) => i.imageKey).sort());
    expect(four.items[0]?.imageKey).toBe('photos/img-029.jpg');
    expect(four.items.at(-1)?.imageKey).toBe(TRICKY_KEY);
    expect(four.limited).toBe(false);
  });

  it('stops at --limit across segments, and filters by status', async () => {
    const limited = await scanDb(harness.ctx, { segments: 4, limit: 7 });
    expect(limited.items).toHaveLength(7);
    expect(limited.limited).toBe(true);
    const failed = await scanDb(harness.ctx, { status: 'failed' });
    expect(failed.items.map((i) => i.imageKey).sort()).toEqual([0, 7, 14, 21, 28].map((i) => itemFor(i).imageKey).sort());
  });

  it('prints CSV that parses back with the tricky fields intact', async () => {
    const { code, stdout } = await cli(['scan-db', '--local', '--csv']);
    expect(code).toBe(0);
    const rows = parseCsv(stdout);
    expect(rows[0]).toEqual([...ITEM_CSV_COLUMNS]);
    expect(rows).toHaveLength(COUNT + 1);
    const tricky = rows.find((row) => row[0] === TRICKY_KEY);
    expect(tricky?.[ITEM_CSV_COLUMNS.indexOf('error')]).toBe(TRICKY_ERROR);
    expect(rows.find((row) => row[0] === 'photos/img-007.jpg')?.[ITEM_CSV_COLUMNS.indexOf('error')]).toBe('corrupt\nheader');
    const done = rows.find((row) => row[0] === 'photos/img-001.jpg');
    expect(done?.[ITEM_CSV_COLUMNS.indexOf('renditions')]).toBe('128:128x85:4.1KB');
  });

  it('prints the items exactly as stored with --json', async () => {
    const { code, stdout } = await cli(['scan-db', '--local', '--json', '--segments', '2']);
    expect(code).toBe(0);
    const items = JSON.parse(stdout) as StoredItem[];
    expect(Array.isArray(items)).toBe(true);
    expect(items.find((i) => i.imageKey === TRICKY_KEY)).toEqual({ ...itemFor(0), ...feedAttributes(itemFor(0)) });
  });

  it('says "no items yet" for an empty table, and explains a stack that was never provisioned', async () => {
    const other = await harness.contextFor({ stack: 'empty' });
    await provision(other);
    const { code, stdout } = await cli(['scan-db', '--local', '--stack', 'empty']);
    expect(code).toBe(0);
    expect(stdout).toMatch(/no items yet in table thumbs-empty-images\nhint: .*thumbs upload/);
    const never = await harness.contextFor({ stack: 'never' });
    await expect(scanDb(never)).rejects.toMatchObject({ code: 'not-provisioned', hint: expect.stringContaining('thumbs provision') });
    await expect(scanDb(never)).rejects.toBeInstanceOf(ThumbsError);
  });
});

describe('status on the embedded backend', () => {
  it('reports nothing provisioned for a stack without state', async () => {
    const result = await status(await harness.contextFor({ stack: 'nothing' }));
    expect(result).toMatchObject({ stack: 'nothing', provisioned: false, resources: [] });
  });

  it('counts objects, bytes, queue depth and table items', async () => {
    const ctx = await harness.contextFor({ stack: 'counted' });
    const { resources } = await provision(ctx);
    const id = (kind: string) => resources.find((r) => r.kind === kind)?.id ?? '';
    await Promise.all([
      ...[100, 250, 4096].map((size, i) =>
        ctx.clients.s3.send(new PutObjectCommand({ Bucket: id('originalsBucket'), Key: `o${i}.jpg`, Body: Buffer.alloc(size) })),
      ),
      ...[1, 2].map((i) => ctx.clients.sqs.send(new SendMessageCommand({ QueueUrl: id('queue'), MessageBody: `m${i}` }))),
      ...[1, 2, 3].map((i) => ctx.clients.doc.send(new PutCommand({ TableName: id('table'), Item: { imageKey: `k${i}` } }))),
    ]);
    const result = await status(ctx);
    const of = (kind: string) => result.resources.find((r) => r.kind === kind);
    expect(result.provisioned).toBe(true);
    expect(of('originalsBucket')).toMatchObject({ exists: true, origin: 'created', bucket: { objects: 3, bytes: 4446, capped: false } });
    expect(of('thumbnailsBucket')).toMatchObject({ exists: true, bucket: { objects: 0, bytes: 0 } });
    expect(of('queue')).toMatchObject({ exists: true, queue: { visible: 2, inFlight: 0 } });
    expect(of('deadLetterQueue')).toMatchObject({ exists: true, queue: { visible: 0, inFlight: 0 } });
    expect(of('table')).toMatchObject({ exists: true, table: { items: 3, source: 'scan' } });
  });
});

describe('doctor --local', () => {
  it('passes with a running backend and skips the AWS-only checks', async () => {
    const local = await probeLocalEndpoints(harness.stateDir);
    const report = await doctor(harness.ctx, { local, nodeVersion: '22.13.0' });
    const byName = Object.fromEntries(report.checks.map((c) => [c.name, c]));
    expect(report.ok).toBe(true);
    expect(byName['local backend']?.status).toBe('pass');
    expect(byName['endpoint reachable']?.status).toBe('pass');
    expect(byName.credentials).toMatchObject({ status: 'skip', detail: expect.stringContaining('embedded backend') });
  });

  it('reports a missing backend as a failed check with the fix, not a crash', async () => {
    const settings = { ...harness.ctx.settings, stateDir: path.join(harness.stateDir, 'nowhere') };
    const { target, local } = await doctorTarget(settings);
    expect(target.backend).toBe('embedded');
    const report = await doctor(await harness.contextFor({ stateDir: settings.stateDir }), { local, nodeVersion: '22.13.0' });
    const check = report.checks.find((c) => c.name === 'local backend');
    expect(report.ok).toBe(false);
    expect(check).toMatchObject({ ok: false, status: 'fail', fix: expect.stringContaining('thumbs dev') });
    expect(report.checks.find((c) => c.name === 'endpoint reachable')?.status).toBe('skip');
  });
});
