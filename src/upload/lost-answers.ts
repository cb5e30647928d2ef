import type { MiddlewareStack } from '@smithy/types';

interface AttemptError {
  name?: string;
  code?: string;
  message?: string;
  $metadata?: { httpStatusCode?: number };
}

/** Errors raised before a byte of the request left the machine: the connection was never made. */
const NEVER_SENT = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'EHOSTUNREACH', 'ENETUNREACH']);

/**
 * Whether a failed attempt may still have been carried out by the service. An answer below 500
 * (throttling, a bad request) says it was not; a connection never made says the same. A 5xx, or a
 * connection that broke or fell silent after the request went out (a lost answer), may have been:
 * its entries may be in the queue although the SDK sends them again.
 */
export function mayHaveArrived(error: unknown): boolean {
  const e = (error ?? {}) as AttemptError;
  const status = e.$metadata?.httpStatusCode;
  if (status !== undefined) return status >= 500;
  if (NEVER_SENT.has(e.code ?? '')) return false;
  // @smithy/node-http-handler's connection timeout: the socket never connected.
  if (e.name === 'TimeoutError' && /did not establish a connection/.test(e.message ?? '')) return false;
  return true;
}

/**
 * Counts, for one command, the attempts the SDK's retry strategy made that failed yet may have
 * been carried out. Added to the command's own stack in the deserialize step, which runs once per
 * attempt, inside the retries, and sees both the handler's network errors and the parsed service errors.
 */
export function countLostAnswers(stack: MiddlewareStack<object, object>): { count: number } {
  const tally = { count: 0 };
  stack.add(
    (next) => async (args) => {
      try {
        return await next(args);
      } catch (error) {
        if (mayHaveArrived(error)) tally.count += 1;
        throw error;
      }
    },
    { step: 'deserialize', priority: 'high', name: 'thumbsLostAnswers', override: true },
  );
  return tally;
}
