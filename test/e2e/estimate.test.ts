import { spawnSync } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BIN, isolatedEnv, runCli } from '../helpers/cli.js';
import { PHOTOS_DIR } from '../helpers/photos.js';

const PARTS = ['lambda', 's3', 'sqs', 'dynamodb', 'logs'] as const;
const PRICE_FIELDS = ['source', 'date', 'lambdaGbSecond', 'lambdaRequest', 's3Put', 's3Get', 's3GbMonth', 'sqsRequest', 'dynamodbWrite', 'logsGb'];

describe('thumbs estimate', () => {
  let dir: string;
  let env: NodeJS.ProcessEnv;
  beforeAll(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'thumbs-estimate-'));
    env = isolatedEnv({ THUMBS_STATE_DIR: path.join(dir, 'state') });
  });
  afterAll(() => rm(dir, { recursive: true, force: true }));

  it('--json on the repository photos has every field, and perImage.total is the sum of its parts', async () => {
    const run = await runCli(['estimate', PHOTOS_DIR, '--sample', '4', '--images', '1000000', '--json'], { env, cwd: dir });
    expect(run.stderr).not.toMatch(/error/);
    expect(run.code).toBe(0);
    const result = JSON.parse(run.stdout);
    expect(Object.keys(result)).toEqual(expect.arrayContaining(['sample', 'msPerImage', 'memoryMb', 'arch', 'region', 'prices', 'perImage', 'forImages']));
    expect(result).toMatchObject({ sample: 4, memoryMb: 1024, arch: 'x86_64', region: 'us-east-1' });
    expect(Object.keys(result.prices)).toEqual(expect.arrayContaining(PRICE_FIELDS));
    expect(Object.keys(result.forImages).sort()).toEqual(['images', 'storageGbMonth', 'storagePerMonth', 'total']);
    expect(result.forImages.images).toBe(1_000_000);
    expect(result.msPerImage).toBeGreaterThan(0);
    for (const part of PARTS) expect(result.perImage[part], part).toBeGreaterThan(0);
    const sum = PARTS.reduce((total, part) => total + result.perImage[part], 0);
    expect(result.perImage.total).toBeCloseTo(sum, 15);
    expect(result.forImages.total).toBeCloseTo(result.perImage.total * 1_000_000, 6);
    expect(result.range.perImage.low).toBeLessThanOrEqual(result.perImage.total);
    expect(result.range.perImage.high).toBeGreaterThanOrEqual(result.perImage.total);
    expect(result.assumptions.length).toBeGreaterThan(5);
    // Kept for provision, next to the stack's state.
    const kept = JSON.parse(await readFile(path.join(dir, 'state', 'estimates', 'default.json'), 'utf8'));
    expect(kept.byMemory.map((o: { memoryMb: number }) => o.memoryMb)).toContain(1769);
  });

  it('--memory with a list compares the sizes and marks the cheapest and the fastest', async () => {
    const run = await runCli(['estimate', PHOTOS_DIR, '--sample', '2', '--memory', '512,1024,1769,2048,3008', '--arch', 'arm64', '--json'], { env, cwd: dir });
    expect(run.code).toBe(0);
    const result = JSON.parse(run.stdout);
    expect(result.arch).toBe('arm64');
    expect(result.memoryComparison.map((o: { memoryMb: number }) => o.memoryMb)).toEqual([512, 1024, 1769, 2048, 3008]);
    expect(result.memoryComparison.filter((o: { cheapest: boolean }) => o.cheapest)).toHaveLength(1);
    expect(result.memoryComparison.filter((o: { fastest: boolean }) => o.fastest)).toHaveLength(1);
    expect(result.memoryMb).toBe(result.memoryComparison.find((o: { cheapest: boolean }) => o.cheapest).memoryMb);
  });

  it('an unknown region is a usage error naming the regions the price table knows', async () => {
    const run = await runCli(['estimate', PHOTOS_DIR, '--region', 'ap-south-1'], { env, cwd: dir });
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/--region ap-south-1: .*no prices for this region; it knows .*us-east-1/);
    expect(run.stderr).toMatch(/^hint: /m);
    expect(run.stderr).not.toMatch(/\n\s+at /);
  });

  it('loads no AWS SDK module: nothing is deployed or called', async () => {
    // A resolve hook that names every module of the SDK the process loads.
    const hook = path.join(dir, 'sdk-hook.mjs');
    const resolver = "export async function resolve(s, c, n) { const r = await n(s, c); if (/@aws-sdk|@smithy/.test(r.url)) process.stderr.write('SDK ' + r.url + '\\n'); return r; }";
    await writeFile(hook, `import { register } from 'node:module';\nregister('data:text/javascript,' + encodeURIComponent(${JSON.stringify(resolver)}));\n`);
    const run = spawnSync(process.execPath, ['--import', hook, BIN, 'estimate', PHOTOS_DIR, '--sample', '1', '--json'], { env, cwd: dir, encoding: 'utf8' });
    expect(run.status).toBe(0);
    expect(JSON.parse(run.stdout).sample).toBe(1);
    expect(run.stderr).not.toMatch(/^SDK /m);
  });

  it('a folder without images is a usage error naming it', async () => {
    const run = await runCli(['estimate', dir], { env, cwd: dir });
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/holds no images/);
  });
});
