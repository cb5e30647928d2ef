import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { resolveSettings, type Settings } from '../../src/config/settings.js';
import { createContext, embeddedTarget, type Context } from '../../src/context.js';
import { startEmulators, type RunningEmulators } from '../../src/local/emulators.js';
import { MemoryReporter } from '../../src/output/reporter.js';

export interface EmbeddedHarness {
  ctx: Context;
  reporter: MemoryReporter;
  emulators: RunningEmulators;
  stateDir: string;
  /** A second context on the same emulators, e.g. for another stack or a fresh state file. */
  contextFor(overrides?: Partial<Settings>): Promise<Context>;
  stop(): Promise<void>;
}

/** Real emulators on free loopback ports, a temporary state folder, and a context like the CLI builds. */
export async function startEmbedded(overrides: Partial<Settings> = {}): Promise<EmbeddedHarness> {
  const emulators = await startEmulators();
  const stateDir = await mkdtemp(path.join(os.tmpdir(), 'thumbs-state-'));
  const reporter = new MemoryReporter();
  const contexts: Context[] = [];
  const contextFor = async (more: Partial<Settings> = {}) => {
    const settings: Settings = { ...resolveSettings({}, {}), stateDir, local: true, yes: true, ...overrides, ...more };
    const ctx = await createContext(settings, embeddedTarget(emulators.endpoints), reporter, async () => settings.yes);
    contexts.push(ctx);
    return ctx;
  };
  const ctx = await contextFor();
  return {
    ctx,
    reporter,
    emulators,
    stateDir,
    contextFor,
    async stop() {
      for (const context of contexts) context.clients.destroy();
      await emulators.stop();
      await rm(stateDir, { recursive: true, force: true });
    },
  };
}
