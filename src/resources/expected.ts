import type { BackendCapabilities } from '../aws/target.js';
import { recordedConfig } from '../state/stack-config.js';
import type { ResourceKind, StackState } from '../state/state-file.js';
import type { StackNames } from './names.js';

const DATA_KINDS: readonly ResourceKind[] = ['originalsBucket', 'thumbnailsBucket', 'table', 'queue', 'deadLetterQueue'];
const FUNCTION_KINDS: readonly ResourceKind[] = ['role', 'logGroup', 'function', 'functionUrl', 'eventSourceMapping'];

/**
 * Whether the stack should have its function side: where Lambda exists, unless the last provision
 * made only the data side (--no-function). A state file written before provision recorded that
 * expects it when any of it is recorded.
 */
export function expectsFunction(state: Pick<StackState, 'resources' | 'config'>, capabilities: Pick<BackendCapabilities, 'hasControlPlane'>): boolean {
  if (!capabilities.hasControlPlane) return false;
  if (state.config?.function !== undefined) return state.config.function;
  return [...FUNCTION_KINDS, 'bucketNotification' as const].some((kind) => state.resources[kind]);
}

/**
 * What a provisioned stack consists of, derived from its recorded choices rather than from what
 * happens to be recorded: a provision killed before the function leaves a record without it.
 * Published sites (siteBucket, amplifyApp) are expected only once recorded.
 */
export function expectedKinds(state: Pick<StackState, 'resources' | 'config'>, capabilities: Pick<BackendCapabilities, 'hasControlPlane'>): ResourceKind[] {
  if (!expectsFunction(state, capabilities)) return [...DATA_KINDS];
  const s3Trigger = recordedConfig(state)?.trigger === 's3';
  return [...DATA_KINDS, ...FUNCTION_KINDS, ...(s3Trigger ? ['bucketNotification' as const] : [])];
}

/** What an expected resource that is missing is called, for the report. */
export function expectedId(kind: ResourceKind, names: StackNames): string {
  if (kind === 'eventSourceMapping') return `${names.queue} -> ${names.function}`;
  if (kind === 'bucketNotification') return `${names.originalsBucket} -> ${names.queue}`;
  if (kind === 'functionUrl') return names.function;
  return names[kind];
}
