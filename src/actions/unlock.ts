import { rm } from 'node:fs/promises';
import type { Context } from '../context.js';
import { stackNames } from '../resources/names.js';
import { currentAccount, stateDirFor } from '../state/open-stack.js';
import { breakLease, describeLeaseHolder, readLease, type LeaseHolder } from '../state/stack-lease.js';
import { lockFilePath, readLockHolder, type LockHolder } from '../state/stack-lock.js';

export interface UnlockResult {
  stack: string;
  /** The stack's lease in its table, when one was held. */
  lease?: LeaseHolder;
  /** This folder's lock file, when there was one. */
  lockFile?: { file: string; holder: LockHolder };
  /** false: nothing was held, or the prompt was answered no. */
  broken: boolean;
  /** The prompt was answered no. */
  cancelled?: boolean;
  /** Why nothing was broken. */
  note?: string;
}

/**
 * `thumbs unlock`: breaks the stack's lease (and this folder's lock file) after confirmation, for a
 * holder that is gone for good (a machine switched off mid-provision) when waiting for its lease to
 * run out is not wanted. Only the lease read here is deleted: a command that took it since keeps it.
 */
export async function unlock(ctx: Context): Promise<UnlockResult> {
  const { stack } = ctx.settings;
  const table = stackNames(stack, await currentAccount(ctx), ctx.clients.region).table;
  const file = lockFilePath(stateDirFor(ctx), stack);
  const [lease, fileHolder] = await Promise.all([readLease(ctx, table), readLockHolder(file)]);
  const held = typeof lease === 'object' ? lease : undefined;
  const result: UnlockResult = { stack, ...(held ? { lease: held } : {}), ...(fileHolder ? { lockFile: { file, holder: fileHolder } } : {}), broken: false };
  if (!held && !fileHolder) return { ...result, note: lease === 'no-table' ? `no table ${table} yet: nothing to unlock` : 'nothing holds this stack' };
  const holder = held ?? fileHolder;
  const expiry = held ? `; its lease runs out by itself at ${held.expiresAt}` : '';
  if (!(await ctx.confirm(`break the lock of stack "${stack}" held by ${describeLeaseHolder(holder as LockHolder)}${expiry}? Do this only if that command is gone.`))) {
    return { ...result, cancelled: true, note: 'answered no: nothing was changed' };
  }
  const leaseBroken = held ? await breakLease(ctx, table, held) : false;
  if (fileHolder) await rm(file, { force: true });
  return { ...result, broken: leaseBroken || Boolean(fileHolder), ...(held && !leaseBroken ? { note: 'the lease had already changed hands; the new holder keeps it' } : {}) };
}
