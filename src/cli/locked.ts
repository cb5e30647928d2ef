import type { Context } from '../context.js';

/**
 * An action that changes a stack, run holding the stack (state/stack-guard.ts: this folder's lock
 * and the stack's lease in AWS), so two commands never interleave on one stack, from any folder or
 * machine. Read-only commands (status, scan-db, gallery) and dry runs do not lock.
 */
export function locked<T>(command: string, action: (ctx: Context) => Promise<T>, options: { skip?: boolean } = {}): (ctx: Context) => Promise<T> {
  return async (ctx) => {
    if (options.skip) return action(ctx);
    const [{ holdStack }, { stateDirFor, currentAccount }] = await Promise.all([import('../state/stack-guard.js'), import('../state/open-stack.js')]);
    return holdStack(ctx, stateDirFor(ctx), () => currentAccount(ctx), command, () => action(ctx));
  };
}
