import { readdir } from 'node:fs/promises';
import path from 'node:path';
import type { Context } from '../context.js';
import { stackNames } from '../resources/names.js';
import { readState } from '../state/state-file.js';
import { openStackLog, stackLogPath, type StackLog } from './stack-log.js';
import { serveStack, type StackWorkerOptions } from './stack-worker.js';
import type { LocalWorker } from './worker.js';

export interface DevWorkers {
  stop(): Promise<void>;
}

/** How often `thumbs dev` looks for stacks provisioned or torn down by other commands. */
const SCAN_INTERVAL_MS = 1_000;

async function listStacks(dir: string): Promise<string[]> {
  try {
    return (await readdir(dir)).filter((f) => f.endsWith('.json')).map((f) => f.slice(0, -'.json'.length));
  } catch {
    return [];
  }
}

/**
 * Serves every stack provisioned on the embedded backend: a stack's state file appearing in
 * `<stateDir>/local/` starts a worker on its queue, and the file going away (teardown) stops it.
 */
export function startDevWorkers(ctx: Context, stateDir: string, options: StackWorkerOptions & { onStart?: (stack: string) => void } = {}): DevWorkers {
  const dir = path.join(stateDir, 'local');
  const workers = new Map<string, { queue: string; worker: LocalWorker; file: StackLog }>();
  let stopped = false;

  const sync = async () => {
    const stacks = new Set(await listStacks(dir));
    for (const [stack, { worker, file }] of workers) {
      if (!stacks.has(stack)) {
        workers.delete(stack);
        await worker.stop();
        await file.close();
      }
    }
    for (const stack of stacks) {
      const state = await readState(dir, stack).catch(() => undefined);
      const queue = state?.resources.queue?.id;
      if (!state || !queue || workers.get(stack)?.queue === queue) continue;
      const previous = workers.get(stack);
      await previous?.worker.stop();
      await previous?.file.close();
      // Every line goes to the stack's log file (what `thumbs logs --local` reads) and to the caller's logger.
      const file = openStackLog(stackLogPath(dir, stack));
      const log: StackWorkerOptions['log'] = (level, fields) => {
        file.log(level, fields);
        options.log?.(level, fields);
      };
      const worker = serveStack(ctx, { names: stackNames(stack, state.account, state.region), state }, { ...options, log });
      workers.set(stack, { queue, worker, file });
      options.onStart?.(stack);
    }
  };

  let running = sync().catch((error: unknown) => options.onError?.(error));
  const timer = setInterval(() => {
    running = running.then(sync).catch((error: unknown) => options.onError?.(error));
  }, SCAN_INTERVAL_MS);

  return {
    async stop() {
      if (stopped) return;
      stopped = true;
      clearInterval(timer);
      await running.catch(() => undefined);
      await Promise.all([...workers.values()].map(async ({ worker, file }) => {
        await worker.stop();
        await file.close();
      }));
      workers.clear();
    },
  };
}
