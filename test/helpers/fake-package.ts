import { mkdtemp, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type { FunctionPackage } from '../../src/package/build.js';

/** A function package without a build: the fake AWS stores a zip's content as its CodeSha256, so a zip holding "sha-v1" has that hash. */
export async function fakePackage(sha: string): Promise<(arch: 'x86_64' | 'arm64') => Promise<FunctionPackage>> {
  const zipPath = path.join(await mkdtemp(path.join(os.tmpdir(), 'thumbs-zip-')), 'function.zip');
  await writeFile(zipPath, sha);
  return async (arch) => ({ arch, zipPath, bytes: sha.length, sha256: sha, handler: 'index.handler', sharpVersion: '0', stagedNow: false, entries: 1, seconds: 0 });
}
