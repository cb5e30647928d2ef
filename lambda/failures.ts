/**
 * Failures split in two: a PERMANENT one will fail the same way on every retry (bad input), so it is
 * recorded and acknowledged; a TRANSIENT one (throttling, timeouts, 5xx, network, misconfiguration) is
 * retried through SQS and, after maxReceiveCount, kept in the DLQ. Only the caller knows whether an AWS
 * error is about the input (a deleted original) or about our own resources (a missing thumbnails
 * bucket), so AWS errors are never permanent here: the caller wraps the input's in a PermanentError.
 */
export type FailureKind = 'permanent' | 'transient';

export interface Failure {
  kind: FailureKind;
  /** Short human reason, stored in the item's `error`. */
  reason: string;
}

/** A failure that carries the short reason stored in the item's `error`. */
abstract class ReasonedError extends Error {
  constructor(
    readonly reason: string,
    options?: { cause?: unknown },
  ) {
    super(reason, options);
  }
}

/** A failure caused by the input itself; retrying cannot help. */
export class PermanentError extends ReasonedError {
  override name = 'PermanentError';
}

/** A failure that may pass on retry although it came from the image library (e.g. out of memory). */
export class TransientError extends ReasonedError {
  override name = 'TransientError';
}

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
  if (err instanceof TransientError) return { kind: 'transient', reason: err.reason };
  const { name, status, e } = awsFields(err);
  if (THROTTLING.has(name) || status === 429) return { kind: 'transient', reason: `throttled (${name || status})` };
  if (status !== undefined && status >= 500) return { kind: 'transient', reason: `server error ${status} (${name})` };
  if (name === 'TimeoutError' || name === 'AbortError' || (e.code && NETWORK_CODES.has(e.code))) {
    return { kind: 'transient', reason: `network: ${e.code ?? name}` };
  }
  return { kind: 'transient', reason: `${name || 'Error'}: ${e.message ?? String(err)}`.slice(0, 300) };
}

function awsFields(err: unknown): { name: string; status: number | undefined; e: AwsLikeError } {
  const e = (typeof err === 'object' && err !== null ? err : {}) as AwsLikeError;
  return { name: e.name ?? '', status: e.$metadata?.httpStatusCode, e };
}

/** The object itself is absent (NoSuchKey, or a bare 404): NoSuchBucket is a configuration problem, not this. */
export function isMissingObject(err: unknown): boolean {
  const { name, status } = awsFields(err);
  return name === 'NoSuchKey' || name === 'NotFound' || (status === 404 && name !== 'NoSuchBucket');
}

/** S3's answer to a conditional request (If-Match) whose condition no longer holds. */
export function isPreconditionFailed(err: unknown): boolean {
  const { name, status } = awsFields(err);
  return name === 'PreconditionFailed' || status === 412;
}

/**
 * Maps a sharp/libvips error to a short reason. The input decides almost all of them, so they are
 * permanent; running out of memory depends on what else the instance was doing, so that one is retried.
 */
export function imageFailure(err: unknown): PermanentError | TransientError {
  const message = err instanceof Error ? err.message : String(err);
  if (/out of memory|memory allocation|ENOMEM/i.test(message)) {
    return new TransientError(`out of memory: ${message.split('\n')[0]}`.slice(0, 200), { cause: err });
  }
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
