import { GetCallerIdentityCommand } from '@aws-sdk/client-sts';
import path from 'node:path';
import type { Context } from '../context.js';
import { ThumbsError } from '../errors.js';
import { LOCAL_ACCOUNT } from '../local/constants.js';
import type { StackNames } from '../resources/names.js';
import { stackNames } from '../resources/names.js';
import { readState, STATE_VERSION } from './state-file.js';
import { StateStore } from './state-store.js';

export interface OpenStack {
  stack: string;
  account: string;
  region: string;
  names: StackNames;
  store: StateStore;
  /** false when no state file existed: names were derived again from stack, account and region. */
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
  const current = await accountOf(ctx);
  if (current !== recorded) {
    throw new ThumbsError('stack-elsewhere', `stack "${stack}" belongs to account ${recorded}, but these credentials are for account ${current}`, {
      hint: 'Use that account\'s credentials (--profile), or choose another --stack. Nothing was changed.',
      exitCode: 2,
    });
  }
}

export async function openStack(ctx: Context, options: { persist?: boolean } = {}): Promise<OpenStack> {
  const { stack } = ctx.settings;
  const stateDir = stateDirFor(ctx);
  const region = ctx.clients.region;
  const existing = await readState(stateDir, stack);
  // The embedded backend's port changes on every start, so only a custom endpoint is part of a stack's identity.
  const endpoint = ctx.target.backend === 'endpoint' ? ctx.target.endpoints?.s3 : undefined;
  if (existing && (existing.region !== region || existing.backend !== ctx.target.backend || existing.endpoint !== endpoint)) {
    const where = `${existing.backend}${existing.endpoint ? ` ${existing.endpoint}` : ''} ${existing.region}`;
    throw new ThumbsError('stack-elsewhere', `stack "${stack}" is recorded in ${where}, not here`, {
      hint: `Run with the same --region/--endpoint-url as before, or choose another --stack. (State: ${stateDir}/${stack}.json)`,
      exitCode: 2,
    });
  }
  const account = existing ? existing.account : await accountOf(ctx);
  const accountCheck = existing ? verifyAccount(ctx, existing.account, stack) : Promise.resolve();
  ctx.clients.gateWrites(accountCheck);
  const state = existing
    ? existing
    : {
        version: STATE_VERSION,
        stack,
        account,
        region,
        backend: ctx.target.backend,
        ...(endpoint ? { endpoint } : {}),
        updatedAt: new Date().toISOString(),
        resources: {},
      };
  return {
    stack,
    account,
    region,
    names: stackNames(stack, account, region),
    store: new StateStore(stateDir, state, options.persist ?? true, accountCheck),
    hadState: Boolean(existing),
  };
}
