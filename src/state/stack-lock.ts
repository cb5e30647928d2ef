import { randomUUID } from 'node:crypto';
import { link, mkdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { unlinkSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';
import { ThumbsError } from '../errors.js';

/** Who holds a stack's lock: written into the lock file beside the state file. */
export interface LockHolder {
  pid: number;
  host: string;
  /** ISO time the command started. */
  startedAt: string;
  /** e.g. "provision" */
  command: string;
}

export interface StackLock {
  readonly file: string;
  release(): Promise<void>;
}

export interface LockOptions {
  command: string;
  /** How long a second command waits for the holder; default THUMBS_LOCK_WAIT_SECONDS, else 5 s. */
  waitMs?: number;
  pollMs?: number;
}

export const DEFAULT_LOCK_WAIT_SECONDS = 5;

export function lockFilePath(stateDir: string, stack: string): string {
  return path.join(stateDir, `${stack}.lock`);
}

/** How long a second command waits for a holder (the file lock's and the lease's alike). */
export function lockWaitMs(): number {
  const seconds = Number(process.env.THUMBS_LOCK_WAIT_SECONDS);
  return (Number.isFinite(seconds) && seconds >= 0 && process.env.THUMBS_LOCK_WAIT_SECONDS !== '' ? seconds : DEFAULT_LOCK_WAIT_SECONDS) * 1000;
}

/** Alive, or not ours to judge: signal 0 tests without signalling; EPERM means it exists under another user. */
export function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Who holds a lock file; undefined when there is none. */
export async function readLockHolder(file: string): Promise<LockHolder | undefined> {
  try {
    return JSON.parse(await readFile(file, 'utf8')) as LockHolder;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    // Unreadable (edited by hand, a full disk): no live holder can be named, so it is treated as stale.
    return { pid: -1, host: os.hostname(), startedAt: '', command: 'unknown' };
  }
}

/** A holder on this host whose process is gone (a killed or crashed command). */
function isStale(holder: LockHolder): boolean {
  return holder.host === os.hostname() && (holder.pid <= 0 || !processAlive(holder.pid));
}

const sameHolder = (a: LockHolder | undefined, b: LockHolder) => a?.pid === b.pid && a.host === b.host && a.startedAt === b.startedAt;

/**
 * Moves a stale lock aside. Two commands may find the same stale lock at once: each renames
 * whatever is there to its own name and checks it is the stale holder it saw; one that took a
 * fresh lock instead puts it back (link fails if the place is taken, so nothing is overwritten).
 */
async function takeOver(file: string, stale: LockHolder): Promise<void> {
  const aside = `${file}.${process.pid}.stale`;
  try {
    await rename(file, aside);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return;
    throw error;
  }
  if (!sameHolder(await readLockHolder(aside), stale)) await link(aside, file).catch(() => undefined);
  await rm(aside, { force: true });
}

/**
 * Creates the lock with its content in one step: the holder is written to a file of this process's
 * own, then hard-linked to the lock's name (link fails if the name is taken). A lock file is thus
 * never seen empty or half-written by a second command, which would otherwise take it for stale.
 */
async function tryCreate(file: string, holder: LockHolder): Promise<boolean> {
  const own = `${file}.${process.pid}.${randomUUID()}.tmp`;
  await writeFile(own, `${JSON.stringify(holder)}\n`, { mode: 0o600 });
  try {
    await link(own, file);
    return true;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw error;
  } finally {
    await rm(own, { force: true });
  }
}

function describeHolder(holder: LockHolder): string {
  return `thumbs ${holder.command} (pid ${holder.pid} on ${holder.host}, since ${holder.startedAt})`;
}

/**
 * Takes the stack's lock: one command that changes a stack at a time. A lock left by a dead
 * process on this host is taken over; a live holder is waited for a few seconds, then the command
 * is refused (exit 2) naming it. The lock goes when released, or when the process exits.
 */
export async function lockStack(stateDir: string, stack: string, options: LockOptions): Promise<StackLock> {
  const file = lockFilePath(stateDir, stack);
  await mkdir(stateDir, { recursive: true });
  const holder: LockHolder = { pid: process.pid, host: os.hostname(), startedAt: new Date().toISOString(), command: options.command };
  const deadline = Date.now() + (options.waitMs ?? lockWaitMs());
  for (;;) {
    if (await tryCreate(file, holder)) break;
    const current = await readLockHolder(file);
    if (!current) continue;
    if (isStale(current)) {
      await takeOver(file, current);
      continue;
    }
    if (Date.now() >= deadline) {
      throw new ThumbsError('stack-locked', `stack "${stack}" is in use by ${describeHolder(current)}`, {
        hint: `Wait for it to finish and run this again. If that command is gone (another host, or a reused pid), delete ${file}.`,
        exitCode: 2,
      });
    }
    await delay(options.pollMs ?? 100);
  }
  // An interrupted command (exit on Ctrl-C) still leaves no lock behind.
  const onExit = () => {
    try {
      unlinkSync(file);
    } catch {
      // already gone
    }
  };
  process.once('exit', onExit);
  let released = false;
  return {
    file,
    async release() {
      if (released) return;
      released = true;
      process.removeListener('exit', onExit);
      // Only our own lock: a takeover by someone else (after we were thought dead) is theirs.
      if (sameHolder(await readLockHolder(file), holder)) await rm(file, { force: true });
    },
  };
}

/** Runs `work` holding the stack's lock. */
export async function withStackLock<T>(stateDir: string, stack: string, options: LockOptions, work: () => Promise<T>): Promise<T> {
  const lock = await lockStack(stateDir, stack, options);
  try {
    return await work();
  } finally {
    await lock.release();
  }
}
