import { isNotFound } from '../aws/aws-errors.js';
import type { Context } from '../context.js';
import { ThumbsError } from '../errors.js';
import type { OpenStack } from '../state/open-stack.js';
import type { ResourceKind, ResourceRecord } from '../state/state-file.js';

/** One attribute thumbs sets that differs from what it wants: `function.memory: 2048 -> 1536`. */
export interface Difference {
  attribute: string;
  from: string;
  to: string;
  /** The endpoint's answer left this attribute out (see differsReported): drift on AWS only. */
  unreported?: true;
}

export const renderDifference = (kind: string, d: Difference) => `${kind}.${d.attribute}: ${d.from} -> ${d.to}`;

/** created/updated: a write was sent; unchanged/adopted: none was; planned: --dry-run would create or update. */
export type EnsureStatus = 'created' | 'updated' | 'unchanged' | 'adopted' | 'planned';

export interface EnsureResult {
  kind: ResourceKind;
  id: string;
  arn?: string;
  status: EnsureStatus;
  /** What a planned or updated step changes, in words. */
  note?: string;
  /** updated: what was repaired; planned: what would be; adopted: drift that is only reported. */
  changes?: Difference[];
}

/** failed: the removal went wrong (reason says how); the resource remains and teardown exits 1. */
export type RemoveStatus = 'deleted' | 'absent' | 'kept' | 'failed';

export interface RemoveResult {
  /** unknown: something tagged with the stack's tag that thumbs never makes (it is only reported). */
  kind: ResourceKind | 'unknown';
  id: string;
  status: RemoveStatus;
  /** Why a resource was kept (adopted, tag missing...). */
  reason?: string;
}

export interface EnsureOptions {
  /** Only read: report what would change, write nothing. */
  dryRun: boolean;
}

/** Whether a resource belongs to the stack: 'absent' means it does not exist (for teardown: already gone). */
export type Ownership = 'owned' | 'foreign' | 'absent';

/** What `status` learns of one recorded resource. */
export interface Inspection {
  exists: boolean;
  ownership: Ownership;
  /** Attributes thumbs set that differ now (for adopted resources: what thumbs would want, reported only). */
  drift: Difference[];
}

/**
 * What provision, status and teardown know about one kind of resource. Each kind lives in one
 * module under src/resources/ which also exports its spec, read, diff and converge; the registry
 * (src/resources/registry.ts) lists these for status and teardown.
 */
export interface ResourceModule {
  kind: ResourceKind;
  /**
   * Teardown's dependency order: lower waves go first (the trigger before the function, the function
   * before its role, the queue before its dead-letter queue). Kinds in one wave run concurrently.
   */
  wave: number;
  /** The one ownership check: the thumbs:stack tag, or the record alone where the backend stores no tags. */
  ownership(ctx: Context, record: ResourceRecord, stack: OpenStack): Promise<Ownership>;
  /** Finds the resource by its deterministic name; teardown always looks, state file or not. */
  discover(ctx: Context, stack: OpenStack): Promise<ResourceRecord | undefined>;
  /** Reads it again for `status`: does it exist, is it ours, what drifted. */
  inspect(ctx: Context, record: ResourceRecord, stack: OpenStack): Promise<Inspection>;
  /** Deletes it; NotFound counts as done. Returns a note for the user (e.g. "emptied 42 objects"). */
  remove(ctx: Context, record: ResourceRecord, stack: OpenStack): Promise<string | undefined>;
}

/** Runs an ownership read: true owned, false foreign; undefined or NotFound mean absent. */
export async function ownershipOf(read: () => Promise<boolean | undefined>): Promise<Ownership> {
  try {
    const owned = await read();
    return owned === undefined ? 'absent' : owned ? 'owned' : 'foreign';
  } catch (error) {
    if (isNotFound(error)) return 'absent';
    throw error;
  }
}

/** A record found by name: created when it carries the tag, adopted (and so never deleted) when not. */
export function discovered(ownership: Ownership, record: Omit<ResourceRecord, 'origin'>): ResourceRecord | undefined {
  if (ownership === 'absent') return undefined;
  return { ...record, origin: ownership === 'owned' ? 'created' : 'adopted' };
}

/** No unasked adoption: a resource with the stack's name but not its tag is refused, never taken over. */
export function notOurs(what: string, name: string, stack: string, adoptHint: string): ThumbsError {
  return new ThumbsError('not-ours', `${what} "${name}" exists but does not carry the tag thumbs:stack=${stack}`, {
    hint: `${adoptHint}, or remove it, or choose another --stack. thumbs never takes over a resource it did not create unless told to.`,
  });
}

/** A difference when the two sides differ, as text. */
export function differs(attribute: string, from: unknown, to: unknown): Difference[] {
  const text = (value: unknown) => (value === undefined || value === null || value === '' ? '(none)' : String(value));
  return text(from) === text(to) ? [] : [{ attribute, from: text(from), to: text(to) }];
}

/**
 * A difference for an attribute AWS always returns, so that its absence is telling only on AWS:
 * there an answer without it is compared as `absentMeans` (AWS's default), like differs; other
 * endpoints leave out what they do not implement (moto returns no LoggingConfig for a function),
 * so there the difference is marked unreported, and `judged` keeps it out of drift and repairs.
 */
export function differsReported(attribute: string, from: unknown, to: unknown, absentMeans: string): Difference[] {
  if (from !== undefined && from !== null) return differs(attribute, from, to);
  return differs(attribute, absentMeans, to).map((d) => ({ ...d, unreported: true as const }));
}

/** Differences as this backend means them: on AWS every one is drift; elsewhere unreported ones are set apart. */
export function judged(ctx: Pick<Context, 'target'>, differences: Difference[]): { drift: Difference[]; unreported: Difference[] } {
  if (ctx.target.backend === 'aws') return { drift: differences.map(({ unreported: _, ...d }) => d), unreported: [] };
  return { drift: differences.filter((d) => !d.unreported), unreported: differences.filter((d) => d.unreported) };
}

/** The thumbs tags missing from a resource's tags, as one difference. */
export function tagDrift(tags: Record<string, string | undefined> | undefined, wanted: Record<string, string>): Difference[] {
  const missing = Object.entries(wanted).filter(([key, value]) => tags?.[key] !== value);
  if (missing.length === 0) return [];
  return [{ attribute: 'tags', from: missing.map(([key]) => `${key}=${tags?.[key] ?? '(none)'}`).join(','), to: missing.map(([key, value]) => `${key}=${value}`).join(',') }];
}

/** The result of a converge from its differences: unchanged, planned (dry run) or updated. */
export function resultOf(base: Omit<EnsureResult, 'status'>, changes: Difference[], dryRun: boolean): EnsureResult {
  if (changes.length === 0) return { ...base, status: 'unchanged' };
  return { ...base, status: dryRun ? 'planned' : 'updated', changes };
}
