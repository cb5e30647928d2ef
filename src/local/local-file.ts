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

/** What is known of the embedded backend: its endpoints, or why it is not usable. */
export interface LocalProbe {
  file: string;
  endpoints?: LocalEndpoints;
  /** Why the backend is not usable (no file, unreadable, process gone); undefined when it is. */
  problem?: string;
}

/** Reads the endpoints `thumbs dev` wrote and checks that it still runs; never throws for a missing backend. */
export async function probeLocalEndpoints(stateDir: string): Promise<LocalProbe> {
  const file = localFilePath(stateDir);
  let endpoints: LocalEndpoints;
  try {
    endpoints = JSON.parse(await readFile(file, 'utf8')) as LocalEndpoints;
  } catch (error) {
    const missing = (error as NodeJS.ErrnoException).code === 'ENOENT';
    return { file, problem: missing ? 'no endpoints file' : 'unreadable endpoints file' };
  }
  if (!isAlive(endpoints.pid)) return { file, endpoints, problem: `process ${endpoints.pid} has exited` };
  return { file, endpoints };
}

/** The endpoints of the running `thumbs dev`; an error saying how to start it when it is not running. */
export async function readLocalEndpoints(stateDir: string): Promise<LocalEndpoints> {
  const probe = await probeLocalEndpoints(stateDir);
  if (probe.problem || !probe.endpoints) {
    throw new ThumbsError('local-backend-not-running', `the embedded backend is not running (${probe.problem}: ${probe.file})`, {
      hint: 'Start it with `thumbs dev` in another terminal and keep it open, or run `thumbs demo` for a self-contained run.',
    });
  }
  return probe.endpoints;
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
