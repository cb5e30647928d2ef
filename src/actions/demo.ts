import type { Context } from '../context.js';
import type { BatchSummary } from '../local/worker.js';
import { serveStack } from '../local/stack-worker.js';
import { openStack } from '../state/open-stack.js';
import { functionEnvironmentOf, type StackConfig } from '../state/stack-config.js';
import { provision } from './provision.js';
import { newestFirst, scanItems, type StoredItem } from './scan-db.js';
import { teardown } from './teardown.js';
import { upload, type UploadResult } from './upload.js';

export interface DemoOptions {
  /** The photos to run through the pipeline; default "images". */
  folder?: string;
  /** Choices for the demo's stack (THUMBS_RENDITIONS... from the environment); default: the defaults. */
  choices?: Partial<StackConfig>;
  /** default 300 */
  waitTimeoutSeconds?: number;
}

export interface DemoResult {
  images: number;
  done: number;
  failed: Array<{ key: string; error: string }>;
  missing: string[];
  items: StoredItem[];
  upload: UploadResult;
  seconds: number;
  /** Time from the first upload to the last item recorded. */
  processingSeconds: number;
}

/**
 * The whole pipeline in one process on the embedded backend: provision, upload with one message
 * per image, the local worker running the Lambda handler, a scan of what it recorded, teardown.
 */
export async function demo(ctx: Context, options: DemoOptions = {}): Promise<DemoResult> {
  const started = performance.now();
  const { config } = await provision(ctx, options.choices);
  const stack = await openStack(ctx);
  const batches: BatchSummary[] = [];
  const worker = serveStack(ctx, { names: stack.names, state: stack.store.current }, {
    env: functionEnvironmentOf(config),
    log: (level, fields) => {
      if (level === 'error') ctx.reporter.warn(`function: ${String(fields.msg)} ${String(fields.key ?? fields.messageId ?? '')}`);
    },
    onBatch: (summary) => batches.push(summary),
    onError: (error) => ctx.reporter.warn(`local worker: ${(error as Error).message}`),
  });
  const uploadStarted = performance.now();
  let result: UploadResult;
  try {
    result = await upload(ctx, options.folder ?? 'images', { wait: true, waitTimeoutSeconds: options.waitTimeoutSeconds ?? 300 });
  } finally {
    await worker.stop();
  }
  const processingSeconds = (performance.now() - uploadStarted) / 1000;
  const table = stack.store.get('table')?.id ?? stack.names.table;
  const { items } = await scanItems(ctx.clients.doc, table);
  await teardown(ctx);
  const wait = result.wait;
  return {
    images: result.uploaded + result.unchanged,
    done: wait?.done.length ?? 0,
    failed: wait?.failed ?? [],
    missing: wait?.missing ?? [],
    items: newestFirst(items),
    upload: result,
    seconds: (performance.now() - started) / 1000,
    processingSeconds,
  };
}
