/**
 * Failures split in two: a PERMANENT one will fail the same way on every retry (bad input), so it is
 * recorded and acknowledged; a TRANSIENT one (throttling, timeouts, 5xx, network) is retried through SQS.
 */
export type FailureKind = 'permanent' | 'transient';

export interface Failure {
  kind: FailureKind;
  /** Short human reason, stored in the item's `error`. */
  reason: string;
}

/** A failure caused by the input itself; retrying cannot help. */
export class PermanentError extends Error {
  override name = 'PermanentError';
  constructor(
    readonly reason: string,
    options?: { cause?: unknown },
  ) {
    super(reason, options);
  }
}

const GONE = new Set(['NoSuchKey', 'NotFound', 'NoSuchBucket']);
const THROTTLING = new Set([
  'Throttling',
  'ThrottlingException',
  'ThrottledException',
  'RequestThrottled',
  'RequestThrottledException',
  'TooManyRequestsException',
  'ProvisionedThroughputExceededException',
  'RequestLimitExceeded',
  'SlowDown',
  'ServiceUnavailable',
  'InternalError',
  'RequestTimeout',
  'RequestTimeoutException',
  'TransactionInProgressException',
]);
const NETWORK_CODES = new Set(['ECONNRESET', 'ECONNREFUSED', 'ETIMEDOUT', 'EPIPE', 'EAI_AGAIN', 'ENOTFOUND', 'EHOSTUNREACH']);

interface AwsLikeError {
  name?: string;
  code?: string;
  message?: string;
  $metadata?: { httpStatusCode?: number };
  $retryable?: unknown;
}

/** Classifies any thrown value; unknown errors count as transient so they are retried and end in the DLQ. */
export function classifyFailure(err: unknown): Failure {
  if (err instanceof PermanentError) return { kind: 'permanent', reason: err.reason };
  const e = (typeof err === 'object' && err !== null ? err : {}) as AwsLikeError;
  const name = e.name ?? '';
  const status = e.$metadata?.httpStatusCode;
  if (GONE.has(name) || status === 404) return { kind: 'permanent', reason: 'object gone (NoSuchKey)' };
  if (THROTTLING.has(name) || status === 429) return { kind: 'transient', reason: `throttled (${name || status})` };
  if (status !== undefined && status >= 500) return { kind: 'transient', reason: `server error ${status} (${name})` };
  if (name === 'TimeoutError' || name === 'AbortError' || (e.code && NETWORK_CODES.has(e.code))) {
    return { kind: 'transient', reason: `network: ${e.code ?? name}` };
  }
  return { kind: 'transient', reason: `${name || 'Error'}: ${e.message ?? String(err)}`.slice(0, 300) };
}

/** Maps a sharp/libvips decode error to a short reason; the input decides these, so they are permanent. */
export function imageFailure(err: unknown): PermanentError {
  const message = err instanceof Error ? err.message : String(err);
  return new PermanentError(describeImageError(message), { cause: err });
}

function describeImageError(message: string): string {
  if (/unsupported image format/i.test(message)) return 'not an image or unsupported format';
  if (/exceeds pixel limit/i.test(message)) return 'over pixel limit';
  if (/premature end|truncated|unexpected end|not enough data|short read|read error/i.test(message)) {
    return 'truncated image';
  }
  const firstLine = message.split('\n')[0] ?? message;
  return `corrupt image: ${firstLine}`.slice(0, 200);
}
