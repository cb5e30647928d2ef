import path from 'node:path';
import { afterAll, beforeAll, expect, it, vi } from 'vitest';
import { provision } from '../../src/actions/provision.js';
import { upload } from '../../src/actions/upload.js';
import { locked } from '../../src/cli/locked.js';
import { startEmbedded, type EmbeddedHarness } from '../helpers/embedded.js';

const IMAGES = path.resolve(import.meta.dirname, '../../images');
let harness: EmbeddedHarness;

beforeAll(async () => {
  harness = await startEmbedded();
  vi.stubEnv('THUMBS_LOCK_WAIT_SECONDS', '120');
});
afterAll(async () => {
  vi.unstubAllEnvs();
  await harness.stop();
});

// Without the lock both uploads list the bucket before either has put anything, and each sends all 18.
it('two uploads of one folder at once, as the CLI runs them: the second waits and then sends nothing', async () => {
  await provision(harness.ctx);
  const run = locked('upload', (ctx) => upload(ctx, IMAGES));
  const results = await Promise.all([run(harness.ctx), run(harness.ctx)]);
  expect(results.map((r) => r.messagesSent).sort((a, b) => a - b)).toEqual([0, 18]);
  expect(results.map((r) => r.uploaded).sort((a, b) => a - b)).toEqual([0, 18]);
});
