import type { Context } from '../context.js';
import { stackNames } from '../resources/names.js';
import { acquireLease, type Lease } from './stack-lease.js';
import { withStackLock } from './stack-lock.js';

/** Per stack: how to take the lease once the stack's table exists (a first provision creates it). */
const awaitingTable = new Map<string, () => Promise<void>>();

/**
 * Called after the record is written (state-store.ts): a command that started before the stack's
 * table existed takes the lease now, so commands from other folders or machines wait for it from
 * here on. Refused (someone else took it first), it stops with exit 2 naming the holder.
 */
export async function leaseOnceRecorded(stack: string): Promise<void> {
  const take = awaitingTable.get(stack);
  if (!take) return;
  awaitingTable.delete(stack);
  await take();
}

/**
 * Runs `work` holding the stack: this folder's lock file (stack-lock.ts), then the stack's lease in
 * its table (stack-lease.ts), which reaches every folder and machine. Before the table exists there
 * is no lease to take: the folder's lock guards alone, creating the table settles a race between
 * folders (one CreateTable wins), and the lease is taken as soon as the record is first written.
 */
export async function holdStack<T>(ctx: Context, stateDir: string, account: () => Promise<string>, command: string, work: () => Promise<T>): Promise<T> {
  const { stack } = ctx.settings;
  return withStackLock(stateDir, stack, { command }, async () => {
    const table = stackNames(stack, await account(), ctx.clients.region).table;
    let lease: Lease | 'no-table' = await acquireLease(ctx, table, stack, { command });
    if (lease === 'no-table') {
      awaitingTable.set(stack, async () => {
        lease = await acquireLease(ctx, table, stack, { command });
      });
    }
    try {
      return await work();
    } finally {
      awaitingTable.delete(stack);
      const held = lease as Lease | 'no-table';
      if (held !== 'no-table') await held.release();
    }
  });
}
