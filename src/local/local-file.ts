import { readFile, rm } from 'node:fs/promises';
import path from 'node:path';
import { mkdir, writeFile } from 'node:fs/promises';
import { ThumbsError } from '../errors.js';
import type { LocalEndpoints } from './constants.js';

export function localFilePath(stateDir: string): string {
  return path.join(stateDir, 'local.json');
}

export async function writeLocalEndpoints(stateDir: string, endpoints: LocalEndpoints): Promise<void> {
  await mkdir(stateDir, { recursive: true });
  await writeFile(localFilePath(stateDir), `${JSON.stringify(endpoints, null, 2)}\n`);
}

export async function removeLocalEndpoints(stateDir: string): Promise<void> {
  await rm(localFilePath(stateDir), { force: true });
}

const notRunning = (file: string, why: string) =>
  new ThumbsError('local-backend-not-running', `the embedded backend is not running (${why}: ${file})`, {
    hint: 'Start it with `thumbs dev` in another terminal and keep it open, or run `thumbs demo` for a self-contained run.',
  });

/** The endpoints `thumbs dev` wrote; an error saying how to start it when it is not running. */
export async function readLocalEndpoints(stateDir: string): Promise<LocalEndpoints> {
  const file = localFilePath(stateDir);
  let endpoints: LocalEndpoints;
  try {
    endpoints = JSON.parse(await readFile(file, 'utf8')) as LocalEndpoints;
  } catch (error) {
    const missing = (error as NodeJS.ErrnoException).code === 'ENOENT';
    throw notRunning(file, missing ? 'no endpoints file' : 'unreadable endpoints file');
  }
  if (!isAlive(endpoints.pid)) throw notRunning(file, `process ${endpoints.pid} has exited`);
  return endpoints;
}

/** Whether the process that wrote the endpoints file still runs (EPERM: it does, as another user). */
export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}
