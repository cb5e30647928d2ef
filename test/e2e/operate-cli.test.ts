import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isolatedEnv, runCli } from '../helpers/cli.js';

/** The operate commands as a new user runs them, without `thumbs dev` running. */
describe('operate commands without a running backend', () => {
  let stateDir: string;
  beforeAll(async () => {
    stateDir = await mkdtemp(path.join(os.tmpdir(), 'thumbs-e2e-'));
  });
  afterAll(async () => {
    await rm(stateDir, { recursive: true, force: true });
  });

  it('stacks --local lists the state files with their health unknown, in one JSON document', async () => {
    const env = isolatedEnv({ THUMBS_STATE_DIR: stateDir });
    const empty = await runCli(['stacks', '--local'], { env });
    expect(empty.code).toBe(0);
    expect(empty.stdout).toContain('thumbs provision --local');
    await mkdir(path.join(stateDir, 'local'), { recursive: true });
    const state = { version: 1, stack: 'photos', account: '000000000000', region: 'us-east-1', backend: 'embedded', updatedAt: new Date().toISOString(), resources: { table: { id: 't', origin: 'created' } } };
    await writeFile(path.join(stateDir, 'local', 'photos.json'), JSON.stringify(state));
    const run = await runCli(['stacks', '--local', '--json'], { env });
    expect(run.code).toBe(0);
    const result = JSON.parse(run.stdout) as { stacks: Array<{ stack: string; health: string; resources: number; note?: string }> };
    expect(result.stacks).toHaveLength(1);
    expect(result.stacks[0]).toMatchObject({ stack: 'photos', health: 'unknown', resources: 1, note: expect.stringContaining('thumbs dev') });
  });
});
