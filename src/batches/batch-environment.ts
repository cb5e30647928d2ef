import path from 'node:path';
import { parseTargets } from '../../lambda/batch-config.js';
import { MAX_RECEIVE_COUNT } from '../config/defaults.js';
import type { StackConfig } from '../state/stack-config.js';

/** What the function needs to count and announce batches, as its environment (lambda/batch-config.ts). */
export interface BatchEnvironmentSpec {
  stack: string;
  maxReceiveCount: number;
  /** The recorded notification targets, space-separated (StackConfig.notify). */
  notify?: string;
  secret?: string;
  /** Set when an email target is recorded and the backend has SNS. */
  topicArn?: string;
  /** The embedded backend's outbox, where emails are written instead. */
  outboxDir?: string;
}

export function batchEnvironment(spec: BatchEnvironmentSpec): Record<string, string> {
  const targets = parseTargets(spec.notify);
  return {
    THUMBS_STACK: spec.stack,
    THUMBS_MAX_RECEIVE_COUNT: String(spec.maxReceiveCount),
    ...(targets.length ? { THUMBS_NOTIFY: targets.join(' ') } : {}),
    ...(targets.length && spec.secret ? { THUMBS_NOTIFY_SECRET: spec.secret } : {}),
    ...(spec.topicArn && emailAddresses(spec.notify).length ? { THUMBS_NOTIFY_TOPIC: spec.topicArn } : {}),
    ...(spec.outboxDir ? { THUMBS_OUTBOX_DIR: spec.outboxDir } : {}),
  };
}

/** The addresses of the `email:` targets. */
export function emailAddresses(notify: string | undefined): string[] {
  return parseTargets(notify).filter((t) => t.startsWith('email:')).map((t) => t.slice('email:'.length));
}

/** The embedded backend's outbox: `.thumbs/local/outbox/`, next to the local stacks' state files. */
export const outboxDirOf = (localStateDir: string) => path.join(localStateDir, 'outbox');

/** The local worker's batch environment: webhooks posted for real, emails written to the outbox. */
export function localBatchEnvironment(localStateDir: string, stack: string, config: Pick<StackConfig, 'notify' | 'notifySecret'> | undefined): Record<string, string> {
  return batchEnvironment({ stack, maxReceiveCount: MAX_RECEIVE_COUNT, notify: config?.notify, secret: config?.notifySecret, outboxDir: outboxDirOf(localStateDir) });
}
