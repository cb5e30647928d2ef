import { readdir } from 'node:fs/promises';
import path from 'node:path';
import type { Context } from '../context.js';
import { stackNames } from '../resources/names.js';
import { defaultStackConfig, functionEnvironmentOf, recordedConfig } from '../state/stack-config.js';
import { readState, type StackState } from '../state/state-file.js';
import { openStackLog, stackLogPath, type StackLog } from './stack-log.js';
import { serveStack, type StackWorker, type StackWorkerOptions } from './stack-worker.js';

export interface DevWorkers {
  stop(): Promise<void>;
}

/** How often `thumbs dev` looks for stacks provisioned or torn down by other commands. */
const SCAN_INTERVAL_MS = 1_000;

/**
 * The function environment a stack's worker runs with: the stack's recorded settings, as on Lambda
 * (a first-release state file implies the defaults). `thumbs dev`'s own environment plays no part.
 */
function workerEnvOf(state: StackState): Record<string, string> {
  return functionEnvironmentOf(recordedConfig(state) ?? defaultStackConfig());
}

async function listStacks(dir: string): Promise<string[]> {
  try {
    return (await readdir(dir)).filter((f) => f.endsWith('.json')).map((f) => f.slice(0, -'.json'.length));
  } catch {
    return [];
  }
}

/**
 * Serves every stack provisioned on the embedded backend: a stack's state file appearing in
 * `<stateDir>/local/` starts a worker on its queue with the stack's recorded function settings, a
 * change of settings reconfigures it, a new queue restarts it, and the file going away (teardown) stops it.
 */
export function startDevWorkers(ctx: Context, stateDir: string, options: Omit<StackWorkerOptions, 'env'> & { onStart?: (stack: string) => void; onReconfigure?: (stack: string) => void } = {}): DevWorkers {
  const dir = path.join(stateDir, 'local');
  /** A new queue restarts a stack's worker; new function settings reconfigure it in place. */
  const workers = new Map<string, { queue: string; settings: string; worker: StackWorker; file: StackLog }>();
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
      if (!state || !queue) continue;
      const env = workerEnvOf(state);
      const settings = JSON.stringify(env);
      const running = workers.get(stack);
      if (running?.queue === queue) {
        // A provision that changed the recorded settings takes effect here as on Lambda, without restarting dev.
        if (running.settings !== settings) {
          running.worker.reconfigure(env);
          running.settings = settings;
          options.onReconfigure?.(stack);
        }
        continue;
      }
      await running?.worker.stop();
      await running?.file.close();
      // Every line goes to the stack's log file (what `thumbs logs --local` reads) and to the caller's logger.
      const file = openStackLog(stackLogPath(dir, stack));
      const log: StackWorkerOptions['log'] = (level, fields) => {
        file.log(level, fields);
        options.log?.(level, fields);
      };
      const worker = serveStack(ctx, { names: stackNames(stack, state.account, state.region), state }, { ...options, env, log });
      workers.set(stack, { queue, settings, worker, file });
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
