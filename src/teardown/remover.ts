import { isNotFound } from '../aws/aws-errors.js';
import type { Context } from '../context.js';
import type { ResourceKind, ResourceRecord } from '../state/state-file.js';
import type { OpenStack } from '../state/open-stack.js';

/** Whether a resource still belongs to the stack: 'absent' means already gone, which counts as done. */
export type Ownership = 'owned' | 'foreign' | 'absent';

/** How teardown handles one kind of resource. */
export interface ResourceRemover {
  kind: ResourceKind;
  /**
   * Dependency order: lower waves go first (the trigger before the function, the function
   * before its role, the queue before its dead-letter queue). Kinds in one wave run concurrently.
   */
  wave: number;
  /** Finds the resource by its deterministic name when the state file is gone. */
  discover(ctx: Context, stack: OpenStack): Promise<ResourceRecord | undefined>;
  /** Reads the thumbs:stack tag; backends that store no tags answer from the record alone. */
  ownership(ctx: Context, record: ResourceRecord, stack: OpenStack): Promise<Ownership>;
  /** Deletes it; NotFound counts as done. Returns a note for the user (e.g. "emptied 42 objects"). */
  remove(ctx: Context, record: ResourceRecord, stack: OpenStack): Promise<string | undefined>;
}

/** Runs an ownership read: true owned, false foreign; undefined or NotFound mean already gone. */
export async function ownershipOf(read: () => Promise<boolean | undefined>): Promise<Ownership> {
  try {
    const owned = await read();
    return owned === undefined ? 'absent' : owned ? 'owned' : 'foreign';
  } catch (error) {
    if (isNotFound(error)) return 'absent';
    throw error;
  }
}
