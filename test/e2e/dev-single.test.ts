import { existsSync } from 'node:fs';
import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { embeddedTarget } from '../../src/context.js';
import { LOCAL_REGION, type LocalEndpoints } from '../../src/local/constants.js';
import { localFilePath, releaseLocalEndpoints } from '../../src/local/local-file.js';
import { explainStaleLocal } from '../../src/local/stale-endpoints.js';
import { isolatedEnv, runCli, startDev } from '../helpers/cli.js';

const stateDir = () => mkdtemp(path.join(os.tmpdir(), 'thumbs-dev-state-'));

describe('one thumbs dev per state folder', () => {
  it('refuses a second one, naming the running one, while the first keeps serving', async () => {
    const dir = await stateDir();
    const first = await startDev(dir);
    try {
      const before = await readFile(localFilePath(dir), 'utf8');
      const running = JSON.parse(before) as LocalEndpoints;
      const second = await runCli(['dev'], { env: isolatedEnv({ THUMBS_STATE_DIR: dir }) });
      expect(second.code).toBe(1);
      expect(second.stderr).toContain(`pid ${running.pid}`);
      expect(second.stderr).toContain(running.s3);
      expect(second.stderr).toContain(running.dynamodb);
      expect(await readFile(localFilePath(dir), 'utf8')).toBe(before);
      const provision = await runCli(['provision', '--local', '--json'], { env: isolatedEnv({ THUMBS_STATE_DIR: dir }) });
      expect(provision.stderr).not.toMatch(/error:/);
      expect(provision.code).toBe(0);
    } finally {
      await first.stop();
    }
    expect(existsSync(localFilePath(dir))).toBe(false);
  });

  it('never deletes an endpoints file another process wrote', async () => {
    const dir = await stateDir();
    const theirs: LocalEndpoints = { s3: 'http://127.0.0.1:1111', sqs: 'http://127.0.0.1:1111', dynamodb: 'http://127.0.0.1:2222', region: LOCAL_REGION, pid: process.pid };
    await writeFile(localFilePath(dir), JSON.stringify(theirs));
    await releaseLocalEndpoints(dir, { ...theirs, s3: 'http://127.0.0.1:3333', pid: process.pid + 1 });
    expect(existsSync(localFilePath(dir))).toBe(true);
    await releaseLocalEndpoints(dir, theirs);
    expect(existsSync(localFilePath(dir))).toBe(false);
  });

  it('tells a command holding old endpoints that the backend restarted', async () => {
    const dir = await stateDir();
    const now: LocalEndpoints = { s3: 'http://127.0.0.1:1111', sqs: 'http://127.0.0.1:1111', dynamodb: 'http://127.0.0.1:2222', region: LOCAL_REGION, pid: process.pid };
    await writeFile(localFilePath(dir), JSON.stringify(now));
    const held = embeddedTarget({ ...now, s3: 'http://127.0.0.1:4444', sqs: 'http://127.0.0.1:4444' });
    const unreachable = { code: 'endpoint-unreachable', message: 'cannot reach http://127.0.0.1:4444' };
    expect(await explainStaleLocal(unreachable, held, dir)).toMatchObject({ code: 'local-backend-restarted', message: expect.stringContaining(`pid ${process.pid}`) });
    // The same backend still running: the error stays what it was.
    expect(await explainStaleLocal(unreachable, embeddedTarget(now), dir)).toBe(unreachable);
  });
});
