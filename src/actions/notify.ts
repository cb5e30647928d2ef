import { parseTargets } from '../../lambda/batch-config.js';
import type { Context } from '../context.js';
import { stateDirFor } from '../state/open-stack.js';
import { recordedConfig } from '../state/stack-config.js';
import { readState } from '../state/state-file.js';
import { notProvisioned } from '../upload/stack-targets.js';

export interface NotifyResult {
  stack: string;
  targets: string[];
  /** Only when asked for (--secret): the HMAC key a receiver checks X-Thumbs-Signature with. */
  secret?: string;
}

/** `thumbs notify`: the recorded notification targets, and with `secret` the webhook key, from the stack's record. */
export async function notifySettings(ctx: Context, options: { secret?: boolean } = {}): Promise<NotifyResult> {
  const stack = ctx.settings.stack;
  const state = await readState(stateDirFor(ctx), stack);
  if (!state) throw notProvisioned(ctx, 'no state recorded');
  const config = recordedConfig(state);
  const result: NotifyResult = { stack, targets: parseTargets(config?.notify) };
  if (options.secret && config?.notifySecret) result.secret = config.notifySecret;
  return result;
}
