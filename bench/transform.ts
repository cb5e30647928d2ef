/**
 * The Lambda transform against libvips' own `vipsthumbnail`, each as ONE process over the whole
 * corpus (start-up amortised), measured from outside by /usr/bin/time: user+sys CPU and peak RSS.
 * (a) one JPEG fitting 256 px, q80; (b) WebP 128/512/1024 q80 (vipsthumbnail: one pass per size).
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, rmSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { build } from 'esbuild';
import { corpusArgument, corpusPhotos, type BenchOptions } from './lib/corpus.js';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const WORK = join(ROOT, 'bench/.work/transform');
const TIME = '/usr/bin/time';

interface Run {
  /** CPU of the work: for the transform, its loop (node start-up and module loading excluded). */
  cpuSeconds: number;
  /** Whole-process user+sys CPU from /usr/bin/time. */
  processCpuSeconds: number;
  wallSeconds: number;
  peakRssMb: number;
}

export default async function benchTransform(options: BenchOptions = {}): Promise<Record<string, unknown>> {
  const CORPUS = options.corpus ?? corpusArgument();
  const files = corpusPhotos(CORPUS);
  requireTool('vipsthumbnail', 'apt-get install -y libvips-tools');
  requireTool(TIME, 'apt-get install -y time');
  rmSync(WORK, { recursive: true, force: true });
  mkdirSync(WORK, { recursive: true });
  const worker = await bundleWorker();
  const vipsVersion = execFileSync('vipsthumbnail', ['--vips-version'], { encoding: 'utf8' }).trim();
  console.log(`transform (as deployed, MALLOC_ARENA_MAX=2) vs vipsthumbnail (${vipsVersion}) over ${files.length} photos in ${CORPUS}`);

  // Measured as deployed: provision sets MALLOC_ARENA_MAX=2 on the function, because glibc gives every
  // libvips thread its own malloc arena and RSS grows with fragmentation (sharp issue #2324).
  const a = {
    sharp: runSharp(worker, files, 'jpeg:256', 'a', DEPLOYED_ENV),
    vips: runVips(files, [256], 'jpg'),
  };
  report('(a) one JPEG, 256 px, q80', files.length, a.sharp, a.vips, 1.05);
  const b = {
    sharp: runSharp(worker, files, 'webp:128,webp:512,webp:1024', 'b', DEPLOYED_ENV),
    vips: runVips(files, [128, 512, 1024], 'webp'),
  };
  report('(b) WebP 128/512/1024, q80', files.length, b.sharp, b.vips, 0.7);
  const glibcDefaults = runSharp(worker, files, 'webp:128,webp:512,webp:1024', 'b-glibc-defaults');
  console.log(`    for comparison, glibc's default arenas: transform peak RSS ${glibcDefaults.peakRssMb.toFixed(0)} MB, CPU ${glibcDefaults.cpuSeconds.toFixed(2)} s`);
  console.log('    (CPU: transform = its loop, node start-up excluded; vipsthumbnail = whole processes)');

  return {
    photos: files.length,
    vipsVersion,
    a: { ...a, cpuRatio: ratio(a.sharp, a.vips) },
    b: { ...b, cpuRatio: ratio(b.sharp, b.vips), sharpWithGlibcDefaults: glibcDefaults },
  };
}

function report(title: string, photos: number, sharp: Run, vips: Run, target: number): void {
  console.log(title);
  for (const [name, run] of [['transform', sharp], ['vipsthumbnail', vips]] as const) {
    const msPerPhoto = (run.cpuSeconds * 1000) / photos;
    console.log(
      `    ${name.padEnd(14)} CPU ${run.cpuSeconds.toFixed(2)} s  ${msPerPhoto.toFixed(1)} ms/photo  ` +
        `${(photos / run.wallSeconds).toFixed(1)} photos/s  peak RSS ${run.peakRssMb.toFixed(0)} MB  (process CPU ${run.processCpuSeconds.toFixed(2)} s)`,
    );
  }
  const r = ratio(sharp, vips);
  console.log(`    CPU ratio ${r.toFixed(2)}x (target <= ${target}x: ${r <= target ? 'met' : 'MISSED'}), RSS target < 300 MB: ${sharp.peakRssMb < 300 ? 'met' : 'MISSED'}`);
}

const ratio = (sharp: Run, vips: Run) => sharp.cpuSeconds / vips.cpuSeconds;

/** The function's environment on Lambda (src/actions/provision-function.ts). */
const DEPLOYED_ENV = { MALLOC_ARENA_MAX: '2' };

/** Bundles the child so the measured process does not compile TypeScript. */
async function bundleWorker(): Promise<string> {
  const outfile = join(WORK, 'transform-worker.mjs');
  await build({
    entryPoints: [join(ROOT, 'bench/transform-worker.ts')],
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    external: ['sharp'],
    outfile,
    logLevel: 'warning',
  });
  return outfile;
}

function runSharp(worker: string, files: string[], renditions: string, label: string, env: Record<string, string> = {}): Run {
  const input = JSON.stringify({ files, renditions, quality: 80, outDir: join(WORK, `sharp-${label}`) });
  const { run, stdout } = timed(process.execPath, [worker], input, env);
  const own = JSON.parse(stdout.trim().split('\n').at(-1) ?? '{}') as { cpuSeconds: number; wallMs: number };
  return { ...run, cpuSeconds: own.cpuSeconds, wallSeconds: own.wallMs / 1000 };
}

function runVips(files: string[], sizes: number[], ext: string): Run {
  const outDir = join(WORK, `vips-${ext}`);
  mkdirSync(outDir, { recursive: true });
  // `>` only shrinks, like withoutEnlargement; strip drops metadata like the transform does.
  const runs = sizes.map(
    (size) => timed('vipsthumbnail', ['-s', `${size}x${size}>`, '-o', `${outDir}/%s_${size}.${ext}[Q=80,strip]`, ...files]).run,
  );
  return {
    cpuSeconds: runs.reduce((n, r) => n + r.cpuSeconds, 0),
    processCpuSeconds: runs.reduce((n, r) => n + r.processCpuSeconds, 0),
    wallSeconds: runs.reduce((n, r) => n + r.wallSeconds, 0),
    peakRssMb: Math.max(...runs.map((r) => r.peakRssMb)),
  };
}

function timed(command: string, args: string[], input?: string, env: Record<string, string> = {}): { run: Run; stdout: string } {
  const result = spawnSync(TIME, ['-f', 'BENCH %U %S %e %M', command, ...args], {
    input,
    encoding: 'utf8',
    env: { ...process.env, ...env },
    maxBuffer: 64 * 1024 * 1024,
  });
  const line = result.stderr.split('\n').find((l) => l.startsWith('BENCH '));
  if (result.status !== 0 || !line) throw new Error(`${command} failed (${result.status}): ${result.stderr.slice(-500)}`);
  const [user, sys, wall, rssKb] = line.split(' ').slice(1).map(Number) as [number, number, number, number];
  const run = { cpuSeconds: user + sys, processCpuSeconds: user + sys, wallSeconds: wall, peakRssMb: rssKb / 1024 };
  return { run, stdout: result.stdout };
}

function requireTool(tool: string, install: string): void {
  const found = tool.startsWith('/') ? existsSync(tool) : spawnSync('sh', ['-c', `command -v ${tool}`]).status === 0;
  if (!found) throw new Error(`${tool} not found; install it with: ${install}`);
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  await benchTransform({ corpus: corpusArgument() });
}
