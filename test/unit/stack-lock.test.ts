import { spawn } from 'node:child_process';
import { mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { lockFilePath, lockStack, withStackLock, type LockHolder } from '../../src/state/stack-lock.js';

/** The pid of a process that has certainly exited. */
async function deadPid(): Promise<number> {
  const child = spawn(process.execPath, ['-e', ''], { stdio: 'ignore' });
  await new Promise((resolve) => child.once('exit', resolve));
  return child.pid ?? -1;
}

describe('stack lock', () => {
  let dir: string;
  beforeEach(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'thumbs-lock-'));
  });
  afterEach(async () => rm(dir, { recursive: true, force: true }));

  it('writes pid, host, start time and command beside the state, and removes it on release', async () => {
    const lock = await lockStack(dir, 'photos', { command: 'provision' });
    expect(lock.file).toBe(path.join(dir, 'photos.lock'));
    const holder = JSON.parse(await readFile(lock.file, 'utf8')) as LockHolder;
    expect(holder).toMatchObject({ pid: process.pid, host: os.hostname(), command: 'provision' });
    expect(Number.isNaN(Date.parse(holder.startedAt))).toBe(false);
    await lock.release();
    await expect(stat(lock.file)).rejects.toMatchObject({ code: 'ENOENT' });
  });

  it('refuses a second command (exit 2) naming the holder, after waiting', async () => {
    const first = await lockStack(dir, 'photos', { command: 'provision' });
    await expect(lockStack(dir, 'photos', { command: 'teardown', waitMs: 200, pollMs: 20 })).rejects.toMatchObject({
      code: 'stack-locked',
      exitCode: 2,
      message: expect.stringContaining(`thumbs provision (pid ${process.pid} on ${os.hostname()}`),
    });
    // Another stack is not affected.
    await (await lockStack(dir, 'other', { command: 'upload', waitMs: 0 })).release();
    await first.release();
    await (await lockStack(dir, 'photos', { command: 'teardown', waitMs: 0 })).release();
  });

  it('lets a waiting command in once the holder releases', async () => {
    const order: string[] = [];
    let holding!: () => void;
    const held = new Promise<void>((resolve) => (holding = resolve));
    const first = withStackLock(dir, 'photos', { command: 'upload' }, async () => {
      order.push('first start');
      holding();
      await new Promise((r) => setTimeout(r, 100));
      order.push('first end');
    });
    // The second command starts once the first holds the lock, so it must wait for the release.
    await held;
    const second = withStackLock(dir, 'photos', { command: 'upload', pollMs: 10 }, async () => {
      order.push('second');
    });
    await Promise.all([first, second]);
    expect(order).toEqual(['first start', 'first end', 'second']);
  });

  it('takes over a stale lock left by a dead process on this host', async () => {
    const pid = await deadPid();
    const stale: LockHolder = { pid, host: os.hostname(), startedAt: '2026-01-01T00:00:00.000Z', command: 'provision' };
    await writeFile(lockFilePath(dir, 'photos'), JSON.stringify(stale));
    const lock = await lockStack(dir, 'photos', { command: 'teardown', waitMs: 0 });
    expect(JSON.parse(await readFile(lock.file, 'utf8'))).toMatchObject({ pid: process.pid, command: 'teardown' });
    await lock.release();
  });

  it('never takes over a lock from another host, whose processes it cannot see', async () => {
    const pid = await deadPid();
    await writeFile(lockFilePath(dir, 'photos'), JSON.stringify({ pid, host: 'elsewhere.example', startedAt: '2026-01-01T00:00:00.000Z', command: 'upload' }));
    await expect(lockStack(dir, 'photos', { command: 'provision', waitMs: 50, pollMs: 10 })).rejects.toMatchObject({
      code: 'stack-locked',
      message: expect.stringContaining(`pid ${pid} on elsewhere.example`),
    });
  });
});
