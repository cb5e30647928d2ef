import { spawn } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';

export interface ChildRun {
  seconds: number;
  peakRssMb: number;
  /** User plus system CPU of the process: steadier than wall time on a machine other work loads. */
  cpuSeconds: number;
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs a command under GNU time (peak RSS in KB, user and system CPU seconds) and measures its wall time. */
export async function timedChild(command: string, args: string[], env: NodeJS.ProcessEnv): Promise<ChildRun> {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'bench-time-'));
  const rssFile = path.join(dir, 'rss');
  const started = performance.now();
  const child = spawn('/usr/bin/time', ['-o', rssFile, '-f', '%M %U %S', command, ...args], { env, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
  const seconds = (performance.now() - started) / 1000;
  const rssText = await readFile(rssFile, 'utf8').catch(() => '0');
  await rm(dir, { recursive: true, force: true });
  const [kb = 0, user = 0, system = 0] = (rssText.trim().split('\n').pop() ?? '').split(' ').map(Number);
  return { seconds, peakRssMb: kb / 1024, cpuSeconds: user + system, code, stdout, stderr };
}
