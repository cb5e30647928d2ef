/**
 * Start-up benchmark: `thumbs --help`, `thumbs --version` and `thumbs upload --help` against
 * `node -e 0` (Node itself, the floor) and `aws --version` (the AWS CLI v2), run alternately in
 * rounds so a busy machine slows all of them alike; medians of the rounds. Target: each thumbs
 * command within 60 ms of `node -e 0`.
 */
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { BenchOptions } from './lib/corpus.js';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const THUMBS = path.join(ROOT, 'bin', 'thumbs.js');
const AWS = '/usr/bin/aws';
const TARGET_MS = 60;

function runsArgument(args: string[], fallback: number): number {
  const at = args.indexOf('--runs');
  const value = at >= 0 ? Number(args[at + 1]) : fallback;
  return Number.isInteger(value) && value > 0 ? value : fallback;
}

/** Wall time of one run in milliseconds; stdout is read, as a user's terminal would. */
function timeOnce(command: string, args: string[]): number {
  const started = performance.now();
  const run = spawnSync(command, args, { stdio: ['ignore', 'pipe', 'pipe'], env: process.env });
  const ms = performance.now() - started;
  if (run.status !== 0) throw new Error(`${command} ${args.join(' ')} exited ${run.status}: ${run.stderr.toString()}`);
  return ms;
}

const median = (values: number[]) => {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
};

export default async function startupBench(_options: BenchOptions): Promise<Record<string, unknown>> {
  const runs = runsArgument(process.argv.slice(2), 15);
  const subjects: Array<[string, string, string[]]> = [
    ['node -e 0', process.execPath, ['-e', '0']],
    ['thumbs --help', process.execPath, [THUMBS, '--help']],
    ['thumbs --version', process.execPath, [THUMBS, '--version']],
    ['thumbs upload --help', process.execPath, [THUMBS, 'upload', '--help']],
  ];
  if (existsSync(AWS)) subjects.push(['aws --version', AWS, ['--version']]);
  else console.log(`(no ${AWS}: \`apt-get install awscli\` adds the AWS CLI v2 to the comparison)`);
  for (const [, command, args] of subjects) timeOnce(command, args); // warm the file cache
  const times = new Map(subjects.map(([name]) => [name, [] as number[]]));
  for (let round = 0; round < runs; round += 1) {
    for (const [name, command, args] of subjects) times.get(name)!.push(timeOnce(command, args));
  }
  const medians = Object.fromEntries([...times].map(([name, values]) => [name, median(values)]));
  const node = medians['node -e 0']!;
  const fmt = (name: string) => `${name} ${Math.round(medians[name] ?? NaN)}ms`;
  console.log(`startup: ${fmt('thumbs --help')}, ${fmt('node -e 0')}${medians['aws --version'] ? `, ${fmt('aws --version')}` : ''} (median of ${runs})`);
  for (const name of ['thumbs --help', 'thumbs --version', 'thumbs upload --help']) {
    const over = medians[name]! - node;
    console.log(`  ${name}: ${Math.round(medians[name]!)} ms, ${Math.round(over)} ms above node -e 0 (target <= ${TARGET_MS} ms) ${over <= TARGET_MS ? 'ok' : 'MISSED'}`);
  }
  return { runs, medians, overNodeMs: Object.fromEntries(Object.entries(medians).map(([k, v]) => [k, v - node])) };
}
