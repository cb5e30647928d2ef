/**
 * The Lambda transform against libvips' own `vipsthumbnail`, each as ONE process over the whole
 * corpus (start-up amortised), measured from outside by /usr/bin/time: user+sys CPU and peak RSS.
 * (a) one JPEG fitting 256 px, q80; (b) WebP 128/512/1024 q80 (vipsthumbnail: one pass per size),
 * whose outputs are then compared for quality: SSIM, PSNR and bytes, each tool's WebP against its own
 * lossless rendition of the same size.
 *
 *   npm run bench -- transform [--corpus <dir>] [--runs <n>]
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { basename, dirname, extname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { build } from 'esbuild';
import { corpusArgument, corpusPhotos, type BenchOptions } from './lib/corpus.js';
import { similarity, type Similarity } from './lib/similarity.js';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const WORK = join(ROOT, 'bench/.work/transform');
const TIME = '/usr/bin/time';
const WEBP_SIZES = [128, 512, 1024];

interface Run {
  /** CPU of the work: for the transform, its loop (node start-up and module loading excluded). */
  cpuSeconds: number;
  /** Whole-process user+sys CPU from /usr/bin/time. */
  processCpuSeconds: number;
  wallSeconds: number;
  peakRssMb: number;
  /** The transform's RSS before its first photo: node with sharp loaded. */
  startRssMb?: number;
}

interface Pair {
  sharp: Run;
  vips: Run;
}

export default async function benchTransform(options: BenchOptions = {}): Promise<Record<string, unknown>> {
  const { runs } = args();
  const corpus = options.corpus ?? corpusArgument();
  const files = corpusPhotos(corpus);
  requireTool('vipsthumbnail', 'apt-get install -y libvips-tools');
  requireTool(TIME, 'apt-get install -y time');
  rmSync(WORK, { recursive: true, force: true });
  mkdirSync(WORK, { recursive: true });
  const worker = await bundleWorker();
  const vipsVersion = execFileSync('vipsthumbnail', ['--vips-version'], { encoding: 'utf8' }).trim();
  console.log(
    `transform (as deployed, MALLOC_ARENA_MAX=2) vs vipsthumbnail (${vipsVersion}) over ${files.length} photos ` +
      `(${megabytes(files)} MB) in ${corpus}, ${runs} run(s)`,
  );

  // Measured as deployed: provision sets MALLOC_ARENA_MAX=2 on the function, because glibc gives every
  // libvips thread its own malloc arena and RSS grows with fragmentation (sharp issue #2324).
  // Each run measures both tools back to back, so a load from elsewhere weighs on both alike.
  const a: Pair[] = [];
  const b: Pair[] = [];
  for (let i = 0; i < runs; i++) {
    a.push({ sharp: runSharp(worker, files, 'jpeg:256', 'a', DEPLOYED_ENV), vips: runVips(files, [256], 'jpg') });
    b.push({
      sharp: runSharp(worker, files, WEBP_SIZES.map((s) => `webp:${s}`).join(','), 'b', DEPLOYED_ENV),
      vips: runVips(files, WEBP_SIZES, 'webp'),
    });
  }
  report('(a) one JPEG, 256 px, q80', files.length, a, 1.05);
  report('(b) WebP 128/512/1024, q80', files.length, b, 0.7);
  const glibcDefaults = runSharp(worker, files, 'webp:128,webp:512,webp:1024', 'b-glibc-defaults');
  console.log(`    for comparison, glibc's default arenas: transform peak RSS ${glibcDefaults.peakRssMb.toFixed(0)} MB, CPU ${glibcDefaults.cpuSeconds.toFixed(2)} s`);
  console.log('    (CPU: transform = its loop, node start-up excluded; vipsthumbnail = whole processes)');
  const quality = await compareQuality(worker, files);

  return {
    photos: files.length,
    corpus,
    vipsVersion,
    a: { runs: a, cpuRatios: a.map(ratio) },
    b: { runs: b, cpuRatios: b.map(ratio), sharpWithGlibcDefaults: glibcDefaults, quality },
  };
}

function args(): { runs: number } {
  // strict: false because bench/run.ts passes every argument through, bench names and --corpus included.
  const { values } = parseArgs({ args: process.argv.slice(2), options: { runs: { type: 'string' } }, strict: false });
  const runs = Number(values.runs ?? 3);
  if (!Number.isInteger(runs) || runs < 1) throw new Error(`--runs ${String(values.runs)} is invalid; expected a whole number from 1`);
  return { runs };
}

function report(title: string, photos: number, runs: Pair[], target: number): void {
  const median = runs.map((r) => ({ r, x: ratio(r) })).sort((p, q) => p.x - q.x)[Math.floor((runs.length - 1) / 2)]!.r;
  console.log(`${title}: the median run of ${runs.length}`);
  for (const [name, run] of [['transform', median.sharp], ['vipsthumbnail', median.vips]] as const) {
    const msPerPhoto = (run.cpuSeconds * 1000) / photos;
    console.log(
      `    ${name.padEnd(14)} CPU ${run.cpuSeconds.toFixed(2)} s  ${msPerPhoto.toFixed(1)} ms/photo  ` +
        `${(photos / run.wallSeconds).toFixed(1)} photos/s  peak RSS ${run.peakRssMb.toFixed(0)} MB  (process CPU ${run.processCpuSeconds.toFixed(2)} s)`,
    );
  }
  const ratios = runs.map(ratio);
  const worst = Math.max(...ratios);
  console.log(
    `    CPU ratio ${ratio(median).toFixed(2)}x, runs ${Math.min(...ratios).toFixed(2)}-${worst.toFixed(2)}x ` +
      `(target <= ${target}x in every run: ${worst <= target ? 'met' : 'MISSED'})`,
  );
  const sharpRss = runs.map((p) => p.sharp.peakRssMb);
  const vipsRss = runs.map((p) => p.vips.peakRssMb);
  const within = runs.every((p) => p.sharp.peakRssMb <= p.vips.peakRssMb);
  const under300 = Math.max(...sharpRss) < 300;
  console.log(
    `    peak RSS transform ${range(sharpRss)} MB (${(median.sharp.startRssMb ?? 0).toFixed(0)} MB of it node and sharp before the first photo), ` +
      `vipsthumbnail ${range(vipsRss)} MB (within vipsthumbnail's in every run: ${within ? 'met' : 'MISSED'}; ` +
      `under 300 MB: ${under300 ? 'met' : 'MISSED'})`,
  );
}

const range = (xs: number[]) => `${Math.min(...xs).toFixed(0)}-${Math.max(...xs).toFixed(0)}`;

const ratio = (pair: Pair) => pair.sharp.cpuSeconds / pair.vips.cpuSeconds;

interface QualityRow {
  /** Each tool's WebP against its own lossless PNG of the same size: what the encoder lost. */
  transform: Similarity & { bytes: number };
  vipsthumbnail: Similarity & { bytes: number };
  /** The two tools' lossless renditions against each other: the same picture before encoding. */
  resamplingAgreement: Similarity;
}

/**
 * Same output quality, shown: both tools render each size once more losslessly (PNG), so the encoder's
 * loss is measured apart from differences in resampling (libvips 8.14 and sharp's libvips resize
 * slightly differently, which would dominate a comparison with any third reference).
 */
async function compareQuality(worker: string, files: string[]): Promise<Record<number, QualityRow>> {
  runSharp(worker, files, WEBP_SIZES.map((s) => `png:${s}`).join(','), 'lossless', DEPLOYED_ENV);
  runVips(files, WEBP_SIZES, 'png');
  console.log('(b) output quality, mean per size (SSIM 1 = identical; WebP against the same tool\'s lossless PNG):');
  const out: Record<number, QualityRow> = {};
  for (const size of WEBP_SIZES) {
    const rows = await Promise.all(
      files.map(async (file) => {
        const ours = (ext: string, label: string) => join(WORK, `sharp-${label}`, `${basename(file)}_${size}.${ext}`);
        const theirs = (ext: string) => join(WORK, `vips-${ext}`, `${basename(file, extname(file))}_${size}.${ext}`);
        return {
          transform: { ...(await similarity(ours('png', 'lossless'), ours('webp', 'b'))), bytes: statSync(ours('webp', 'b')).size },
          vipsthumbnail: { ...(await similarity(theirs('png'), theirs('webp'))), bytes: statSync(theirs('webp')).size },
          resamplingAgreement: await similarity(theirs('png'), ours('png', 'lossless')),
        };
      }),
    );
    const row: QualityRow = {
      transform: { ...mean(rows.map((r) => r.transform)), bytes: average(rows.map((r) => r.transform.bytes)) },
      vipsthumbnail: { ...mean(rows.map((r) => r.vipsthumbnail)), bytes: average(rows.map((r) => r.vipsthumbnail.bytes)) },
      resamplingAgreement: mean(rows.map((r) => r.resamplingAgreement)),
    };
    out[size] = row;
    const show = (s: Similarity & { bytes: number }) => `SSIM ${s.ssim.toFixed(4)} PSNR ${s.psnr.toFixed(2)} dB ${(s.bytes / 1024).toFixed(1)} KB`;
    console.log(
      `    ${String(size).padStart(4)} px  transform ${show(row.transform)} | vipsthumbnail ${show(row.vipsthumbnail)} | ` +
        `bytes ${(row.transform.bytes / row.vipsthumbnail.bytes).toFixed(2)}x | lossless renditions agree: SSIM ${row.resamplingAgreement.ssim.toFixed(4)}`,
    );
  }
  return out;
}

function mean(xs: Similarity[]): Similarity {
  return { ssim: average(xs.map((s) => s.ssim)), psnr: average(xs.map((s) => s.psnr)) };
}

const average = (xs: number[]) => xs.reduce((n, x) => n + x, 0) / xs.length;

function megabytes(files: string[]): string {
  return (files.reduce((n, f) => n + readFileSync(f).length, 0) / 1e6).toFixed(1);
}

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
  const own = JSON.parse(stdout.trim().split('\n').at(-1) ?? '{}') as { cpuSeconds: number; wallMs: number; startRssMb: number };
  return { ...run, cpuSeconds: own.cpuSeconds, wallSeconds: own.wallMs / 1000, startRssMb: own.startRssMb };
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
