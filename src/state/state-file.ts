import { readFile, rm } from 'node:fs/promises';
import { writeJsonAtomic } from '../fs/write-file-atomic.js';
import path from 'node:path';
import { ThumbsError } from '../errors.js';
import type { BackendKind } from '../aws/target.js';
import type { StackConfig } from './stack-config.js';

/** Every resource thumbs may create or adopt, in teardown's dependency order (last first). */
export const RESOURCE_KINDS = [
  'role',
  'originalsBucket',
  'thumbnailsBucket',
  'table',
  'deadLetterQueue',
  'queue',
  'logGroup',
  'notifyTopic',
  'function',
  'eventSourceMapping',
  'bucketNotification',
  'siteBucket',
  'amplifyApp',
] as const;
export type ResourceKind = (typeof RESOURCE_KINDS)[number];

export interface ResourceRecord {
  /** Name, URL, UUID or app id: whatever the service addresses it by. */
  id: string;
  arn?: string;
  /** created: thumbs made it and may delete it; adopted: it was there before and is never deleted. */
  origin: 'created' | 'adopted';
  extra?: Record<string, string>;
}

/**
 * 2 added `config`. Version 1 files (the first release) are read and rewritten as 2 on the next
 * change; their configuration is implied by their resources (stack-config.ts).
 */
export const STATE_VERSION = 2 as const;
const READABLE_VERSIONS: readonly number[] = [1, 2];

export interface StackState {
  /** 1 only as read from a first-release file: every write is STATE_VERSION. */
  version: 1 | typeof STATE_VERSION;
  stack: string;
  account: string;
  region: string;
  backend: BackendKind;
  endpoint?: string;
  updatedAt: string;
  resources: Partial<Record<ResourceKind, ResourceRecord>>;
  /** The desired configuration: every choice made by flag, environment or config file. */
  config?: StackConfig;
}

export function stateFilePath(stateDir: string, stack: string): string {
  return path.join(stateDir, `${stack}.json`);
}

export async function readState(stateDir: string, stack: string): Promise<StackState | undefined> {
  const file = stateFilePath(stateDir, stack);
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
  const hint = `Move it aside (mv ${file} ${file}.bad); teardown can still find the stack by its tags.`;
  let state: unknown;
  try {
    state = JSON.parse(text);
  } catch (error) {
    throw new ThumbsError('bad-state-file', `state file ${file} is unreadable (${(error as Error).message})`, { hint, exitCode: 2 });
  }
  const problem = shapeProblem(state, stack);
  if (problem) throw new ThumbsError('bad-state-file', `state file ${file} has the wrong shape: ${problem}`, { hint, exitCode: 2 });
  return state as StackState;
}

const BACKENDS: readonly string[] = ['aws', 'endpoint', 'embedded'];

/** The first field that is not what thumbs wrote, named; undefined when the file has the shape of a state file. */
function shapeProblem(value: unknown, stack: string): string | undefined {
  if (!value || typeof value !== 'object' || Array.isArray(value)) return 'it is not a JSON object';
  const state = value as Record<string, unknown>;
  if (!READABLE_VERSIONS.includes(state.version as number)) return `field "version" is ${JSON.stringify(state.version)}, not one of ${READABLE_VERSIONS.join(', ')}`;
  if (state.stack !== stack) return `field "stack" is ${JSON.stringify(state.stack)}, not "${stack}"`;
  for (const field of ['account', 'region']) {
    if (typeof state[field] !== 'string' || state[field] === '') return `field "${field}" is ${JSON.stringify(state[field])}, not a non-empty string`;
  }
  if (!BACKENDS.includes(state.backend as string)) return `field "backend" is ${JSON.stringify(state.backend)}, not one of ${BACKENDS.join(', ')}`;
  if (state.endpoint !== undefined && typeof state.endpoint !== 'string') return `field "endpoint" is ${JSON.stringify(state.endpoint)}, not a URL`;
  const resources = state.resources;
  if (!resources || typeof resources !== 'object' || Array.isArray(resources)) return `field "resources" is ${JSON.stringify(resources)}, not an object`;
  for (const [kind, record] of Object.entries(resources)) {
    if (typeof (record as { id?: unknown } | null)?.id !== 'string') return `field "resources.${kind}.id" is missing or not a string`;
  }
  return undefined;
}

/** Write to a temporary file and rename it over the old one, so a crash never leaves half a file. */
export async function writeState(stateDir: string, state: StackState): Promise<void> {
  await writeJsonAtomic(stateFilePath(stateDir, state.stack), { ...state, version: STATE_VERSION }, { mode: 0o600 });
}

export async function deleteState(stateDir: string, stack: string): Promise<void> {
  await rm(stateFilePath(stateDir, stack), { force: true });
}
