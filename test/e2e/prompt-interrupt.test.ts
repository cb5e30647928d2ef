import { execFile } from 'node:child_process';
import { mkdtemp } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { BIN, isolatedEnv, runCli, startDev } from '../helpers/cli.js';

const run = promisify(execFile);
const PTY = path.resolve('test/helpers/pty-run.py');

describe('Ctrl-C at a prompt', () => {
  it('exits 130 quietly, changing nothing', async () => {
    const stateDir = await mkdtemp(path.join(os.tmpdir(), 'thumbs-prompt-'));
    const dev = await startDev(stateDir);
    try {
      const env = isolatedEnv({ THUMBS_STATE_DIR: stateDir });
      expect((await runCli(['provision', '--local'], { env })).code).toBe(0);
      // A terminal, so that teardown asks; CI would make it refuse to ask instead.
      const { CI: _ci, ...terminalEnv } = env;
      const { stdout } = await run('python3', [PTY, '(y/N)', process.execPath, BIN, 'teardown', '--local'], { env: { ...terminalEnv, TERM: 'xterm' } });
      expect(stdout).toMatch(/EXIT 130 SENT 1\n$/);
      expect(stdout).not.toMatch(/bug in thumbs|force closed|error:/i);
      const status = await runCli(['status', '--local', '--json'], { env });
      expect(status.code).toBe(0);
      expect(JSON.parse(status.stdout)).toMatchObject({ resources: expect.arrayContaining([expect.objectContaining({ kind: 'table' })]) });
    } finally {
      await dev.stop();
    }
  });
});
