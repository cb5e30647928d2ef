import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { ThumbsError } from '../errors.js';
import { BUNDLE_FILE, bundleHandler, LAMBDA_HANDLER } from './bundle.js';
import { DEFAULT_ARCH, lockedSharpVersion, projectRoot, type Architecture } from './project.js';
import { missingBinaries, sharpBinaryPackages, stageSharp } from './sharp-staging.js';
import { listTree, writeDeterministicZip } from './zip.js';

/** Lambda's limit for a zip uploaded directly (not through S3). */
export const MAX_ZIP_BYTES = 50 * 1024 * 1024;

export interface BuildOptions {
  /** Default x86_64. */
  arch?: Architecture;
  /** The thumbs folder holding lambda/ and package-lock.json; default: found above this module. */
  root?: string;
  /** Where function-<arch>.zip goes; default ./dist of the current folder (never the install folder). */
  outDir?: string;
}

export interface FunctionPackage {
  arch: Architecture;
  zipPath: string;
  bytes: number;
  /** Base64 SHA-256 of the zip: compare with GetFunction's CodeSha256. */
  sha256: string;
  handler: string;
  sharpVersion: string;
  /** false: the staging install was reused from the cache. */
  stagedNow: boolean;
  entries: number;
  seconds: number;
}

export function zipPathFor(outDir: string, arch: Architecture): string {
  return path.join(outDir, `function-${arch}.zip`);
}

/** Bundle, staged sharp and deterministic zip; bundling and the sharp install run concurrently. */
export async function buildFunctionPackage(options: BuildOptions = {}): Promise<FunctionPackage> {
  const started = performance.now();
  const arch = options.arch ?? DEFAULT_ARCH;
  const root = options.root ?? projectRoot();
  const outDir = path.resolve(options.outDir ?? 'dist');
  const sharpVersion = lockedSharpVersion(root);
  const bundleDir = await mkdtemp(path.join(os.tmpdir(), 'thumbs-bundle-'));
  try {
    const [, staged] = await Promise.all([bundleHandler(root, bundleDir), stageSharp(arch, sharpVersion)]);
    const missing = missingBinaries(staged.dir, arch);
    if (missing.length > 0) {
      throw new ThumbsError('sharp-binaries-missing', `the ${arch} package lacks ${missing.join(', ')}`, {
        hint: `Delete ${staged.dir} and run again; it will be installed afresh.`,
      });
    }
    const entries = [
      ...(await listTree(bundleDir, '')).filter((entry) => entry.name === BUNDLE_FILE),
      ...(await listTree(path.join(staged.dir, 'node_modules'), 'node_modules/')),
    ];
    await prepareOutDir(outDir);
    const zipPath = zipPathFor(outDir, arch);
    const { bytes, sha256 } = await writeDeterministicZip(entries, zipPath);
    if (bytes > MAX_ZIP_BYTES) {
      throw new ThumbsError('package-too-large', `${zipPath} is ${(bytes / 1048576).toFixed(1)} MB; Lambda takes at most 50 MB zipped`, {
        hint: 'Remove dependencies from lambda/, or deploy through S3 or a container image.',
      });
    }
    const seconds = (performance.now() - started) / 1000;
    return { arch, zipPath, bytes, sha256, handler: LAMBDA_HANDLER, sharpVersion, stagedNow: !staged.cached, entries: entries.length, seconds };
  } finally {
    await rm(bundleDir, { recursive: true, force: true });
  }
}

/** --out names a folder; a file there, or a folder the user cannot write, is the user's to fix. */
async function prepareOutDir(outDir: string): Promise<void> {
  try {
    await mkdir(outDir, { recursive: true });
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code !== 'EEXIST' && code !== 'ENOTDIR' && code !== 'EACCES' && code !== 'EPERM' && code !== 'EROFS') throw error;
    throw new ThumbsError('bad-out-dir', `cannot write the function zip into ${outDir} (${code})`, {
      hint: code === 'EEXIST' || code === 'ENOTDIR' ? 'Give --out a folder, not a file.' : 'Give --out a folder you can write, e.g. --out ./dist.',
      exitCode: 2,
      cause: error,
    });
  }
}

export { sharpBinaryPackages };
