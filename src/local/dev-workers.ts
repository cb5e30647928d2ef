import { readdir } from 'node:fs/promises';
import path from 'node:path';
import type { Context } from '../context.js';
import { stackNames } from '../resources/names.js';
import { defaultStackConfig, functionEnvironmentOf, recordedConfig } from '../state/stack-config.js';
import { readState, type StackState } from '../state/state-file.js';
import { localBatchEnvironment } from '../batches/batch-environment.js';
import { openStackLog, stackLogPath, type StackLog } from './stack-log.js';
import { serveStack, type StackWorker, type StackWorkerOptions } from './stack-worker.js';
import { startStackRenderer, type StackRenderer } from './stack-renderer.js';

export interface DevWorkers {
  stop(): Promise<void>;
}

/** How often `thumbs dev` looks for stacks provisioned or torn down by other commands. */
const SCAN_INTERVAL_MS = 1_000;

/**
 * The function environment a stack's worker runs with: the stack's recorded settings, as on Lambda
 * (a first-release state file implies the defaults). `thumbs dev`'s own environment plays no part.
 */
function workerEnvOf(dir: string, state: StackState): Record<string, string> {
  const config = recordedConfig(state) ?? defaultStackConfig();
  return { ...functionEnvironmentOf(config), ...localBatchEnvironment(dir, state.stack, config) };
}

async function listStacks(dir: string): Promise<string[]> {
  try {
    return (await readdir(dir)).filter((f) => f.endsWith('.json')).map((f) => f.slice(0, -'.json'.length));
  } catch {
    return [];
  }
}

async function stopStack(running: { worker: StackWorker; file: StackLog; renderer?: StackRenderer }): Promise<void> {
  await running.renderer?.stop();
  await running.worker.stop();
  await running.file.close();
}

/**
 * Serves every stack provisioned on the embedded backend: a stack's state file appearing in
 * `<stateDir>/local/` starts a worker on its queue with the stack's recorded function settings, a
 * change of settings reconfigures it, a new queue restarts it, and the file going away (teardown) stops it.
 * Each stack's on-request renderer is served on loopback beside its worker, with the same settings.
 */
export function startDevWorkers(ctx: Context, stateDir: string, options: Omit<StackWorkerOptions, 'env'> & { onStart?: (stack: string) => void; onReconfigure?: (stack: string) => void; onRenderer?: (stack: string, url: string) => void } = {}): DevWorkers {
  const dir = path.join(stateDir, 'local');
  /** A new queue restarts a stack's worker; new function settings reconfigure it in place. */
  const workers = new Map<string, { queue: string; settings: string; worker: StackWorker; file: StackLog; renderer?: StackRenderer; state: StackState; env: Record<string, string> }>();
  let stopped = false;

  const sync = async () => {
    const stacks = new Set(await listStacks(dir));
    for (const [stack, running] of workers) {
      if (!stacks.has(stack)) {
        workers.delete(stack);
        await stopStack(running);
      }
    }
    for (const stack of stacks) {
      const state = await readState(dir, stack).catch(() => undefined);
      const queue = state?.resources.queue?.id;
      if (!state || !queue) continue;
      const env = workerEnvOf(dir, state);
      const settings = JSON.stringify(env);
      const running = workers.get(stack);
      if (running?.queue === queue) {
        // A provision that changed the recorded settings takes effect here as on Lambda, without restarting dev.
        if (running.settings !== settings) {
          running.worker.reconfigure(env);
          running.renderer?.reconfigure(env);
          running.env = env;
          running.settings = settings;
          options.onReconfigure?.(stack);
        }
        continue;
      }
      if (running) await stopStack(running);
      // Every line goes to the stack's log file (what `thumbs logs --local` reads) and to the caller's logger.
      const file = openStackLog(stackLogPath(dir, stack));
      const log: StackWorkerOptions['log'] = (level, fields) => {
        file.log(level, fields);
        options.log?.(level, fields);
      };
      const worker = serveStack(ctx, { names: stackNames(stack, state.account, state.region), state }, { ...options, env, log });
      workers.set(stack, { queue, settings, worker, file, state, env });
      options.onStart?.(stack);
    }
    // The renderer needs the signing key in the stack's table: a stack whose table is not there yet gets it on a later scan.
    for (const [stack, running] of workers) {
      if (running.renderer || stopped) continue;
      running.renderer = await startStackRenderer(ctx, dir, { names: stackNames(stack, running.state.account, running.state.region), state: running.state }, running.env, options.onError);
      if (running.renderer) options.onRenderer?.(stack, running.renderer.url);
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
      await Promise.all([...workers.values()].map(stopStack));
      workers.clear();
    },
  };
}
