/**
 * Upload benchmark: `thumbs upload` (objects + one SQS message each) against the AWS CLI v2's
 * `aws s3 cp --recursive` and rclone's `rclone copy --transfers 16` (objects only), 1,000 JPEGs of
 * ~50 KB, on the embedded emulators, first directly and then through a proxy adding 15 ms each way.
 * All run as child processes, so start-up is counted for each, alternating round by round; each
 * round's ratio is reported. Targets: thumbs <= 0.9x the AWS CLI's time and <= 1.5x rclone's in
 * every round on loopback, <= 0.5x the AWS CLI's with delay. Then peak RSS of
 * `thumbs upload` for 1,000 and 10,000 tiny JPEGs (100,000 with `-- --huge`): flat memory means
 * 10,000 within 1.2x of 1,000, and 100,000 under 200 MB.
 */
import { execFileSync, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, readdir, rm, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { CreateBucketCommand, paginateListObjectsV2 } from '@aws-sdk/client-s3';
import sharp from 'sharp';
import { provision } from '../src/actions/provision.js';
import { resolveSettings } from '../src/config/settings.js';
import { createContext, embeddedTarget, type Context } from '../src/context.js';
import { LOCAL_CREDENTIALS, startEmulators, type LocalEndpoints } from '../src/local/emulators.js';
import { writeLocalEndpoints } from '../src/local/local-file.js';
import { MemoryReporter } from '../src/output/reporter.js';
import { corpusArgument, largestPhoto, type BenchOptions } from './lib/corpus.js';
import { timedChild, type ChildRun } from './lib/timed-child.js';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const WORK = path.join(ROOT, 'bench', '.work', 'upload');
const IMAGES = path.join(WORK, 'images');
const COUNT = 1000;
const AWS = '/usr/bin/aws';
const RCLONE = '/usr/bin/rclone';

/** 1,000 different ~50 KB JPEGs: crops of one photo (the corpus's largest) at varied places and sizes, cached across runs. */
async function makeImages(source: string): Promise<number> {
  await mkdir(IMAGES, { recursive: true });
  if ((await readdir(IMAGES)).length !== COUNT) {
    const { data, info } = await sharp(source).raw().toBuffer({ resolveWithObject: true });
    for (let i = 0; i < COUNT; i += 1) {
      const width = 440 + (i % 7) * 10;
      const height = 330 + (i % 5) * 8;
      const left = (i * 131) % (info.width - width);
      const top = (i * 71) % (info.height - height);
      await sharp(data, { raw: { width: info.width, height: info.height, channels: info.channels } })
        .extract({ left, top, width, height })
        .jpeg({ quality: 82 })
        .toFile(path.join(IMAGES, `photo-${String(i).padStart(4, '0')}.jpg`));
    }
  }
  let bytes = 0;
  for (const name of await readdir(IMAGES)) bytes += (await stat(path.join(IMAGES, name))).size;
  return bytes / COUNT;
}

function ensureAwsCli(): void {
  if (existsSync(AWS)) return;
  console.log('installing Debian awscli (AWS CLI v2) ...');
  execFileSync('apt-get', ['install', '-y', 'awscli'], { stdio: 'ignore' });
}

function ensureRclone(): void {
  if (existsSync(RCLONE)) return;
  console.log('installing Debian rclone (`apt-get install rclone`) ...');
  execFileSync('apt-get', ['install', '-y', 'rclone'], { stdio: 'ignore' });
}

async function countObjects(ctx: Context, bucket: string): Promise<number> {
  let count = 0;
  for await (const page of paginateListObjectsV2({ client: ctx.clients.s3 }, { Bucket: bucket })) count += page.KeyCount ?? 0;
  return count;
}

/** A state folder whose local.json points thumbs at `endpoint` (the emulator or the proxy). */
async function stateFor(name: string, endpoints: LocalEndpoints, endpoint: string): Promise<string> {
  const dir = path.join(WORK, `state-${name}`);
  await rm(dir, { recursive: true, force: true });
  await writeLocalEndpoints(dir, { ...endpoints, s3: endpoint, sqs: endpoint, pid: process.pid });
  return dir;
}

async function runThumbs(stateDir: string, stack: string): Promise<ChildRun & { uploaded: number; messagesSent: number; actionSeconds: number }> {
  const env = { ...process.env, THUMBS_STATE_DIR: stateDir, AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true' };
  const run = await timedChild(process.execPath, [path.join(ROOT, 'bin', 'thumbs.js'), 'upload', IMAGES, '--local', '--stack', stack, '--json', '--quiet'], env);
  if (run.code !== 0) throw new Error(`thumbs upload failed (${run.code}): ${run.stderr}`);
  const result = JSON.parse(run.stdout) as { uploaded: number; messagesSent: number; seconds: number };
  return { ...run, uploaded: result.uploaded, messagesSent: result.messagesSent, actionSeconds: result.seconds };
}

async function runAwsCli(endpoint: string, bucket: string): Promise<ChildRun> {
  const env = { ...process.env, AWS_ACCESS_KEY_ID: LOCAL_CREDENTIALS.accessKeyId, AWS_SECRET_ACCESS_KEY: LOCAL_CREDENTIALS.secretAccessKey, AWS_DEFAULT_REGION: 'us-east-1', AWS_PAGER: '' };
  const run = await timedChild(AWS, ['s3', 'cp', '--recursive', '--only-show-errors', '--endpoint-url', endpoint, IMAGES, `s3://${bucket}/`], env);
  if (run.code !== 0) throw new Error(`aws s3 cp failed (${run.code}): ${run.stderr}`);
  return run;
}

/** rclone with an on-the-fly S3 remote (no config file); AWS_CA_BUNDLE, when set, makes rclone refuse plain HTTP endpoints. */
async function runRclone(endpoint: string, bucket: string): Promise<ChildRun> {
  const { accessKeyId, secretAccessKey } = LOCAL_CREDENTIALS;
  const remote = `:s3,provider=Other,env_auth=false,access_key_id=${accessKeyId},secret_access_key=${secretAccessKey},endpoint='${endpoint}',force_path_style=true:${bucket}`;
  const env = { ...process.env, AWS_CA_BUNDLE: '', RCLONE_CONFIG: '/dev/null' };
  const run = await timedChild(RCLONE, ['copy', '--transfers', '16', '--quiet', IMAGES, remote], env);
  if (run.code !== 0) throw new Error(`rclone copy failed (${run.code}): ${run.stderr}`);
  return run;
}

async function contextOn(stateDir: string, stack: string, endpoints: LocalEndpoints): Promise<Context> {
  const settings = { ...resolveSettings({}, {}), stateDir, local: true, stack };
  return createContext(settings, embeddedTarget(endpoints), new MemoryReporter(), async () => true);
}

const ROUNDS = 3;

/** One round: a fresh stack for thumbs and a fresh bucket for the AWS CLI, both starting empty. */
async function round(label: string, endpoints: LocalEndpoints, endpoint: string) {
  const stateDir = await stateFor(label, endpoints, endpoint);
  const ctx = await contextOn(stateDir, label, endpoints);
  await provision(ctx);
  const awsBucket = `aws-cli-${label}`;
  const rcloneBucket = `rclone-${label}`;
  await ctx.clients.s3.send(new CreateBucketCommand({ Bucket: awsBucket }));
  await ctx.clients.s3.send(new CreateBucketCommand({ Bucket: rcloneBucket }));
  const thumbs = await runThumbs(stateDir, label);
  const aws = await runAwsCli(endpoint, awsBucket);
  const rclone = await runRclone(endpoint, rcloneBucket);
  const awsObjects = await countObjects(ctx, awsBucket);
  const rcloneObjects = await countObjects(ctx, rcloneBucket);
  ctx.clients.destroy();
  if (thumbs.uploaded !== COUNT || thumbs.messagesSent !== COUNT) throw new Error(`thumbs uploaded ${thumbs.uploaded}, sent ${thumbs.messagesSent}`);
  if (awsObjects !== COUNT) throw new Error(`aws s3 cp left ${awsObjects} objects, not ${COUNT}`);
  if (rcloneObjects !== COUNT) throw new Error(`rclone copy left ${rcloneObjects} objects, not ${COUNT}`);
  return { thumbs, aws, rclone };
}

/**
 * Alternates the two tools over a few rounds. Each round's ratio compares two runs made seconds
 * apart, so a burst of load from other processes on a shared machine skews one round, not all;
 * the target must hold in every round (the worst ratio), not only in a good one.
 */
async function compare(label: string, endpoints: LocalEndpoints, endpoint: string) {
  const rounds = [];
  for (let i = 1; i <= ROUNDS; i += 1) rounds.push(await round(`${label}${i}`, endpoints, endpoint));
  const ratios = rounds.map((r) => r.thumbs.seconds / r.aws.seconds);
  const cpuRatios = rounds.map((r) => r.thumbs.cpuSeconds / r.aws.cpuSeconds);
  const rcloneRatios = rounds.map((r) => r.thumbs.seconds / r.rclone.seconds);
  const rcloneCpuRatios = rounds.map((r) => r.thumbs.cpuSeconds / r.rclone.cpuSeconds);
  const worst = Math.max(...ratios);
  const best = Math.min(...ratios);
  const worstRclone = Math.max(...rcloneRatios);
  const rss = rounds.map((r) => r.thumbs.peakRssMb);
  console.log(`upload ${label}: ratio per round ${ratios.map((r) => r.toFixed(2)).join(', ')}x (worst ${worst.toFixed(2)}x)` +
    ` [thumbs ${rounds.map((r) => r.thumbs.seconds.toFixed(2)).join(', ')}s, ${COUNT} objects + ${COUNT} messages, peak RSS ${Math.min(...rss).toFixed(0)}-${Math.max(...rss).toFixed(0)} MB;` +
    ` aws s3 cp ${rounds.map((r) => r.aws.seconds.toFixed(2)).join(', ')}s, ${rounds.map((r) => r.aws.peakRssMb.toFixed(0)).join(', ')} MB]` +
    `; CPU ratio per round ${cpuRatios.map((r) => r.toFixed(2)).join(', ')}x`);
  console.log(`upload vs rclone (${label}): ratio per round ${rcloneRatios.map((r) => r.toFixed(2)).join(', ')} (worst ${worstRclone.toFixed(2)}x)` +
    ` [rclone ${rounds.map((r) => r.rclone.seconds.toFixed(2)).join(', ')}s, ${rounds.map((r) => r.rclone.peakRssMb.toFixed(0)).join(', ')} MB]` +
    `; CPU ratio per round ${rcloneCpuRatios.map((r) => r.toFixed(2)).join(', ')}x`);
  return {
    ratios,
    cpuRatios,
    worstRatio: worst,
    bestRatio: best,
    rcloneRatios,
    rcloneCpuRatios,
    worstRcloneRatio: worstRclone,
    rcloneSeconds: rounds.map((r) => r.rclone.seconds),
    thumbsSeconds: rounds.map((r) => r.thumbs.seconds),
    thumbsActionSeconds: rounds.map((r) => r.thumbs.actionSeconds),
    awsCliSeconds: rounds.map((r) => r.aws.seconds),
    thumbsPeakRssMb: rss,
    awsCliPeakRssMb: rounds.map((r) => r.aws.peakRssMb),
  };
}

/**
 * `count` distinct tiny JPEGs in a folder, made fast: one 8x8 JPEG with a numbered comment
 * segment (FF FE) after its start marker, so every file has its own content and ETag.
 */
async function makeTinyImages(count: number): Promise<string> {
  const dir = path.join(WORK, `tiny-${count}`);
  await mkdir(dir, { recursive: true });
  const last = count - 1;
  const lastFile = path.join(dir, `batch-${String(Math.floor(last / 1000)).padStart(3, '0')}`, `tiny-${String(last).padStart(6, '0')}.jpg`);
  if (existsSync(lastFile)) return dir;
  const jpeg = await sharp({ create: { width: 8, height: 8, channels: 3, background: { r: 40, g: 90, b: 160 } } }).jpeg().toBuffer();
  for (let i = 0; i < count; i += 1) {
    const text = Buffer.from(`thumbs bench ${i}`);
    const comment = Buffer.concat([Buffer.from([0xff, 0xfe, 0, text.length + 2]), text]);
    // 1,000 files a folder, as a phone or camera export would have them.
    const sub = path.join(dir, `batch-${String(Math.floor(i / 1000)).padStart(3, '0')}`);
    if (i % 1000 === 0) await mkdir(sub, { recursive: true });
    await writeFile(path.join(sub, `tiny-${String(i).padStart(6, '0')}.jpg`), Buffer.concat([jpeg.subarray(0, 2), comment, jpeg.subarray(2)]));
  }
  return dir;
}

/** Peak RSS of `thumbs upload` for growing folders of tiny files, each into a fresh stack. */
async function memory(endpoints: LocalEndpoints, counts: number[]) {
  const figures: Array<{ files: number; seconds: number; peakRssMb: number }> = [];
  for (const count of counts) {
    const folder = await makeTinyImages(count);
    const label = `memory${count}`;
    const stateDir = await stateFor(label, endpoints, endpoints.s3);
    const ctx = await contextOn(stateDir, label, endpoints);
    await provision(ctx);
    ctx.clients.destroy();
    const env = { ...process.env, THUMBS_STATE_DIR: stateDir, AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true' };
    const run = await timedChild(process.execPath, [path.join(ROOT, 'bin', 'thumbs.js'), 'upload', folder, '--local', '--stack', label, '--json', '--quiet'], env);
    if (run.code !== 0) throw new Error(`thumbs upload of ${count} files failed (${run.code}): ${run.stderr}`);
    const result = JSON.parse(run.stdout) as { uploaded: number; messagesSent: number };
    if (result.uploaded !== count || result.messagesSent !== count) throw new Error(`thumbs uploaded ${result.uploaded} of ${count}, sent ${result.messagesSent}`);
    figures.push({ files: count, seconds: run.seconds, peakRssMb: run.peakRssMb });
    const previous = figures.at(-2);
    console.log(`upload memory: ${count} tiny files in ${run.seconds.toFixed(1)}s, peak RSS ${run.peakRssMb.toFixed(0)} MB` +
      (previous ? ` (${(run.peakRssMb / previous.peakRssMb).toFixed(2)}x the ${previous.files}-file figure)` : ''));
  }
  return figures;
}

/** What every thumbs command pays before it does anything: node plus loading the CLI's modules. */
async function startupSeconds(): Promise<number> {
  const run = await timedChild(process.execPath, [path.join(ROOT, 'bin', 'thumbs.js'), '--version'], { ...process.env });
  return run.seconds;
}

/** The delay proxy in a child process of its own, like a real network path (not on the emulator's thread). */
async function spawnDelayProxy(target: string, delayMs: number): Promise<{ url: string; close(): void }> {
  const child = spawn(process.execPath, ['--import', 'tsx', path.join(ROOT, 'bench', 'lib', 'delay-proxy.ts'), target, String(delayMs)], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const url = await new Promise<string>((resolve, reject) => {
    child.stdout.once('data', (data: Buffer) => resolve(data.toString().trim()));
    child.once('exit', (code) => reject(new Error(`delay proxy exited with ${code}`)));
  });
  return { url, close: () => child.kill('SIGTERM') };
}

export default async function bench(options: BenchOptions = {}): Promise<Record<string, unknown>> {
  ensureAwsCli();
  ensureRclone();
  const averageBytes = await makeImages(largestPhoto(options.corpus ?? corpusArgument()));
  console.log(`upload: ${COUNT} JPEGs, ${(averageBytes / 1024).toFixed(1)} KB average (${IMAGES})`);
  const emulators = await startEmulators();
  const proxy = await spawnDelayProxy(emulators.endpoints.s3, 15);
  try {
    const startup = await startupSeconds();
    console.log(`upload: \`thumbs --version\` takes ${startup.toFixed(2)}s (start-up cost inside every thumbs time below)`);
    const direct = await compare('direct', emulators.endpoints, emulators.endpoints.s3);
    const delayed = await compare('delayed', emulators.endpoints, proxy.url);
    const counts = process.argv.includes('--huge') ? [1000, 10000, 100000] : [1000, 10000];
    const rss = await memory(emulators.endpoints, counts);
    const flat = (rss[1]?.peakRssMb ?? 0) / (rss[0]?.peakRssMb ?? 1);
    console.log(`upload targets: direct worst ${direct.worstRatio.toFixed(2)}x the AWS CLI (<= 0.9), ${direct.worstRcloneRatio.toFixed(2)}x rclone (<= 1.5); 30 ms RTT worst ${delayed.worstRatio.toFixed(2)}x the AWS CLI (<= 0.5); peak RSS 10,000 / 1,000 files ${flat.toFixed(2)}x (<= 1.2)`);
    return {
      files: COUNT,
      averageKb: averageBytes / 1024,
      cliStartupSeconds: startup,
      direct,
      delayed30msRtt: delayed,
      memory: rss,
      meetsTargets: direct.worstRatio <= 0.9 && direct.worstRcloneRatio <= 1.5 && delayed.worstRatio <= 0.5 && flat <= 1.2 && rss.every((r) => r.files < 100000 || r.peakRssMb < 200),
    };
  } finally {
    proxy.close();
    await emulators.stop();
  }
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  console.log(JSON.stringify(await bench({ corpus: corpusArgument() }), null, 2));
}

