import { DeleteItemCommand, GetItemCommand, PutItemCommand, UpdateItemCommand } from '@aws-sdk/client-dynamodb';
import { randomUUID } from 'node:crypto';
import os from 'node:os';
import { setTimeout as delay } from 'node:timers/promises';
import { RESERVED_KEY_PREFIX } from '../../lambda/contract.js';
import { errorName } from '../aws/aws-errors.js';
import type { Context } from '../context.js';
import { ThumbsError } from '../errors.js';
import { isNoTable } from './stack-record.js';
import { lockWaitMs, processAlive, type LockHolder } from './stack-lock.js';

/** The stack's lease: a reserved item of its table, beside the record (stack-record.ts). */
export const LEASE_KEY = `${RESERVED_KEY_PREFIX}lease`;
/** How long a lease lasts without renewal; the holder renews it every third of that while it runs. */
export const LEASE_SECONDS = 60;

export interface LeaseHolder extends LockHolder {
  leaseId: string;
  /** ISO time the lease ends unless renewed. */
  expiresAt: string;
}

export interface Lease {
  readonly holder: LeaseHolder;
  release(): Promise<void>;
}

export interface LeaseOptions {
  command: string;
  /** How long a second command waits for the holder; default THUMBS_LOCK_WAIT_SECONDS, else 5 s. */
  waitMs?: number;
  pollMs?: number;
  seconds?: number;
}

const isConflict = (error: unknown) => errorName(error) === 'ConditionalCheckFailedException';
const leaseKey = { imageKey: { S: LEASE_KEY } };

/** The lease as it is now; undefined when none is held, 'no-table' before the table exists. */
export async function readLease(ctx: Context, table: string): Promise<LeaseHolder | undefined | 'no-table'> {
  try {
    const item = (await ctx.clients.dynamodb.send(new GetItemCommand({ TableName: table, Key: leaseKey, ConsistentRead: true })))?.Item;
    if (!item) return undefined;
    const text = (name: string) => item[name]?.S ?? '';
    const expiresAt = new Date(Number(item.expiresAtMs?.N ?? 0)).toISOString();
    return { leaseId: text('leaseId'), command: text('command'), host: text('host'), pid: Number(item.pid?.N ?? -1), startedAt: text('startedAt'), expiresAt };
  } catch (error) {
    if (isNoTable(error)) return 'no-table';
    throw error;
  }
}

/** Expired, or held by a process of this host that is gone (a killed command). */
function isStale(holder: LeaseHolder, now: number): boolean {
  return Date.parse(holder.expiresAt) < now || (holder.host === os.hostname() && !processAlive(holder.pid));
}

/**
 * One conditional write: the lease is ours if there was none, it had expired, or it is the stale
 * one we just read (so two commands taking over the same dead holder's lease cannot both win).
 */
async function tryTake(ctx: Context, table: string, holder: LeaseHolder, seconds: number, stale?: LeaseHolder): Promise<boolean> {
  const now = Date.now();
  try {
    await ctx.clients.dynamodb.send(new PutItemCommand({
      TableName: table,
      Item: {
        ...leaseKey, leaseId: { S: holder.leaseId }, command: { S: holder.command }, host: { S: holder.host }, pid: { N: String(holder.pid) },
        startedAt: { S: holder.startedAt }, expiresAtMs: { N: String(now + seconds * 1000) },
      },
      ConditionExpression: stale ? 'leaseId = :stale' : 'attribute_not_exists(imageKey) OR expiresAtMs < :now',
      ExpressionAttributeValues: stale ? { ':stale': { S: stale.leaseId } } : { ':now': { N: String(now) } },
    }));
    return true;
  } catch (error) {
    if (isConflict(error)) return false;
    throw error;
  }
}

export function describeLeaseHolder(holder: LockHolder): string {
  return `thumbs ${holder.command} (pid ${holder.pid} on ${holder.host}, since ${holder.startedAt})`;
}

function lockedError(stack: string, holder: LeaseHolder, local: boolean): ThumbsError {
  return new ThumbsError('stack-locked', `stack "${stack}" is in use by ${describeLeaseHolder(holder)}`, {
    hint: `Wait for it to finish and run this again. If that command is gone, its lease runs out at ${holder.expiresAt}; \`thumbs unlock --stack ${stack}${local ? ' --local' : ''}\` breaks it now.`,
    exitCode: 2,
  });
}

/**
 * Takes the stack's lease: one command that changes a stack at a time, whatever folder or machine it
 * runs from. A live holder is waited for a few seconds, then the command is refused (exit 2) naming
 * it; an expired lease, or one whose process on this host is gone, is taken over. 'no-table' before
 * the stack's table exists.
 */
export async function acquireLease(ctx: Context, table: string, stack: string, options: LeaseOptions): Promise<Lease | 'no-table'> {
  const seconds = options.seconds ?? LEASE_SECONDS;
  const holder: LeaseHolder = {
    leaseId: randomUUID(), command: options.command, host: os.hostname(), pid: process.pid, startedAt: new Date().toISOString(), expiresAt: '',
  };
  const deadline = Date.now() + (options.waitMs ?? lockWaitMs());
  for (;;) {
    try {
      if (await tryTake(ctx, table, holder, seconds)) break;
    } catch (error) {
      if (isNoTable(error)) return 'no-table';
      throw error;
    }
    const current = await readLease(ctx, table);
    if (current === 'no-table') return 'no-table';
    if (!current) continue;
    if (isStale(current, Date.now())) {
      if (await tryTake(ctx, table, holder, seconds, current)) break;
      continue;
    }
    if (Date.now() >= deadline) throw lockedError(stack, current, ctx.target.backend === 'embedded');
    await delay(options.pollMs ?? 250);
  }
  return heldLease(ctx, table, holder, seconds);
}

function heldLease(ctx: Context, table: string, holder: LeaseHolder, seconds: number): Lease {
  const mine = { ConditionExpression: 'leaseId = :mine', ExpressionAttributeValues: { ':mine': { S: holder.leaseId } } };
  let lost = false;
  const renew = async () => {
    try {
      await ctx.clients.dynamodb.send(new UpdateItemCommand({
        TableName: table, Key: leaseKey, UpdateExpression: 'SET expiresAtMs = :until', ...mine,
        ExpressionAttributeValues: { ...mine.ExpressionAttributeValues, ':until': { N: String(Date.now() + seconds * 1000) } },
      }));
    } catch (error) {
      // Gone with the table (teardown) is the end of the lease, not a problem.
      if (isNoTable(error)) return clearInterval(timer);
      if (!isConflict(error) || lost) return;
      lost = true;
      ctx.reporter.warn(`the lease on stack "${ctx.settings.stack}" was broken by another command (thumbs unlock?); this command carries on, but the stack is no longer reserved for it`);
    }
  };
  const timer = setInterval(() => void renew(), (seconds * 1000) / 3);
  timer.unref();
  return {
    holder: { ...holder, expiresAt: new Date(Date.now() + seconds * 1000).toISOString() },
    async release() {
      clearInterval(timer);
      try {
        await ctx.clients.dynamodb.send(new DeleteItemCommand({ TableName: table, Key: leaseKey, ...mine }));
      } catch (error) {
        // Not ours any more (broken and retaken), or gone with the table: nothing to release.
        if (!isConflict(error) && !isNoTable(error)) throw error;
      }
    },
  };
}

/** `thumbs unlock`: deletes the lease read a moment ago, and only that one (not a lease taken since). */
export async function breakLease(ctx: Context, table: string, holder: LeaseHolder): Promise<boolean> {
  try {
    await ctx.clients.dynamodb.send(new DeleteItemCommand({
      TableName: table, Key: leaseKey, ConditionExpression: 'leaseId = :seen', ExpressionAttributeValues: { ':seen': { S: holder.leaseId } },
    }));
    return true;
  } catch (error) {
    if (isConflict(error) || isNoTable(error)) return false;
    throw error;
  }
}
