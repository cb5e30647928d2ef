import type { ResourceKind } from '../state/state-file.js';

/** created/updated: a write was sent; unchanged/adopted: none was; planned: --dry-run would create or update. */
export type EnsureStatus = 'created' | 'updated' | 'unchanged' | 'adopted' | 'planned';

export interface EnsureResult {
  kind: ResourceKind;
  id: string;
  arn?: string;
  status: EnsureStatus;
  /** What a planned or updated step changes, in words. */
  note?: string;
}

export type RemoveStatus = 'deleted' | 'absent' | 'kept';

export interface RemoveResult {
  kind: ResourceKind;
  id: string;
  status: RemoveStatus;
  /** Why a resource was kept (adopted, tag missing...). */
  reason?: string;
}

export interface EnsureOptions {
  /** Only read: report what would change, write nothing. */
  dryRun: boolean;
}
