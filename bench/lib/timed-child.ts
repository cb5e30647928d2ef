import { spawn } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';

export interface ChildRun {
  seconds: number;
  peakRssMb: number;
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs a command under GNU time (-f %M: peak RSS in KB) and measures its wall time. */
export async function timedChild(command: string, args: string[], env: NodeJS.ProcessEnv): Promise<ChildRun> {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'bench-time-'));
  const rssFile = path.join(dir, 'rss');
  const started = performance.now();
  const child = spawn('/usr/bin/time', ['-o', rssFile, '-f', '%M', command, ...args], { env, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
  const seconds = (performance.now() - started) / 1000;
  const rssText = await readFile(rssFile, 'utf8').catch(() => '0');
  await rm(dir, { recursive: true, force: true });
  const kb = Number(rssText.trim().split('\n').pop());
  return { seconds, peakRssMb: kb / 1024, code, stdout, stderr };
}
