import { ThumbsError, usageError } from '../errors.js';

/** How long a call may wait on the network before the SDK's retry strategy takes over. */
export interface Timeouts {
  /** Until the TCP (and TLS) connection is up. */
  connectMs: number;
  /**
   * Without a byte in either direction, once connected. An idle bound rather than a total one, so
   * a large multipart part that keeps sending is never cut off however long it takes, while an
   * endpoint that accepted the connection and says nothing is. Above SQS's 20 s long poll.
   */
  idleMs: number;
}

export const DEFAULT_TIMEOUTS: Timeouts = { connectMs: 5_000, idleMs: 30_000 };

type Env = Record<string, string | undefined>;

function milliseconds(env: Env, name: string, fallback: number): number {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < 1) {
    throw usageError('bad-env', `${name}=${raw} is not a positive number of milliseconds`, `Unset ${name}, or set it to e.g. ${fallback}.`);
  }
  return value;
}

/** THUMBS_CONNECT_TIMEOUT_MS and THUMBS_IDLE_TIMEOUT_MS, else the defaults. */
export function timeoutsFrom(env: Env = process.env): Timeouts {
  return {
    connectMs: milliseconds(env, 'THUMBS_CONNECT_TIMEOUT_MS', DEFAULT_TIMEOUTS.connectMs),
    idleMs: milliseconds(env, 'THUMBS_IDLE_TIMEOUT_MS', DEFAULT_TIMEOUTS.idleMs),
  };
}

interface TimedOut {
  name?: string;
  message?: string;
  $metadata?: { attempts?: number };
}

const seconds = (ms: number) => `${+(ms / 1000).toFixed(1)} s`;

/** What did not answer, when the error is one of the handler's timeouts; undefined otherwise. */
export function silence(error: unknown, timeouts: Timeouts): string | undefined {
  const e = (error ?? {}) as TimedOut;
  if (e.name !== 'TimeoutError') return undefined;
  // The wording of @smithy/node-http-handler's own errors for its connection and socket timeouts.
  if (/did not establish a connection/.test(e.message ?? '')) return `no connection within ${seconds(timeouts.connectMs)}`;
  if (/timed out after .* of inactivity/.test(e.message ?? '')) return `connected, then no answer for ${seconds(timeouts.idleMs)}`;
  return undefined;
}

/** An endpoint that never answered: named, with the call, after the SDK's retries ran out. */
export class EndpointSilent extends ThumbsError {
  constructor(service: string, endpoint: string | undefined, command: string, what: string, cause: unknown) {
    const attempts = (cause as TimedOut).$metadata?.attempts;
    super('endpoint-silent', `${service} at ${endpoint ?? 'AWS'} did not answer ${command}: ${what}${attempts && attempts > 1 ? ` (${attempts} attempts)` : ''}`, {
      hint: endpoint
        ? 'Check that the endpoint is running and answering (`thumbs doctor` checks it), or correct --endpoint-url / AWS_ENDPOINT_URL. Every step is safe to repeat.'
        : 'Check your network (a firewall or proxy that swallows connections?), then run again; every step is safe to repeat.',
      cause,
    });
  }
}
