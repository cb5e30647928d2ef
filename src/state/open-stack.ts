import { GetCallerIdentityCommand } from '@aws-sdk/client-sts';
import path from 'node:path';
import type { Context } from '../context.js';
import { ThumbsError } from '../errors.js';
import { LOCAL_ACCOUNT } from '../local/constants.js';
import type { StackNames } from '../resources/names.js';
import { stackNames } from '../resources/names.js';
import { isDeepStrictEqual } from 'node:util';
import { leaseOnceRecorded } from './stack-guard.js';
import { readRecord, updateRecord, type RecordSnapshot } from './stack-record.js';
import { readState, stateFilePath, STATE_VERSION, writeState, type StackState } from './state-file.js';
import { StateStore } from './state-store.js';

export interface OpenStack {
  stack: string;
  account: string;
  region: string;
  names: StackNames;
  store: StateStore;
  /** false when neither a record nor a cache file existed: names were derived again from stack, account and region. */
  hadState: boolean;
}

/** The account id: from the state file when there is one (no round trip), else from STS. */
async function accountOf(ctx: Context): Promise<string> {
  if (ctx.target.backend === 'embedded') return LOCAL_ACCOUNT;
  const identity = await ctx.clients.sts.send(new GetCallerIdentityCommand({}));
  return identity.Account ?? LOCAL_ACCOUNT;
}

/** Embedded stacks live and die with `thumbs dev`, so their state is kept apart from real ones. */
export function stateDirFor(ctx: Context): string {
  return ctx.target.backend === 'embedded' ? path.join(ctx.settings.stateDir, 'local') : ctx.settings.stateDir;
}

/**
 * The state file names its account; credentials of another account would find none of its
 * resources and, without this check, teardown would forget them all as already gone.
 */
async function verifyAccount(ctx: Context, recorded: string, stack: string): Promise<void> {
  if (ctx.target.backend === 'embedded') return;
  const current = await currentAccount(ctx);
  if (current !== recorded) {
    throw new ThumbsError('stack-elsewhere', `stack "${stack}" belongs to account ${recorded}, but these credentials are for account ${current}`, {
      hint: 'Use that account\'s credentials (--profile), or choose another --stack. Nothing was changed.',
      exitCode: 2,
    });
  }
}

/** The account of these credentials; asked of STS once per command, however many times it is needed. */
const accounts = new WeakMap<Context, Promise<string>>();
export function currentAccount(ctx: Context): Promise<string> {
  const known = accounts.get(ctx) ?? accountOf(ctx);
  accounts.set(ctx, known);
  return known;
}

/**
 * Opens the stack: its record (a reserved item of its table) when the table exists, else the local
 * cache file. A file written by an earlier release, for a stack whose table has no record yet, is
 * moved into the record (once, conditionally: a second command doing the same keeps the first's).
 */
export async function openStack(ctx: Context, options: { persist?: boolean; migrate?: boolean } = {}): Promise<OpenStack> {
  const { stack } = ctx.settings;
  const stateDir = stateDirFor(ctx);
  const region = ctx.clients.region;
  const persist = options.persist ?? true;
  const cached = await readState(stateDir, stack);
  // The embedded backend's port changes on every start, so only a custom endpoint is part of a stack's identity.
  const endpoint = ctx.target.backend === 'endpoint' ? ctx.target.endpoints?.s3 : undefined;
  if (cached && (cached.region !== region || cached.backend !== ctx.target.backend || cached.endpoint !== endpoint)) {
    const where = `${cached.backend}${cached.endpoint ? ` ${cached.endpoint}` : ''} ${cached.region}`;
    throw new ThumbsError('stack-elsewhere', `stack "${stack}" is recorded in ${where}, not here`, {
      hint: `Run with the same --region/--endpoint-url as before, or choose another --stack. (State: ${stateDir}/${stack}.json)`,
      exitCode: 2,
    });
  }
  const account = cached ? cached.account : await currentAccount(ctx);
  const accountCheck = cached ? verifyAccount(ctx, cached.account, stack) : Promise.resolve();
  ctx.clients.gateWrites(accountCheck);
  const names = stackNames(stack, account, region);
  const fresh: StackState = {
    version: STATE_VERSION,
    stack,
    account,
    region,
    backend: ctx.target.backend,
    ...(endpoint ? { endpoint } : {}),
    updatedAt: new Date().toISOString(),
    resources: {},
  };
  let record = await readRecord(ctx, names.table);
  // A table of the same name in another account holds another stack: the account check names the mistake.
  if (typeof record === 'object' && record.state.account !== account) await accountCheck;
  if (record === undefined && cached && (options.migrate ?? true)) record = await migrate(ctx, names.table, cached, stateDir);
  const remote = typeof record === 'object' ? record : undefined;
  if (remote && persist && !isDeepStrictEqual(remote.state, cached)) await writeState(stateDir, remote.state);
  const onWritten = () => leaseOnceRecorded(stack);
  return {
    stack,
    account,
    region,
    names,
    store: new StateStore(stateDir, remote?.state ?? cached ?? fresh, persist, accountCheck, { ctx, table: names.table, version: remote?.version ?? 0, onWritten }),
    hadState: Boolean(remote ?? cached),
  };
}

/** A stack provisioned by a release that kept its record only in a file: the file becomes the record. */
async function migrate(ctx: Context, table: string, cached: StackState, stateDir: string): Promise<RecordSnapshot | 'no-table'> {
  const moved = await updateRecord(ctx, table, { state: cached, version: 0 }, []);
  if (moved !== 'no-table') {
    ctx.reporter.info(`stack "${cached.stack}": its record moved from ${stateFilePath(stateDir, cached.stack)} into table ${table} (from now on that file is only a cache)`);
  }
  return moved;
}

/** The stack's state as recorded (its record, else the cache file), without opening it for changes; undefined for a new stack. */
export async function readStackState(ctx: Context): Promise<StackState | undefined> {
  const stack = await openStack(ctx, { persist: false, migrate: false });
  return stack.hadState ? stack.store.current : undefined;
}
