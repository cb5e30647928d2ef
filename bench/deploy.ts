/**
 * Deploy benchmark: function zip size for both architectures (target <= 9.5 MB zipped for x86_64),
 * build time, cold load time of the unzipped handler, what bundling the AWS SDK costs, and the
 * sequential AWS round trips of provision (targets: <= 12 cold, <= 2 for a re-run that changes nothing).
 * Round trips are counted on an in-memory AWS (test/helpers/fake-aws.ts) that delays every call by
 * 5 ms and records its start and end, because aws-sdk-client-mock bypasses the client middleware.
 */
import { execFileSync } from 'node:child_process';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { deflateRawSync } from 'node:zlib';
import { build } from 'esbuild';
import { provision } from '../src/actions/provision.js';
import { CallLog } from '../src/aws/call-log.js';
import { buildFunctionPackage, type FunctionPackage } from '../src/package/build.js';
import { ACCOUNT, FakeAws } from '../test/helpers/fake-aws.js';
import { mockAwsContext } from '../test/helpers/mock-context.js';
import { unzip } from '../test/helpers/unzip.js';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const WORK = path.join(ROOT, 'bench', '.work', 'deploy');
const mb = (bytes: number) => Number((bytes / 1048576).toFixed(2));

/** Zipped size of the handler bundle with and without the AWS SDK clients inside. */
async function sdkCost(): Promise<{ bundledKb: number; externalKb: number }> {
  const size = async (external: string[]) => {
    const result = await build({ entryPoints: [path.join(ROOT, 'lambda', 'handler.ts')], bundle: true, minify: true, platform: 'node', target: 'node22', format: 'esm', external, write: false, logLevel: 'silent' });
    return Math.round(deflateRawSync(result.outputFiles[0]?.contents ?? new Uint8Array(), { level: 9 }).length / 1024);
  };
  return { bundledKb: await size(['sharp']), externalKb: await size(['sharp', '@aws-sdk/*']) };
}

/** Imports the unzipped handler in a fresh Node, as a Lambda cold start would (sharp and libvips included). */
function coldLoadMs(dir: string): number {
  const script = `const t=performance.now();await import(${JSON.stringify(path.join(dir, 'index.mjs'))});process.stdout.write(String(performance.now()-t))`;
  const runs = [0, 1, 2].map(() => Number(execFileSync(process.execPath, ['--input-type=module', '-e', script], { encoding: 'utf8' })));
  return Math.round(Math.min(...runs));
}

async function criticalPaths(pkg: FunctionPackage): Promise<{ cold: number; noop: number; coldCalls: number; noopCalls: number }> {
  const fake = new FakeAws(5);
  const { ctx } = await mockAwsContext();
  const zipPath = path.join(await mkdtemp(path.join(os.tmpdir(), 'thumbs-bench-')), 'f.zip');
  await writeFile(zipPath, pkg.sha256);
  const options = { buildPackage: async () => ({ ...pkg, zipPath }), sleep: async () => undefined };
  const measure = async () => {
    fake.calls.length = 0;
    await provision(ctx, options);
    const log = new CallLog();
    log.calls.push(...fake.calls);
    return { length: log.criticalPathLength(), calls: fake.calls.length };
  };
  try {
    const cold = await measure();
    const noop = await measure();
    return { cold: cold.length, noop: noop.length, coldCalls: cold.calls, noopCalls: noop.calls };
  } finally {
    fake.reset();
    ctx.clients.destroy();
  }
}

export default async function deployBench(): Promise<Record<string, unknown>> {
  await rm(WORK, { recursive: true, force: true });
  await mkdir(WORK, { recursive: true });
  const x64 = await buildFunctionPackage({ arch: 'x86_64', outDir: WORK });
  const arm = await buildFunctionPackage({ arch: 'arm64', outDir: WORK });
  const rebuild = await buildFunctionPackage({ arch: 'x86_64', outDir: WORK });
  const unpacked = path.join(WORK, 'unzipped');
  await unzip(x64.zipPath, unpacked);
  const loadMs = coldLoadMs(unpacked);
  const sdk = await sdkCost();
  const paths = await criticalPaths(x64);
  const figures = {
    zipMbX86_64: mb(x64.bytes),
    zipMbArm64: mb(arm.bytes),
    buildSecondsFirst: Number(x64.seconds.toFixed(2)),
    stagedNow: x64.stagedNow || arm.stagedNow,
    buildSecondsCached: Number(rebuild.seconds.toFixed(2)),
    identicalRebuild: rebuild.sha256 === x64.sha256,
    coldLoadMs: loadMs,
    sdkBundledKbZipped: sdk.bundledKb,
    sdkExternalKbZipped: sdk.externalKb,
    provisionRoundTripsCold: paths.cold,
    provisionRoundTripsNoop: paths.noop,
    provisionCallsCold: paths.coldCalls,
    provisionCallsNoop: paths.noopCalls,
  };
  console.log(`deploy: zip x86_64 ${figures.zipMbX86_64} MB (target <= 9.5), arm64 ${figures.zipMbArm64} MB; build ${figures.buildSecondsFirst}s, rebuild ${figures.buildSecondsCached}s, identical ${figures.identicalRebuild}`);
  console.log(`deploy: cold load of the unzipped handler ${loadMs} ms; handler bundle zipped ${sdk.bundledKb} KB with the SDK, ${sdk.externalKb} KB without`);
  console.log(`deploy: provision round trips cold ${paths.cold} (target <= 12, ${paths.coldCalls} calls), no-op ${paths.noop} (target <= 2, ${paths.noopCalls} calls), account ${ACCOUNT}`);
  return figures;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) await deployBench();
