import { rm } from 'node:fs/promises';
import type { Context } from '../context.js';
import type { RemoveResult } from '../ensure/types.js';
import { STACK_TAG } from '../resources/tags.js';
import { openStack, stateDirFor, type OpenStack } from '../state/open-stack.js';
import { journalPath } from '../upload/sent-journal.js';
import type { ResourceRecord } from '../state/state-file.js';
import { REMOVERS } from '../teardown/registry.js';
import type { ResourceRemover } from '../teardown/remover.js';

export interface TeardownOptions {
  /** Show what would be deleted and kept; delete nothing. Default false. */
  dryRun?: boolean;
}

export interface TeardownResult {
  stack: string;
  dryRun: boolean;
  /** false: the user declined the prompt; nothing was deleted. */
  confirmed: boolean;
  results: RemoveResult[];
  /** Whether the state file was found, or the stack was found again by name and tag. */
  foundBy: 'state' | 'discovery';
}

interface Target {
  remover: ResourceRemover;
  record: ResourceRecord;
}

/** With no state file, look for each resource by its deterministic name and tag. */
async function discover(ctx: Context, stack: OpenStack): Promise<void> {
  const found = await Promise.all(REMOVERS.map(async (remover) => [remover, await remover.discover(ctx, stack)] as const));
  for (const [remover, record] of found) if (record) await stack.store.record(remover.kind, record);
}

async function removeOne(ctx: Context, stack: OpenStack, { remover, record }: Target, dryRun: boolean): Promise<RemoveResult> {
  const base = { kind: remover.kind, id: record.id };
  if (record.origin === 'adopted') return { ...base, status: 'kept', reason: 'adopted: it existed before thumbs' };
  const ownership = await remover.ownership(ctx, record, stack);
  if (ownership === 'absent') {
    if (!dryRun) await stack.store.forget(remover.kind);
    return { ...base, status: 'absent' };
  }
  if (ownership === 'foreign') return { ...base, status: 'kept', reason: `no longer tagged ${STACK_TAG}=${stack.stack}` };
  if (dryRun) return { ...base, status: 'deleted', reason: 'would delete (dry run)' };
  const note = await ctx.reporter.step(`delete ${remover.kind} ${record.id}`, () => remover.remove(ctx, record, stack));
  await stack.store.forget(remover.kind);
  return { ...base, status: 'deleted', ...(note ? { reason: note } : {}) };
}

/**
 * Deletes exactly what this stack created and still carries its tag, wave by wave in dependency
 * order. Each deletion is forgotten in the state file as it happens, so an interrupted teardown
 * resumes where it stopped; adopted resources are never touched.
 */
export async function teardown(ctx: Context, options: TeardownOptions = {}): Promise<TeardownResult> {
  const dryRun = options.dryRun ?? false;
  const stack = await openStack(ctx, { persist: !dryRun });
  if (!stack.hadState) await discover(ctx, stack);
  const foundBy = stack.hadState ? 'state' : 'discovery';
  const targets: Target[] = REMOVERS.flatMap((remover) => {
    const record = stack.store.get(remover.kind);
    return record ? [{ remover, record }] : [];
  });
  const deletable = targets.filter((t) => t.record.origin === 'created');
  if (!dryRun && deletable.length > 0) {
    const list = deletable.map((t) => `  ${t.remover.kind} ${t.record.id}`).join('\n');
    const ok = await ctx.confirm(`Delete ${deletable.length} resources of stack "${stack.stack}" and all their data?\n${list}\n`);
    if (!ok) return { stack: stack.stack, dryRun, confirmed: false, results: [], foundBy };
  }
  const results: RemoveResult[] = [];
  const waves = [...new Set(targets.map((t) => t.remover.wave))].sort((a, b) => a - b);
  for (const wave of waves) {
    const inWave = targets.filter((t) => t.remover.wave === wave);
    results.push(...(await Promise.all(inWave.map((target) => removeOne(ctx, stack, target, dryRun)))));
  }
  if (!dryRun) {
    // The journal of sent messages speaks of this queue; a new queue must be announced everything again.
    if (results.some((r) => r.kind === 'queue' && (r.status === 'deleted' || r.status === 'absent'))) {
      await rm(journalPath(stateDirFor(ctx), stack.stack), { force: true });
    }
    // Adopted records have nothing left to do once the stack's own resources are gone.
    for (const t of targets) if (t.record.origin === 'adopted') await stack.store.forget(t.remover.kind);
    await stack.store.removeIfEmpty();
  }
  return { stack: stack.stack, dryRun, confirmed: true, results, foundBy };
}
