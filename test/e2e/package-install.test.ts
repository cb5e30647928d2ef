import { execFile } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { cp, mkdtemp, readdir, stat, symlink } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { beforeAll, describe, expect, it } from 'vitest';
import { isolatedEnv } from '../helpers/cli.js';

const run = promisify(execFile);
const pkg = JSON.parse(readFileSync('package.json', 'utf8')) as { version: string; name: string };

let tarball: string;
let tarballFiles: string[];
let installed: string;
let thumbs: string;

async function listTree(dir: string): Promise<string[]> {
  return (await readdir(dir, { recursive: true })).map(String).sort();
}

/**
 * What a user gets from `npm install -g`: the packed tarball (prepack builds dist/), installed into a
 * fresh prefix from the npm cache where it can, and run from an empty folder outside the repository.
 */
beforeAll(async () => {
  const work = await mkdtemp(path.join(os.tmpdir(), 'thumbs-pack-'));
  const env = isolatedEnv();
  // Packed from a copy, so that prepack's build cannot rewrite dist/ under the tests running beside this one.
  const source = path.join(work, 'source');
  const skip = new Set(['node_modules', 'dist', '.git', '.thumbs', 'test', 'bench']);
  await cp('.', source, { recursive: true, filter: (from) => !skip.has(path.basename(from)) || path.dirname(path.resolve(from)) !== process.cwd() });
  await symlink(path.resolve('node_modules'), path.join(source, 'node_modules'));
  const { stdout } = await run('npm', ['pack', '--json', '--pack-destination', work], { cwd: source, env, maxBuffer: 64 * 1024 * 1024 });
  const [packed] = JSON.parse(stdout) as Array<{ filename: string; files: Array<{ path: string }> }>;
  tarball = path.join(work, packed!.filename);
  tarballFiles = packed!.files.map((file) => file.path);
  const prefix = path.join(work, 'prefix');
  await run('npm', ['install', '--global', '--prefix', prefix, '--prefer-offline', '--no-audit', '--no-fund', '--loglevel=error', tarball], { env });
  installed = path.join(prefix, 'lib', 'node_modules', pkg.name);
  thumbs = path.join(prefix, 'bin', 'thumbs');
}, 600_000);

describe('the npm package', () => {
  it('holds the bin, the compiled CLI, the function sources, the lockfile and a few licensed photos, and nothing else', async () => {
    expect(tarballFiles).toEqual(expect.arrayContaining([
      'bin/thumbs.js',
      'dist/cli/main.js',
      'lambda/handler.ts',
      'npm-shrinkwrap.json',
      'images/LICENSES.md',
      'package.json',
    ]));
    expect(tarballFiles.filter((file) => /^(test|bench|scripts|src)\//.test(file) || file.endsWith('.map'))).toEqual([]);
    const photos = tarballFiles.filter((file) => /\.(jpe?g|png)$/.test(file));
    expect(photos.length).toBeGreaterThanOrEqual(3);
    const license = readFileSync('images/LICENSES.md', 'utf8');
    for (const photo of photos) expect(license).toContain(path.basename(photo));
    expect((await stat(tarball)).size).toBeLessThan(3 * 1024 * 1024);
  });

  it('ships the tested dependency tree: the shrinkwrap pins the overrides', () => {
    const shrinkwrap = JSON.parse(readFileSync(path.join(installed, 'npm-shrinkwrap.json'), 'utf8')) as { packages: Record<string, { version?: string }> };
    const { overrides } = JSON.parse(readFileSync('package.json', 'utf8')) as { overrides: Record<string, string> };
    expect(Object.keys(overrides).length).toBeGreaterThan(0);
    for (const [name, version] of Object.entries(overrides)) expect(shrinkwrap.packages[`node_modules/${name}`]?.version).toBe(version);
  });

  it('prints the version of its package.json', async () => {
    const { stdout } = await run(thumbs, ['--version'], { env: isolatedEnv() });
    expect(stdout.trim()).toBe(pkg.version);
  });

  it('runs the demo from an empty folder on its own sample photos, writing nothing there or into the install', async () => {
    const cwd = await mkdtemp(path.join(os.tmpdir(), 'thumbs-user-'));
    const before = await listTree(installed);
    const { stdout, stderr } = await run(thumbs, ['demo', '--json'], { cwd, env: isolatedEnv() });
    const result = JSON.parse(stdout) as { images: number; done: number };
    expect(result.images).toBeGreaterThanOrEqual(3);
    expect(result.done).toBe(result.images);
    expect(stderr).not.toMatch(/Warning/);
    expect(await readdir(cwd)).toEqual([]);
    expect(await listTree(installed)).toEqual(before);
  });

  it('packages the function into ./dist of the current folder, not into the install', async () => {
    const cwd = await mkdtemp(path.join(os.tmpdir(), 'thumbs-user-'));
    const before = await listTree(installed);
    const { stdout } = await run(thumbs, ['package', '--json'], { cwd, env: isolatedEnv(), timeout: 300_000 });
    const result = JSON.parse(stdout) as { zipPath: string };
    expect(result.zipPath).toBe(path.join(cwd, 'dist', 'function-x86_64.zip'));
    expect(existsSync(result.zipPath)).toBe(true);
    expect(await listTree(installed)).toEqual(before);
  }, 300_000);
});
