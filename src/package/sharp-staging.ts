import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, rename, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { promisify } from 'node:util';
import { ThumbsError } from '../errors.js';
import { userCacheDir } from './cache-dir.js';
import { npmCpuOf, type Architecture } from './project.js';

const run = promisify(execFile);

/** The native packages sharp needs on Lambda (glibc Linux) for an architecture. */
export function sharpBinaryPackages(arch: Architecture): string[] {
  const cpu = npmCpuOf(arch);
  return [`@img/sharp-linux-${cpu}`, `@img/sharp-libvips-linux-${cpu}`];
}

/** Where the staging install for one (arch, sharp version) is cached; its node_modules goes into the zip. */
export function stagingDir(arch: Architecture, version: string, cacheDir = userCacheDir()): string {
  return path.join(cacheDir, `sharp-${version}-linux-${npmCpuOf(arch)}-glibc`);
}

export function missingBinaries(dir: string, arch: Architecture): string[] {
  return sharpBinaryPackages(arch).filter((name) => !existsSync(path.join(dir, 'node_modules', name, 'package.json')));
}

/**
 * Installs sharp for Linux/glibc on the target CPU, whatever the host is (macOS, Windows, Linux):
 * npm's --os/--cpu/--libc pick the optional @img packages, so no `invalid ELF header` on Lambda.
 * The result is cached; a fresh install goes to a temporary folder renamed into place when complete,
 * so an interrupted or concurrent build never sees half an install.
 */
export async function stageSharp(arch: Architecture, version: string, cacheDir = userCacheDir()): Promise<{ dir: string; cached: boolean }> {
  const dir = stagingDir(arch, version, cacheDir);
  if (existsSync(dir) && missingBinaries(dir, arch).length === 0) return { dir, cached: true };
  await mkdir(path.dirname(dir), { recursive: true }).catch((error: NodeJS.ErrnoException) => {
    throw new ThumbsError('cache-not-writable', `cannot create the cache folder ${path.dirname(dir)} (${error.code ?? error.message})`, {
      hint: 'Set XDG_CACHE_HOME to a folder you can write, e.g. XDG_CACHE_HOME=/tmp/cache thumbs package.',
      exitCode: 2,
      cause: error,
    });
  });
  const temporary = await mkdtemp(`${dir}.tmp-`);
  try {
    await writeFile(path.join(temporary, 'package.json'), JSON.stringify({ name: 'thumbs-staging', private: true, dependencies: { sharp: version } }));
    await npmInstall(temporary, arch, version);
    const missing = missingBinaries(temporary, arch);
    if (missing.length > 0) {
      throw new ThumbsError('sharp-binaries-missing', `the sharp ${version} install for linux-${npmCpuOf(arch)} lacks ${missing.join(', ')}`, {
        hint: 'Check that this sharp version publishes Linux glibc binaries for that CPU, or choose the other --arch.',
      });
    }
    await rm(dir, { recursive: true, force: true });
    await rename(temporary, dir).catch((error: NodeJS.ErrnoException) => {
      // Another build won the race; its install is as good as ours.
      if (!existsSync(dir)) throw error;
    });
    return { dir, cached: false };
  } finally {
    await rm(temporary, { recursive: true, force: true });
  }
}

async function npmInstall(cwd: string, arch: Architecture, version: string): Promise<void> {
  const args = [
    'install',
    '--os=linux',
    `--cpu=${npmCpuOf(arch)}`,
    '--libc=glibc',
    '--omit=dev',
    // Lambda rejects symlinks in a zip; .bin links are the only ones npm makes.
    '--no-bin-links',
    '--ignore-scripts',
    '--no-package-lock',
    '--no-audit',
    '--no-fund',
    // Use the npm cache without revalidating, so a machine that installed once can package offline.
    '--prefer-offline',
    '--loglevel=error',
  ];
  try {
    // npm is a .cmd script on Windows, which execFile runs only through a shell.
    await run(process.platform === 'win32' ? 'npm.cmd' : 'npm', args, { cwd, shell: process.platform === 'win32', timeout: 300_000 });
  } catch (error) {
    const stderr = String((error as { stderr?: string }).stderr ?? (error as Error).message).trim().split('\n').slice(-3).join(' ');
    throw new ThumbsError('sharp-install-failed', `npm could not install sharp@${version} for linux-${npmCpuOf(arch)}: ${stderr}`, {
      hint: 'Check that npm can reach its registry (or that its cache holds this version), then run again.',
      cause: error,
    });
  }
}
