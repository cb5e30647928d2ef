import { chmod, mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isolatedEnv, runCli, type CliRun } from '../helpers/cli.js';

/** Nothing listens on port 9 of loopback: a command that got as far as a call would fail differently. */
const NOWHERE = ['--endpoint-url', 'http://127.0.0.1:9', '--region', 'us-east-1'];
const env = isolatedEnv({ AWS_ACCESS_KEY_ID: 'test', AWS_SECRET_ACCESS_KEY: 'test' });

function expectOneLine(run: CliRun, pattern: RegExp) {
  expect(run.code).toBe(2);
  expect(run.stderr).toMatch(pattern);
  expect(run.stderr).toMatch(/^hint: /m);
  expect(run.stderr).not.toMatch(/bug in thumbs|\n\s+at /);
}

let cwd: string;
beforeAll(async () => {
  cwd = await mkdtemp(path.join(os.tmpdir(), 'thumbs-bad-input-'));
});
afterAll(() => rm(cwd, { recursive: true, force: true }));

/** As root every folder is writable; the CLI then runs as nobody, like the user who meets a read-only folder. */
function runAsUser(args: string[], where: string): Promise<CliRun> {
  const nobody = process.getuid?.() === 0 ? { user: { uid: 65534, gid: 65534 } } : {};
  return runCli(args, { env: { ...env, HOME: where }, cwd: where, ...nobody });
}

describe('bad input: one line naming the input and its source, a hint, exit 2', () => {
  it('a read-only state folder: its path, that it is the default, and the permission', async ({ skip }) => {
    const where = path.join(cwd, 'readonly');
    await mkdir(path.join(where, '.thumbs'), { recursive: true });
    await chmod(cwd, 0o755);
    await chmod(where, 0o777);
    await chmod(path.join(where, '.thumbs'), 0o555);
    const probe = await runAsUser(['--version'], where);
    // Root writes anywhere, so there the CLI runs as nobody, which needs to read node and this checkout.
    if (probe.code !== 0 && process.getuid?.() === 0 && /EACCES|permission denied/i.test(probe.stderr)) {
      console.warn(`skipped: nobody (uid 65534) cannot run node or read this checkout here: ${probe.stderr.split('\n')[0]}`);
      skip();
    }
    expect(probe.code, `the CLI runs here as ${process.getuid?.() === 0 ? 'nobody (uid 65534)' : 'you'}: ${probe.stderr}`).toBe(0);
    const run = await runAsUser(['provision', ...NOWHERE], where);
    expectOneLine(run, /^error: state folder \.thumbs \(the default\) is not writable: permission denied \(EACCES\) on \w+ \.thumbs\//m);
  });

  it('a state file that is valid JSON of the wrong shape: the file, the field, and that it can be moved aside', async () => {
    const where = path.join(cwd, 'shape');
    await mkdir(path.join(where, '.thumbs'), { recursive: true });
    await writeFile(path.join(where, '.thumbs', 'cor.json'), JSON.stringify({ version: 2, stack: 'cor', account: '123456789012', resources: {} }));
    const run = await runCli(['status', '--stack', 'cor', ...NOWHERE], { env, cwd: where });
    expectOneLine(run, /^error: state file \.thumbs\/cor\.json has the wrong shape: field "region" is undefined, not a non-empty string$/m);
    expect(run.stderr).toContain('hint: Move it aside (mv .thumbs/cor.json .thumbs/cor.json.bad)');
  });

  it('THUMBS_STACK=Bad names the variable', async () => {
    const run = await runCli(['status', ...NOWHERE], { env: { ...env, THUMBS_STACK: 'Bad' }, cwd });
    expectOneLine(run, /^error: stack name "Bad" \(from THUMBS_STACK\) is not allowed$/m);
  });

  it.each([
    ['upload', '../x'],
    ['upload', '/x'],
    ['reprocess', '../x'],
    ['reprocess', 'a/../../x'],
    ['reprocess', '/2024/'],
  ])('%s --prefix %s is refused, naming the flag, before any call', async (command, prefix) => {
    const run = await runCli([command, ...(command === 'upload' ? [cwd] : []), '--prefix', prefix, ...NOWHERE], { env, cwd });
    expectOneLine(run, new RegExp(`--prefix ${prefix.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')} (starts with "/"|has a "\\.\\." segment)`));
  });

  it.each(['0', 'abc', '1001'])('batches --limit %s names the flag and what it takes, like every other count', async (limit) => {
    const run = await runCli(['batches', '--limit', limit, ...NOWHERE], { env, cwd });
    expectOneLine(run, new RegExp(`--limit takes a whole number from 1 to 1000, not "${limit}"\\.$`, 'm'));
  });
});
