import { createHash } from 'node:crypto';
import http from 'node:http';
import https from 'node:https';
import type { SendMessageBatchCommand, SendMessageBatchCommandInput, SendMessageBatchCommandOutput, SendMessageBatchRequestEntry, SQSClient } from '@aws-sdk/client-sqs';
import type { FinalizeRequestMiddleware, HttpRequest, RequestSigner } from '@smithy/types';
import type { CallLog } from './call-log.js';
import { mayHaveArrived } from '../upload/lost-answers.js';
import { signingScope, type DirectTransport } from './direct-put.js';

/** A queue's SendMessageBatch request as the SDK built and signed it, less what changes per request. */
interface QueueTemplate {
  protocol: string;
  hostname: string;
  port?: number;
  path: string;
  headers: Record<string, string>;
  signingRegion: string;
  signingService: string;
}

/** Set per request by the SDK or the signer; the rest (host, content-type, x-amz-target, x-amzn-query-mode) is kept. */
const PER_REQUEST = new Set(['authorization', 'x-amz-date', 'x-amz-security-token', 'x-amz-content-sha256', 'content-length', 'amz-sdk-invocation-id', 'amz-sdk-request', 'user-agent', 'x-amz-user-agent']);

/** The part of an attempt's fate the caller counts (see lost-answers.ts). */
export interface AttemptTally {
  count: number;
}

interface BatchAnswer {
  Successful?: Array<{ Id?: string; MessageId?: string; MD5OfMessageBody?: string }>;
  Failed?: Array<{ Id?: string; SenderFault?: boolean; Code?: string; Message?: string }>;
}

/**
 * SendMessageBatch without the SDK's per-request pipeline, as DirectPut does for PutObject: an
 * upload sends one batch per 10 objects, and through the SDK those cost about 1.7 ms of CPU each.
 * The first batch to a queue goes through the SDK and its signed request becomes the template
 * (scheme, host, path and the JSON protocol's headers: SQS's JSON protocol is a POST of the
 * request as JSON with `X-Amz-Target: AmazonSQS.SendMessageBatch`); later batches are signed by
 * the client's own signer and sent over its keep-alive sockets. Only a 200 whose body is the
 * answer's JSON counts; anything else (another status, a network error, an answer that does not
 * parse) sends the batch again through the SDK, which owns retries and error messages. An attempt
 * that may have been carried out is counted in the caller's tally, as lost-answers.ts does for the
 * SDK's own retries. Each accepted body's MD5 is checked as the SDK's SQS middleware checks it.
 */
export class DirectSendBatch {
  private readonly templates = new Map<string, QueueTemplate | 'sdk'>();
  private signer: Promise<RequestSigner> | undefined;

  constructor(
    private readonly sqs: SQSClient,
    private readonly transport: DirectTransport,
    private readonly callLog: CallLog | undefined,
    private readonly writesAllowed: () => Promise<void>,
  ) {}

  async send(command: SendMessageBatchCommand, lost: AttemptTally, abortSignal?: AbortSignal): Promise<SendMessageBatchCommandOutput> {
    const queueUrl = command.input.QueueUrl ?? '';
    const template = this.templates.get(queueUrl);
    if (template && template !== 'sdk') {
      // As the SDK's write gate does: its refusal is the call's error, and nothing was sent.
      await this.writesAllowed();
      const attempt = await this.sendDirect(template, command, abortSignal);
      if ('output' in attempt) {
        const wrong = wrongBodies(command.input.Entries ?? [], attempt.output);
        if (wrong) throw wrong;
        return attempt.output;
      }
      if (attempt.mayHaveArrived) lost.count += 1;
      if (abortSignal?.aborted) throw attempt.error;
    } else if (template === undefined) {
      command.middlewareStack.addRelativeTo(
        ((next) => async (args) => {
          this.learn(queueUrl, args.request as HttpRequest);
          return next(args);
        }) as FinalizeRequestMiddleware<SendMessageBatchCommandInput, SendMessageBatchCommandOutput>,
        { relation: 'after', toMiddleware: 'httpSigningMiddleware', name: 'thumbsLearnQueueTemplate', override: true },
      );
    }
    return this.sqs.send(command, { abortSignal });
  }

  private learn(queueUrl: string, request: HttpRequest): void {
    if (this.templates.has(queueUrl)) return;
    const scope = signingScope(request.headers.authorization);
    const headers = Object.fromEntries(Object.entries(request.headers).filter(([name]) => !PER_REQUEST.has(name.toLowerCase())));
    const target = Object.entries(headers).find(([name]) => name.toLowerCase() === 'x-amz-target')?.[1];
    // Only the JSON protocol is known here; a client speaking the query protocol keeps the SDK.
    if (!scope || !headers.host || target !== 'AmazonSQS.SendMessageBatch' || Object.keys(request.query ?? {}).length > 0) {
      this.templates.set(queueUrl, 'sdk');
      return;
    }
    this.templates.set(queueUrl, {
      protocol: request.protocol,
      hostname: request.hostname,
      ...(request.port ? { port: request.port } : {}),
      path: request.path,
      headers,
      signingRegion: scope.region,
      signingService: scope.service,
    });
  }

  private async sendDirect(template: QueueTemplate, command: SendMessageBatchCommand, abortSignal?: AbortSignal): Promise<{ output: SendMessageBatchCommandOutput } | { error: unknown; mayHaveArrived: boolean }> {
    this.signer ??= this.sqs.config.signer({} as never) as Promise<RequestSigner>;
    const { QueueUrl, Entries = [] } = command.input;
    const body = JSON.stringify({ QueueUrl, Entries });
    const request = {
      method: 'POST',
      protocol: template.protocol,
      hostname: template.hostname,
      ...(template.port ? { port: template.port } : {}),
      path: template.path,
      query: {},
      headers: { ...template.headers, 'content-length': String(Buffer.byteLength(body)) },
      body,
    } as unknown as HttpRequest;
    const started = performance.now();
    let ok = false;
    try {
      let signed: HttpRequest;
      try {
        signed = (await (await this.signer).sign(request, { signingRegion: template.signingRegion, signingService: template.signingService })) as HttpRequest;
      } catch (error) {
        // No credentials, say: nothing left the machine, and the SDK will say why.
        return { error, mayHaveArrived: false };
      }
      const answered = await this.post(signed, body, abortSignal).catch((error: unknown) => ({ error }));
      if ('error' in answered) return { error: answered.error, mayHaveArrived: mayHaveArrived(answered.error) };
      const { status, text } = answered;
      // A refusal (4xx) was not carried out; a 5xx may have been.
      if (status !== 200) return { error: new Error(`SendMessageBatch answered ${status}`), mayHaveArrived: status >= 500 };
      const answer = parseAnswer(text);
      if (!answer) return { error: new Error('SendMessageBatch answered 200 without its JSON'), mayHaveArrived: true };
      ok = true;
      return { output: { ...answer, $metadata: { httpStatusCode: 200 } } as SendMessageBatchCommandOutput };
    } finally {
      this.callLog?.record('sqs', 'SendMessageBatch', started, performance.now(), ok);
    }
  }

  private post(signed: HttpRequest, body: string, abortSignal?: AbortSignal): Promise<{ status: number; text: string }> {
    const secure = signed.protocol === 'https:';
    return new Promise((resolve, reject) => {
      const request = (secure ? https : http).request({
        method: 'POST',
        hostname: signed.hostname.replace(/^\[(.*)\]$/, '$1'),
        ...(signed.port ? { port: signed.port } : {}),
        path: signed.path,
        headers: signed.headers,
        agent: secure ? this.transport.httpsAgent : this.transport.httpAgent,
        timeout: this.transport.idleMs,
        ...(abortSignal ? { signal: abortSignal } : {}),
      }, (response) => {
        const chunks: Buffer[] = [];
        response.on('data', (chunk: Buffer) => chunks.push(chunk));
        response.on('error', reject);
        response.on('end', () => resolve({ status: response.statusCode ?? 0, text: Buffer.concat(chunks).toString('utf8') }));
        response.on('close', () => {
          if (!response.complete) reject(new Error('the answer was cut short'));
        });
      });
      request.on('timeout', () => request.destroy(new Error(`no answer within ${this.transport.idleMs} ms`)));
      request.on('error', reject);
      request.end(body);
    });
  }
}

function parseAnswer(text: string): BatchAnswer | undefined {
  try {
    const answer = JSON.parse(text) as unknown;
    if (typeof answer !== 'object' || answer === null || Array.isArray(answer)) return undefined;
    const { Successful, Failed } = answer as BatchAnswer;
    if ((Successful !== undefined && !Array.isArray(Successful)) || (Failed !== undefined && !Array.isArray(Failed))) return undefined;
    if (Successful === undefined && Failed === undefined) return undefined;
    return { ...(Successful ? { Successful } : {}), ...(Failed ? { Failed } : {}) };
  } catch {
    return undefined;
  }
}

/** What @aws-sdk/middleware-sdk-sqs does after a SendMessageBatch: an accepted body whose MD5 differs fails the call. */
export function wrongBodies(entries: SendMessageBatchRequestEntry[], answer: BatchAnswer): Error | undefined {
  const accepted = new Map((answer.Successful ?? []).filter((entry) => entry.Id !== undefined).map((entry) => [entry.Id, entry]));
  const wrong = entries
    .filter((entry) => accepted.has(entry.Id) && accepted.get(entry.Id)!.MD5OfMessageBody !== createHash('md5').update(entry.MessageBody ?? '').digest('hex'))
    .map((entry) => accepted.get(entry.Id)!.MessageId);
  return wrong.length > 0 ? new Error(`Invalid MD5 checksum on messages: ${wrong.join(', ')}`) : undefined;
}
