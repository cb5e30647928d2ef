import { ThumbsError } from '../errors.js';
import type { AwsTarget } from './target.js';

interface AwsLikeError {
  name?: string;
  Code?: string;
  code?: string;
  message?: string;
  $metadata?: { httpStatusCode?: number };
  $fault?: 'client' | 'server';
}

export function errorName(error: unknown): string {
  const e = (error ?? {}) as AwsLikeError;
  return e.name ?? e.Code ?? e.code ?? 'Error';
}

export function httpStatus(error: unknown): number | undefined {
  return (error as AwsLikeError | undefined)?.$metadata?.httpStatusCode;
}

const NOT_FOUND = new Set([
  'NotFound',
  'NoSuchBucket',
  'NoSuchKey',
  'NoSuchEntity',
  'NoSuchTagSet',
  'NoSuchTagSetError',
  'ResourceNotFoundException',
  'QueueDoesNotExist',
  'AWS.SimpleQueueService.NonExistentQueue',
  'NotFoundException',
]);

/** The "it is already gone" answers, which every remove step counts as done. */
export function isNotFound(error: unknown): boolean {
  return NOT_FOUND.has(errorName(error)) || (httpStatus(error) === 404 && errorName(error) !== 'AccessDenied');
}

/** Runs a delete; "already gone" counts as done. */
/** The answer of a read, or undefined when what it reads does not exist. */
export async function unlessNotFound<T>(read: Promise<T>): Promise<T | undefined> {
  try {
    return await read;
  } catch (error) {
    if (isNotFound(error)) return undefined;
    throw error;
  }
}

export async function ignoreNotFound(work: () => Promise<unknown>): Promise<void> {
  try {
    await work();
  } catch (error) {
    if (!isNotFound(error)) throw error;
  }
}

const DENIED = new Set(['AccessDenied', 'AccessDeniedException', 'UnauthorizedOperation', 'AuthorizationError', 'Forbidden']);

export function isAccessDenied(error: unknown): boolean {
  return DENIED.has(errorName(error)) || httpStatus(error) === 403;
}

const CREDENTIAL_ERRORS = new Set([
  'CredentialsProviderError',
  'ExpiredToken',
  'ExpiredTokenException',
  'InvalidClientTokenId',
  'UnrecognizedClientException',
  'InvalidAccessKeyId',
  'TokenRefreshRequired',
]);

const UNREACHABLE = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'EHOSTUNREACH', 'ECONNRESET', 'TimeoutError']);

/** Turns the errors a user can act on into one clear ThumbsError; anything else passes through unchanged. */
export function explainAwsError(error: unknown, target: AwsTarget): unknown {
  if (error instanceof ThumbsError) return error;
  const name = errorName(error);
  const message = (error as AwsLikeError | undefined)?.message ?? String(error);
  if (CREDENTIAL_ERRORS.has(name) || /Could not load credentials|expired/i.test(message) && /token|credential/i.test(message)) {
    const expired = /expired/i.test(name + message);
    return new ThumbsError(expired ? 'credentials-expired' : 'credentials-missing', expired
      ? `AWS credentials${target.profile ? ` of profile ${target.profile}` : ''} have expired (${name})`
      : `no usable AWS credentials${target.profile ? ` for profile ${target.profile}` : ''} (${name}: ${firstLine(message)})`, {
      hint: expired
        ? 'Refresh them: `aws sso login`, or paste fresh session credentials from your lab page, then run again.'
        : target.backend === 'endpoint'
          ? 'LocalStack accepts any credentials: export AWS_ACCESS_KEY_ID=test AWS_SECRET_ACCESS_KEY=test.'
          : 'Configure credentials (`aws configure`, `aws sso login`, or AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY/AWS_SESSION_TOKEN), or run offline with --local.',
      cause: error,
    });
  }
  if (UNREACHABLE.has(name) || UNREACHABLE.has((error as AwsLikeError).code ?? '')) {
    const where = target.endpoints?.s3 ?? 'AWS';
    return new ThumbsError('endpoint-unreachable', `cannot reach ${where} (${name}: ${firstLine(message)})`, {
      hint: target.backend === 'embedded'
        ? 'Start the local backend with `thumbs dev` in another terminal.'
        : target.backend === 'endpoint'
          ? 'Check that the endpoint is running (LocalStack: `localstack start`) and that --endpoint-url is right.'
          : 'Check your network connection and --region.',
      cause: error,
    });
  }
  if (name === 'QueueDeletedRecently' || name === 'AWS.SimpleQueueService.QueueDeletedRecently') {
    return new ThumbsError('queue-deleted-recently', `SQS refuses to re-create a queue for 60 seconds after deleting it (${firstLine(message)})`, {
      hint: 'Wait a minute after a teardown, then run provision again; it picks up where it stopped.',
      cause: error,
    });
  }
  if (isAccessDenied(error)) {
    return new ThumbsError('access-denied', `AWS refused: ${firstLine(message)}`, {
      hint: 'Your identity lacks a permission; the message names the action. Lab accounts forbid some actions: see README "Lab accounts".',
      cause: error,
    });
  }
  if ((error as AwsLikeError | undefined)?.$metadata) {
    // An answer from AWS that thumbs has no special words for: still AWS's refusal, not a crash.
    return new ThumbsError('aws-error', `AWS answered ${name}: ${firstLine(message)}`, {
      hint: (error as AwsLikeError).$fault === 'server'
        ? 'A temporary AWS-side error: run the same command again; every step is safe to repeat.'
        : 'Check the resource named in the message; run the same command again once it is fixed (every step is safe to repeat).',
      cause: error,
    });
  }
  return error;
}

function firstLine(text: string): string {
  return text.split('\n')[0] ?? text;
}
