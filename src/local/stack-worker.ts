import { createHandler } from '../../lambda/handler.js';
import { loadConfig } from '../../lambda/config.js';
import { loadBatchConfig } from '../../lambda/batch-config.js';
import type { Logger } from '../../lambda/log.js';
import type { Context } from '../context.js';
import type { StackNames } from '../resources/names.js';
import type { StackState } from '../state/state-file.js';
import { startLocalWorker, type BatchSummary, type LocalWorker } from './worker.js';

export interface StackWorkerOptions {
  /** Function environment overrides, e.g. THUMBS_RENDITIONS; the rest comes from the stack. */
  env?: Record<string, string | undefined>;
  log?: Logger;
  onBatch?: (summary: BatchSummary) => void;
  onError?: (error: unknown) => void;
  /** Long-poll wait; default 1 s locally so stopping is prompt. */
  waitTimeSeconds?: number;
}

/**
 * Plays Lambda for one stack on the embedded backend: the same handler module that is zipped
 * for Lambda, fed by the event-source-mapping emulation in worker.ts.
 */
export interface StackWorker extends LocalWorker {
  /**
   * New function settings from the next batch on, as a new Lambda configuration takes effect on
   * the next invocation. The poll is not interrupted: an aborted receive may still take a message
   * out of sight for the queue's whole visibility timeout.
   */
  reconfigure(env: Record<string, string | undefined>): void;
}

export function serveStack(
  ctx: Context,
  stack: { names: StackNames; state: Pick<StackState, 'resources'> },
  options: StackWorkerOptions = {},
): StackWorker {
  const { resources } = stack.state;
  const queueUrl = resources.queue?.id;
  if (!queueUrl) throw new Error(`stack has no queue recorded`);
  const handlerFor = (env: Record<string, string | undefined> | undefined) => {
    const full = {
      THUMBS_THUMBNAILS_BUCKET: resources.thumbnailsBucket?.id ?? stack.names.thumbnailsBucket,
      THUMBS_TABLE: resources.table?.id ?? stack.names.table,
      ...env,
    };
    const deps = { s3: ctx.clients.s3, ddb: ctx.clients.doc, config: loadConfig(full), batches: loadBatchConfig(full) };
    return createHandler({ ...deps, ...(options.log ? { log: options.log } : {}) });
  };
  let handler = handlerFor(options.env);
  const worker = startLocalWorker({
    sqs: ctx.clients.sqs,
    queueUrl,
    handler: (event) => handler(event),
    waitTimeSeconds: options.waitTimeSeconds ?? 1,
    ...(options.onBatch ? { onBatch: options.onBatch } : {}),
    ...(options.onError ? { onError: options.onError } : {}),
  });
  return {
    ...worker,
    reconfigure(env) {
      handler = handlerFor(env);
    },
  };
}
