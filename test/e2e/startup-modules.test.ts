import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BIN, isolatedEnv } from '../helpers/cli.js';

const TRACE = path.resolve('test/helpers/module-trace.mjs');
let dir: string;

beforeAll(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'thumbs-modules-'));
});
afterAll(() => rm(dir, { recursive: true, force: true }));

/** Every module URL `thumbs <args>` resolved, read from the trace the loader hook wrote. */
async function modulesLoadedBy(args: string[]): Promise<string[]> {
  const file = path.join(dir, `${args.join('_').replace(/\W/g, '')}.txt`);
  const env = isolatedEnv({ THUMBS_MODULE_TRACE: file, THUMBS_STATE_DIR: path.join(dir, 'state') });
  // The exit code is not the question here (status exits 1 on a stack that does not exist).
  await promisify(execFile)(process.execPath, ['--import', TRACE, BIN, ...args], { env }).catch(() => undefined);
  return [...new Set((await readFile(file, 'utf8')).split('\n').filter(Boolean))];
}

// Start-up is module loading: a help text must not pay for the SDK, sharp or the terminal widgets.
const HEAVY = /node_modules\/(@aws-sdk|@smithy|sharp|@img|ora|cli-progress|cli-table3|csv-stringify|zod|inquirer|dynalite|fauxqs)\//;
// The SDK is bundled into the CLI's chunks, so it is found by what a loaded chunk holds.
const SDK_CLIENT = /\b(S3|SQS|DynamoDB|STS)Client = class\b/;

async function bundledSdkIn(modules: string[]): Promise<string[]> {
  const chunks = modules.filter((url) => url.startsWith('file:') && url.includes('/dist/cli/'));
  const holding = await Promise.all(chunks.map(async (url) => (SDK_CLIENT.test(await readFile(new URL(url), 'utf8')) ? url : undefined)));
  return holding.filter((url): url is string => url !== undefined);
}

describe('what start-up loads', () => {
  it.each([[['--help']], [['--version']], [['upload', '--help']], [['status', '--help']], [['provision', '--help']], [['url', '--help']]])(
    'thumbs %j loads the bundled CLI and nothing heavy',
    async (args) => {
      const modules = await modulesLoadedBy(args);
      expect(modules.some((url) => url.endsWith('/dist/cli/main.js'))).toBe(true);
      expect(modules.filter((url) => HEAVY.test(url))).toEqual([]);
      expect(await bundledSdkIn(modules)).toEqual([]);
      // The bundle, not ~160 compiled files: a handful of chunks.
      expect(modules.filter((url) => url.includes('/dist/')).length).toBeLessThan(30);
    },
  );

  it('a command that runs loads the SDK (so the trace sees what is loaded)', async () => {
    const modules = await modulesLoadedBy(['status', '--local', '--stack', 'nothing-here']);
    expect(await bundledSdkIn(modules)).not.toEqual([]);
  });
});
