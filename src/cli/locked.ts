import type { Context } from '../context.js';

/**
 * An action that changes a stack, run holding the stack's lock (state/stack-lock.ts), so two
 * commands never interleave on one stack. Read-only commands (status, scan-db, gallery) and dry
 * runs do not lock.
 */
export function locked<T>(command: string, action: (ctx: Context) => Promise<T>, options: { skip?: boolean } = {}): (ctx: Context) => Promise<T> {
  return async (ctx) => {
    if (options.skip) return action(ctx);
    const [{ withStackLock }, { stateDirFor }] = await Promise.all([import('../state/stack-lock.js'), import('../state/open-stack.js')]);
    return withStackLock(stateDirFor(ctx), ctx.settings.stack, { command }, () => action(ctx));
  };
}
