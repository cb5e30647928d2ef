import { link, readFile, rm } from 'node:fs/promises';
import path from 'node:path';
import { mkdir, writeFile } from 'node:fs/promises';
import { writeJsonAtomic } from '../fs/write-file-atomic.js';
import { ThumbsError } from '../errors.js';
import type { LocalEndpoints } from './constants.js';

export function localFilePath(stateDir: string): string {
  return path.join(stateDir, 'local.json');
}

export async function writeLocalEndpoints(stateDir: string, endpoints: LocalEndpoints): Promise<void> {
  await writeJsonAtomic(localFilePath(stateDir), endpoints);
}

export async function removeLocalEndpoints(stateDir: string): Promise<void> {
  await rm(localFilePath(stateDir), { force: true });
}

/** The refusal of a second `thumbs dev` for one state folder, naming the one that runs. */
export function devAlreadyRunning(file: string, running: LocalEndpoints): ThumbsError {
  return new ThumbsError('dev-already-running', `thumbs dev is already running for this folder (pid ${running.pid}; S3+SQS ${running.s3}, DynamoDB ${running.dynamodb}; ${file})`, {
    hint: 'Use that one with --local, or stop it (Ctrl-C in its terminal) first; a second backend needs its own state folder, e.g. THUMBS_STATE_DIR=.thumbs-2 thumbs dev.',
  });
}

/**
 * Makes this process the one `thumbs dev` of a state folder: the endpoints file is created only
 * if absent (an exclusive create, so two starting at once cannot both win), replacing a file left
 * by a process that has exited. Throws naming the running one otherwise.
 */
export async function claimLocalEndpoints(stateDir: string, endpoints: LocalEndpoints): Promise<void> {
  await mkdir(stateDir, { recursive: true });
  const file = localFilePath(stateDir);
  // Written whole under another name, then linked into place: link() fails if the file exists,
  // and a reader never sees it half written.
  const draft = `${file}.${process.pid}.tmp`;
  await writeFile(draft, `${JSON.stringify(endpoints, null, 2)}\n`);
  try {
    for (let attempt = 0; attempt < 2; attempt += 1) {
      try {
        await link(draft, file);
        return;
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      }
      const probe = await probeLocalEndpoints(stateDir);
      if (probe.endpoints && !probe.problem) throw devAlreadyRunning(file, probe.endpoints);
      await rm(file, { force: true });
    }
  } finally {
    await rm(draft, { force: true });
  }
  throw new ThumbsError('dev-claim-failed', `could not create ${file}: another thumbs dev is starting for this folder`, {
    hint: 'Run one thumbs dev per state folder; try again in a moment.',
  });
}

/** Removes the endpoints file only if it is still the one this process wrote. */
export async function releaseLocalEndpoints(stateDir: string, endpoints: LocalEndpoints): Promise<void> {
  const probe = await probeLocalEndpoints(stateDir);
  if (probe.endpoints?.pid === endpoints.pid && probe.endpoints.s3 === endpoints.s3) await removeLocalEndpoints(stateDir);
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
