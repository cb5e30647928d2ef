import { ConfigError } from './config.js';

/** What the function needs to count batches and tell their uploaders (set by provision/deploy and `thumbs dev`). */
export interface BatchConfig {
  /** The stack's name, for the notification. */
  stack: string;
  /** The queue's maxReceiveCount: a message failing on this receive is counted deadLettered. 0: unknown, never counted. */
  maxReceiveCount: number;
  /** `https://…`, `http://` to loopback, or `email:<address>`. */
  targets: string[];
  /** HMAC key for X-Thumbs-Signature. */
  secret?: string;
  /** The stack's SNS topic, for email targets on AWS. */
  topicArn?: string;
  /** Embedded backend: emails are written here as .eml files instead of sent. */
  outboxDir?: string;
}

type Env = Record<string, string | undefined>;

/** THUMBS_NOTIFY is a space-separated list: neither a URL nor an address contains a space. */
export function parseTargets(value: string | undefined): string[] {
  return (value ?? '').split(/\s+/).filter(Boolean);
}

export function loadBatchConfig(env: Env = process.env): BatchConfig {
  const raw = env.THUMBS_MAX_RECEIVE_COUNT?.trim() ?? '';
  const maxReceiveCount = raw === '' ? 0 : Number(raw);
  if (!Number.isInteger(maxReceiveCount) || maxReceiveCount < 0 || maxReceiveCount > 1000) {
    throw new ConfigError(`THUMBS_MAX_RECEIVE_COUNT="${raw}" is invalid; expected an integer from 1 to 1000`);
  }
  const targets = parseTargets(env.THUMBS_NOTIFY);
  const webhook = targets.some((t) => !t.startsWith('email:'));
  if (webhook && !env.THUMBS_NOTIFY_SECRET) throw new ConfigError('THUMBS_NOTIFY names a webhook but THUMBS_NOTIFY_SECRET is not set');
  return {
    stack: env.THUMBS_STACK?.trim() || 'thumbs',
    maxReceiveCount,
    targets,
    ...(env.THUMBS_NOTIFY_SECRET ? { secret: env.THUMBS_NOTIFY_SECRET } : {}),
    ...(env.THUMBS_NOTIFY_TOPIC ? { topicArn: env.THUMBS_NOTIFY_TOPIC } : {}),
    ...(env.THUMBS_OUTBOX_DIR ? { outboxDir: env.THUMBS_OUTBOX_DIR } : {}),
  };
}
