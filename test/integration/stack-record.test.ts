import { DeleteItemCommand, GetItemCommand, PutItemCommand } from '@aws-sdk/client-dynamodb';
import { unmarshall } from '@aws-sdk/util-dynamodb';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { provision } from '../../src/actions/provision.js';
import { scanItems } from '../../src/actions/scan-db.js';
import { status } from '../../src/actions/status.js';
import { unlock } from '../../src/actions/unlock.js';
import type { Context } from '../../src/context.js';
import { usageError } from '../../src/errors.js';
import { backfillTimeIndex } from '../../src/resources/table-index.js';
import { openStack } from '../../src/state/open-stack.js';
import { acquireLease, LEASE_KEY } from '../../src/state/stack-lease.js';
import { RECORD_KEY } from '../../src/state/stack-record.js';
import { startEmbedded, type EmbeddedHarness } from '../helpers/embedded.js';

let harness: EmbeddedHarness;

beforeAll(async () => {
  harness = await startEmbedded();
});
afterAll(async () => harness.stop());

/** A context for `stack` as if run from a folder of its own (its own .thumbs/), on the same backend. */
async function fromAnotherFolder(stack: string): Promise<Context> {
  const stateDir = await mkdtemp(path.join(os.tmpdir(), 'thumbs-folder-'));
  return harness.contextFor({ stack, stateDir });
}

/** The reserved item as DynamoDB holds it, read with the SDK (not through the code under test). */
async function item(stack: string, key: string): Promise<Record<string, unknown> | undefined> {
  const { Item } = await harness.ctx.clients.dynamodb.send(new GetItemCommand({ TableName: `thumbs-${stack}-images`, Key: { imageKey: { S: key } }, ConsistentRead: true }));
  return Item ? unmarshall(Item) : undefined;
}

interface Recorded { recordVersion: number; state: { config?: Record<string, unknown>; resources: Record<string, unknown> } }
/** The record item, its state (kept as JSON) parsed. */
async function recorded(stack: string): Promise<Recorded | undefined> {
  const found = await item(stack, RECORD_KEY);
  return found ? { ...found, recordVersion: Number(found.recordVersion), state: JSON.parse(String(found.state)) as Recorded['state'] } : undefined;
}

describe('the stack\'s record, kept in its table (embedded backend)', () => {
  it('lives in the table: another folder, or a deleted .thumbs/, reads the same choices and a plain provision keeps them', async () => {
    const first = await fromAnotherFolder('kept');
    await provision(first, { memory: 2048, renditions: 'webp:200', maxBytes: 1_300_000 });
    expect((await recorded('kept'))?.state.config).toMatchObject({ memory: 2048, renditions: 'webp:200', maxBytes: 1_300_000 });
    await rm(first.settings.stateDir, { recursive: true, force: true });

    const second = await fromAnotherFolder('kept');
    const again = await provision(second, {});
    expect(again.changes).toEqual([]);
    expect(again.config).toMatchObject({ memory: 2048, renditions: 'webp:200', maxBytes: 1_300_000 });
    expect(again.resources.filter((r) => r.status === 'created')).toEqual([]);
    expect((await recorded('kept'))?.state.config).toMatchObject({ memory: 2048, renditions: 'webp:200' });
    // The new folder's cache is rebuilt from the record, and status sees the stack without it.
    const cache = JSON.parse(await readFile(path.join(second.settings.stateDir, 'local', 'kept.json'), 'utf8')) as { config: { memory: number } };
    expect(cache.config.memory).toBe(2048);
    const third = await fromAnotherFolder('kept');
    expect(await status(third)).toMatchObject({ provisioned: true, healthy: true });
  });

  it('two writers at once: the second write loses the condition, re-reads and keeps both changes', async () => {
    const a = await fromAnotherFolder('twice');
    await provision(a, {});
    const before = (await recorded('twice'))?.recordVersion ?? 0;
    const provisionCalls = a.callLog.calls.length;
    const b = await fromAnotherFolder('twice');
    const [one, two] = await Promise.all([openStack(a), openStack(b)]);
    // Both opened the record at the same version; each now writes a change of its own.
    await Promise.all([
      one.store.record('siteBucket', { id: 'site-of-a', origin: 'created' }),
      two.store.record('amplifyApp', { id: 'app-of-b', origin: 'created' }),
    ]);
    const after = await recorded('twice');
    expect(after?.state.resources).toMatchObject({ siteBucket: { id: 'site-of-a' }, amplifyApp: { id: 'app-of-b' }, table: { id: 'thumbs-twice-images' } });
    expect(after?.recordVersion).toBe(before + 2);
    const refused = [...a.callLog.calls.slice(provisionCalls), ...b.callLog.calls].filter((call) => call.command === 'UpdateItem' && !call.ok);
    expect(refused).toHaveLength(1);
  });

  it('moves a stack of the previous release (state file only) into the record on its next command, and says so once', async () => {
    const ctx = await fromAnotherFolder('old');
    await provision(ctx, { memory: 3008 });
    // What the previous release left: the same table and state file, no record in the table.
    await ctx.clients.dynamodb.send(new DeleteItemCommand({ TableName: 'thumbs-old-images', Key: { imageKey: { S: RECORD_KEY } } }));
    const file = JSON.parse(await readFile(path.join(ctx.settings.stateDir, 'local', 'old.json'), 'utf8')) as { resources: Record<string, unknown> };
    const messages = () => harness.reporter.events.filter((m) => m.text.includes('stack "old": its record moved'));
    expect(messages()).toHaveLength(0);

    await status(ctx);
    expect(messages()).toHaveLength(1);
    expect(messages()[0]?.text).toContain('into table thumbs-old-images');
    const moved = await recorded('old');
    expect(moved?.state.config).toMatchObject({ memory: 3008 });
    expect(Object.keys(moved?.state.resources ?? {}).sort()).toEqual(Object.keys(file.resources).sort());
    await provision(ctx, {});
    expect(messages()).toHaveLength(1);
    // Another folder now reads the migrated choices.
    expect((await provision(await fromAnotherFolder('old'), {})).config.memory).toBe(3008);
  });

  it('the record and the lease are not images: scan-db, the status count and the index backfill leave them out', async () => {
    const ctx = await fromAnotherFolder('reserved');
    await provision(ctx, {});
    await acquireLease(ctx, 'thumbs-reserved-images', 'reserved', { command: 'test' });
    expect(await item('reserved', LEASE_KEY)).toBeDefined();
    expect((await scanItems(ctx.clients.doc, 'thumbs-reserved-images')).items).toEqual([]);
    expect(await backfillTimeIndex(ctx, 'thumbs-reserved-images')).toEqual({ written: 0, skipped: 0 });
    expect(await item('reserved', RECORD_KEY)).not.toHaveProperty('feedAt');
    const table = (await status(ctx)).resources.find((r) => r.kind === 'table') as { table?: { items: number } };
    expect(table.table?.items).toBe(0);
  });
});

describe('the stack\'s lease (embedded backend)', () => {
  const TABLE = 'thumbs-leased-images';
  const putLease = (ctx: Context, fields: { host: string; pid: number; expiresAtMs: number }) =>
    ctx.clients.dynamodb.send(new PutItemCommand({
      TableName: TABLE,
      Item: {
        imageKey: { S: LEASE_KEY }, leaseId: { S: 'other' }, command: { S: 'provision' }, host: { S: fields.host }, pid: { N: String(fields.pid) },
        startedAt: { S: '2026-01-01T00:00:00.000Z' }, expiresAtMs: { N: String(fields.expiresAtMs) },
      },
    }));

  it('a second holder waits, then is refused (exit 2) naming the first and its host; released, it is free', async () => {
    const a = await fromAnotherFolder('leased');
    await provision(a, {});
    const b = await fromAnotherFolder('leased');
    const held = await acquireLease(a, TABLE, 'leased', { command: 'provision' });
    const started = Date.now();
    await expect(acquireLease(b, TABLE, 'leased', { command: 'upload', waitMs: 400, pollMs: 50 })).rejects.toMatchObject({
      code: 'stack-locked',
      exitCode: 2,
      message: expect.stringContaining(`thumbs provision (pid ${process.pid} on ${os.hostname()}`),
    });
    expect(Date.now() - started).toBeGreaterThanOrEqual(400);
    if (held === 'no-table') throw new Error('the table exists');
    await held.release();
    expect(await item('leased', LEASE_KEY)).toBeUndefined();
    const next = await acquireLease(b, TABLE, 'leased', { command: 'upload', waitMs: 0 });
    expect(next).not.toBe('no-table');
    if (next !== 'no-table') await next.release();
  });

  it('an expired lease of another host is taken over; a live one is not', async () => {
    const ctx = await fromAnotherFolder('leased');
    await putLease(ctx, { host: 'laptop-2', pid: 4242, expiresAtMs: Date.now() + 60_000 });
    await expect(acquireLease(ctx, TABLE, 'leased', { command: 'deploy', waitMs: 0 })).rejects.toMatchObject({ message: expect.stringContaining('pid 4242 on laptop-2') });
    await putLease(ctx, { host: 'laptop-2', pid: 4242, expiresAtMs: Date.now() - 1 });
    const taken = await acquireLease(ctx, TABLE, 'leased', { command: 'deploy', waitMs: 0 });
    expect(await item('leased', LEASE_KEY)).toMatchObject({ command: 'deploy', host: os.hostname(), pid: process.pid });
    if (taken !== 'no-table') await taken.release();
  });

  it('thumbs unlock names the holder, refuses without confirmation, and breaks the lease with it', async () => {
    const ctx = await fromAnotherFolder('leased');
    await putLease(ctx, { host: 'laptop-2', pid: 4242, expiresAtMs: Date.now() + 60_000 });
    const refusing = { ...ctx, confirm: async (question: string) => { throw usageError('confirmation-required', `refusing without confirmation: ${question}`, 'pass --yes'); } };
    await expect(unlock(refusing)).rejects.toMatchObject({ exitCode: 2, message: expect.stringContaining('pid 4242 on laptop-2') });
    expect(await item('leased', LEASE_KEY)).toMatchObject({ host: 'laptop-2' });
    expect(await unlock({ ...ctx, confirm: async () => false })).toMatchObject({ broken: false, cancelled: true });
    expect(await item('leased', LEASE_KEY)).toMatchObject({ host: 'laptop-2' });
    expect(await unlock(ctx)).toMatchObject({ broken: true, lease: { host: 'laptop-2', pid: 4242 } });
    expect(await item('leased', LEASE_KEY)).toBeUndefined();
  });
});
