import http from 'node:http';
import https from 'node:https';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { S3Client } from '@aws-sdk/client-s3';
import { SQSClient, type SendMessageBatchCommand, type SendMessageBatchCommandOutput } from '@aws-sdk/client-sqs';
import { STSClient } from '@aws-sdk/client-sts';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { NodeHttpHandler } from '@smithy/node-http-handler';
import type { MiddlewareStack, Provider } from '@smithy/types';
import type { AwsCredentialIdentity } from '@aws-sdk/types';
import type { CallLog } from './call-log.js';
import { DirectPut, type SmallPut } from './direct-put.js';
import { DirectSendBatch, type AttemptTally } from './direct-sqs.js';
import { EndpointNotAws, explainNotAws, notAwsSuccess } from './not-aws.js';
import { maxAttemptsProvider } from './retries.js';
import { endpointOf, SDK_SERVICE_IDS, type AwsTarget, type ServiceName } from './target.js';
import { EndpointSilent, silence, timeoutsFrom, type Timeouts } from './timeouts.js';

export interface Clients {
  readonly s3: S3Client;
  readonly sqs: SQSClient;
  readonly dynamodb: DynamoDBClient;
  /** Marshals plain JS objects; drops undefined attributes instead of failing on them. */
  readonly doc: DynamoDBDocumentClient;
  readonly sts: STSClient;
  /** The region every client uses. */
  readonly region: string;
  /**
   * A client of another service with the same settings, created once; see control-plane.ts, which
   * keeps IAM, Lambda and the other heavy clients out of commands that never use them.
   */
  build<T extends SdkClient>(name: ServiceName, make: (config: SharedClientConfig) => T): T;
  /**
   * From now on every call that changes something waits for this check, and fails with its error;
   * reads go ahead. openStack uses it to prove the credentials belong to the stack's account
   * without adding a round trip before the first reads.
   */
  gateWrites(check: Promise<void>): void;
  /** PutObject of a body held in memory, the upload's hot path (see direct-put.ts). */
  putSmallObject(input: SmallPut, abortSignal?: AbortSignal): Promise<{ ETag?: string }>;
  /** SendMessageBatch, the upload's other hot path (see direct-sqs.ts); attempts that may have arrived are added to `lost`. */
  sendMessageBatch(command: SendMessageBatchCommand, lost: AttemptTally, abortSignal?: AbortSignal): Promise<SendMessageBatchCommandOutput>;
  destroy(): void;
}

/** Calls that change nothing; everything else is held by the write gate. */
const READ_ONLY_COMMAND = /^(Get|List|Describe|Head|Lookup|Receive|Scan|Query|BatchGet)/;

interface SdkClient {
  destroy(): void;
  middlewareStack: unknown;
}

/** What every client is given: region, HTTP handler, retries, profile or credentials, endpoint. */
export interface SharedClientConfig {
  region: string;
  requestHandler: NodeHttpHandler;
  /** AWS_MAX_ATTEMPTS, else the profile's max_attempts, else 5 (see retries.ts). */
  maxAttempts: Provider<number>;
  profile?: string;
  credentials?: AwsCredentialIdentity;
  endpoint?: string;
}

interface ClientOptions {
  region: string;
  callLog?: CallLog;
  /** Default: THUMBS_CONNECT_TIMEOUT_MS / THUMBS_IDLE_TIMEOUT_MS, else DEFAULT_TIMEOUTS. */
  timeouts?: Timeouts;
  /** Told when an attempt got no answer and the SDK will try again, so a long wait is never silent. */
  onSilence?: (message: string) => void;
}

/**
 * The only place SDK clients are built. Credentials come from the default provider chain
 * (env, profile, SSO, session tokens) unless the target is the embedded backend.
 * Clients are created on first use, so a command pays only for the services it touches.
 */
export function createClients(target: AwsTarget, options: ClientOptions): Clients {
  const local = target.backend !== 'aws';
  // Upload concurrency is 16 by default; keep-alive sockets avoid a TLS handshake per object.
  const agentOptions = { keepAlive: true, maxSockets: 64 };
  const timeouts = options.timeouts ?? timeoutsFrom();
  const httpAgent = new http.Agent(agentOptions);
  const httpsAgent = new https.Agent(agentOptions);
  const requestHandler = new NodeHttpHandler({
    httpAgent,
    httpsAgent,
    // A local endpoint that refuses connections fails at once anyway; the timeout only bounds a hung one.
    connectionTimeout: local ? Math.min(timeouts.connectMs, 5_000) : timeouts.connectMs,
    // Without it a connection that was accepted and never answered waits forever (no silent waits).
    socketTimeout: timeouts.idleMs,
  });
  const common: SharedClientConfig = {
    region: options.region,
    requestHandler,
    maxAttempts: maxAttemptsProvider(target.profile),
    ...(target.profile && !target.credentials ? { profile: target.profile } : {}),
    ...(target.credentials ? { credentials: target.credentials } : {}),
  };
  const endpointFor = (service: ServiceName) => {
    const endpoint = endpointOf(target, service);
    return endpoint ? { endpoint } : {};
  };
  const cache = new Map<string, { destroy(): void }>();
  let writeGate: Promise<void> = Promise.resolve();
  let directPut: DirectPut | undefined;
  let directSendBatch: DirectSendBatch | undefined;
  function lazy<T extends SdkClient>(name: string, build: () => T): T {
    let client = cache.get(name) as T | undefined;
    if (!client) {
      client = build();
      (client.middlewareStack as MiddlewareStack<object, object>).add(
        (next, context) => async (args) => {
          const command = String((context as { commandName?: string }).commandName ?? '');
          if (!READ_ONLY_COMMAND.test(command)) await writeGate;
          return next(args);
        },
        { step: 'initialize', name: 'thumbsWriteGate', override: true },
      );
      const service = name === 'doc' ? 'dynamodb' : (name as ServiceName);
      (client.middlewareStack as MiddlewareStack<object, object>).add(
        (next, context) => async (args) => {
          try {
            return await next(args);
          } catch (error) {
            const command = String((context as { commandName?: string }).commandName ?? '');
            const what = silence(error, timeouts);
            if (what) throw new EndpointSilent(SDK_SERVICE_IDS[service] ?? name, endpointOf(target, service), command.replace(/Command$/, ''), what, error);
            const method = command.startsWith('Head') ? 'HEAD' : undefined;
            throw explainNotAws(error, SDK_SERVICE_IDS[service] ?? name, endpointOf(target, service), method);
          }
        },
        { step: 'initialize', name: 'thumbsNotAws', override: true },
      );
      (client.middlewareStack as MiddlewareStack<object, object>).add(
        (next, context) => async (args) => {
          const result = await next(args);
          const command = String((context as { commandName?: string }).commandName ?? '');
          const what = notAwsSuccess((result as { response?: { statusCode?: number; headers?: Record<string, string> } }).response, command.startsWith('Head') ? 'HEAD' : undefined);
          if (what) throw new EndpointNotAws(SDK_SERVICE_IDS[service] ?? name, endpointOf(target, service), what, undefined);
          return result;
        },
        { step: 'deserialize', name: 'thumbsNotAwsAnswer', override: true },
      );
      // In the deserialize step, so once per attempt: the retries of a silent endpoint are shown as they happen.
      (client.middlewareStack as MiddlewareStack<object, object>).add(
        (next, context) => async (args) => {
          try {
            return await next(args);
          } catch (error) {
            const what = silence(error, timeouts);
            const command = String((context as { commandName?: string }).commandName ?? '').replace(/Command$/, '');
            if (what) options.onSilence?.(`no answer from ${SDK_SERVICE_IDS[service] ?? name} at ${endpointOf(target, service) ?? 'AWS'} to ${command} (${what})`);
            throw error;
          }
        },
        { step: 'deserialize', priority: 'high', name: 'thumbsSilence', override: true },
      );
      options.callLog?.attach(name, client.middlewareStack as never);
      cache.set(name, client);
    }
    return client;
  }

  const clients: Clients = {
    region: options.region,
    get s3() {
      // Custom endpoints rarely resolve virtual-hosted bucket names (bucket.localhost), so use path style.
      return lazy('s3', () => new S3Client({ ...common, ...endpointFor('s3'), forcePathStyle: endpointOf(target, 's3') !== undefined }));
    },
    get sqs() {
      return lazy('sqs', () => new SQSClient({ ...common, ...endpointFor('sqs') }));
    },
    get dynamodb() {
      return lazy('dynamodb', () => new DynamoDBClient({ ...common, ...endpointFor('dynamodb') }));
    },
    get doc() {
      return lazy('doc', () =>
        DynamoDBDocumentClient.from(clients.dynamodb, { marshallOptions: { removeUndefinedValues: true } }),
      );
    },
    get sts() {
      return lazy('sts', () => new STSClient({ ...common, ...endpointFor('sts') }));
    },
    gateWrites(check) {
      // Held, not awaited here: a read-only command never asks, and must not crash on a rejection.
      check.catch(() => undefined);
      writeGate = check;
    },
    putSmallObject(input, abortSignal) {
      directPut ??= new DirectPut(clients.s3, { httpAgent, httpsAgent, idleMs: timeouts.idleMs }, options.callLog, () => writeGate);
      return directPut.put(input, abortSignal);
    },
    sendMessageBatch(command, lost, abortSignal) {
      directSendBatch ??= new DirectSendBatch(clients.sqs, { httpAgent, httpsAgent, idleMs: timeouts.idleMs }, options.callLog, () => writeGate);
      return directSendBatch.send(command, lost, abortSignal);
    },
    build(name, make) {
      return lazy(name, () => make({ ...common, ...endpointFor(name) }));
    },
    destroy() {
      for (const client of cache.values()) client.destroy();
      cache.clear();
      requestHandler.destroy();
    },
  };
  return clients;
}

/** The region when none was given: the profile's, else us-east-1 (the SDK's own answer, not a guess). */
export async function resolveRegion(target: AwsTarget): Promise<string> {
  if (target.region) return target.region;
  const probe = new STSClient(target.profile ? { profile: target.profile } : {});
  try {
    return await probe.config.region();
  } catch {
    return 'us-east-1';
  } finally {
    probe.destroy();
  }
}
