import { rm } from 'node:fs/promises';
import type { Context } from '../context.js';
import { errorName } from '../aws/aws-errors.js';
import { ExitCode, isThumbsError } from '../errors.js';
import { queueNameOf } from '../resources/queues.js';
import { RESOURCE_MODULES } from '../resources/registry.js';
import type { RemoveResult, ResourceModule } from '../resources/resource.js';
import { searchBeyond, type FoundResource } from '../resources/stack-search.js';
import { MANAGED_BY_TAG, STACK_TAG } from '../resources/tags.js';
import { openStack, stateDirFor, type OpenStack } from '../state/open-stack.js';
import { journalPath } from '../upload/sent-journal.js';
import type { ResourceRecord } from '../state/state-file.js';

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
  /** Whether the state file was found; either way the stack's resources were also looked for by name and tag. */
  foundBy: 'state' | 'discovery';
  /** What of the stack is still there after this run (a removal failed): the command then exits 1. */
  remaining: string[];
}

interface Target {
  module: ResourceModule;
  record: ResourceRecord;
  /** Why it is a target although not recorded nor named like the stack's (found by tag or as a further trigger). */
  why?: string;
  /** Why an adopted target is kept, when not simply adopted. */
  keptBecause?: string;
}

/** A resource found by tag or as a further trigger, as a target of its kind's module. */
function extraTarget(found: FoundResource, stack: string): Target | RemoveResult {
  const module = RESOURCE_MODULES.find((m) => m.kind === found.kind);
  const base = { id: found.id, ...(found.arn ? { arn: found.arn } : {}), origin: found.origin };
  if (!module) return { kind: 'unknown', id: found.arn ?? found.id, status: 'kept', reason: `carries ${STACK_TAG}=${stack}, but thumbs makes no such resource` };
  const record: ResourceRecord = found.kind === 'queue' || found.kind === 'deadLetterQueue' ? { ...base, extra: { name: found.id } } : base;
  const why = found.foundBy === 'trigger' ? "a further trigger of the stack's queue and function" : `not recorded; carries ${STACK_TAG}=${stack}`;
  return { module, record, why, keptBecause: `${why}, but not ${MANAGED_BY_TAG}=thumbs: thumbs did not create it` };
}

/**
 * The recorded resources and, always, those found by the stack's deterministic names and tag: a
 * provision killed between a create and its record, or a lost state file, leaves nothing unfound;
 * every trigger between the stack's queue and function goes, not only the recorded one.
 */
async function targetsOf(ctx: Context, stack: OpenStack, remember: boolean): Promise<{ targets: Target[]; unsearched: RemoveResult[]; notes: string[] }> {
  const unsearched: RemoveResult[] = [];
  const found = await Promise.all(
    RESOURCE_MODULES.map(async (module) => {
      try {
        return [module, await module.discover(ctx, stack)] as const;
      } catch (error) {
        if (isThumbsError(error) && error.exitCode !== ExitCode.failure) throw error;
        // Not knowing is not "nothing there": the row makes the command exit 1.
        unsearched.push({ kind: module.kind, id: stack.names[module.kind as keyof typeof stack.names] ?? module.kind, status: 'failed', reason: `could not look for it by name: ${errorName(error)}` });
        return [module, undefined] as const;
      }
    }),
  );
  const targets: Target[] = [];
  for (const [module, record] of found) {
    const recorded = stack.store.get(module.kind);
    if (recorded) targets.push({ module, record: recorded });
    if (!record || (recorded && sameResource(module, recorded, record))) continue;
    // Remembered at once, so a teardown interrupted now still knows it next time.
    if (!recorded && remember && record.origin === 'created') await stack.store.record(module.kind, record);
    targets.push({ module, record });
  }
  const search = await searchBeyond(ctx, stack, targets.map((t) => ({ kind: t.module.kind, record: t.record })));
  for (const extra of search.found.map((f) => extraTarget(f, stack.stack))) {
    if ('module' in extra) targets.push(extra);
    else unsearched.push(extra);
  }
  return { targets, unsearched, notes: search.notes };
}

const sameResource = (module: ResourceModule, a: ResourceRecord, b: ResourceRecord) =>
  a.id === b.id || (module.kind === 'queue' || module.kind === 'deadLetterQueue' ? queueNameOf(a) === queueNameOf(b) : a.extra?.pending === 'true' || b.extra?.pending === 'true');

async function removeOne(ctx: Context, stack: OpenStack, target: Target, dryRun: boolean): Promise<RemoveResult> {
  const { module, record } = target;
  const base = { kind: module.kind, id: record.id };
  if (record.origin === 'adopted') return { ...base, status: 'kept', reason: target.keptBecause ?? 'adopted: thumbs did not create it' };
  const forget = async () => {
    if (!dryRun && stack.store.get(module.kind)?.id === record.id) await stack.store.forget(module.kind);
  };
  try {
    const ownership = await module.ownership(ctx, record, stack);
    if (ownership === 'absent') {
      await forget();
      return { ...base, status: 'absent' };
    }
    if (ownership === 'foreign') return { ...base, status: 'kept', reason: `no longer tagged ${STACK_TAG}=${stack.stack}` };
    if (dryRun) return { ...base, status: 'deleted', reason: ['would delete (dry run)', target.why].filter(Boolean).join(': ') };
    const note = await ctx.reporter.step(`delete ${module.kind} ${record.id}`, () => module.remove(ctx, record, stack));
    await forget();
    const reason = [target.why, note].filter(Boolean).join('; ');
    return { ...base, status: 'deleted', ...(reason ? { reason } : {}) };
  } catch (error) {
    if (isThumbsError(error) && error.exitCode !== ExitCode.failure) throw error;
    // One failure must not stop the rest: the others go, and the command names what remains.
    return { ...base, status: 'failed', reason: (error as Error).message.split('\n')[0] ?? errorName(error) };
  }
}

/**
 * What of the stack thumbs would delete is still there, searched again by name, tag and trigger.
 * What this run deleted is not asked about again: some deletions finish after their answer (an SQS
 * queue may be listed for up to 60 s after DeleteQueue).
 */
async function leftovers(ctx: Context, stack: OpenStack, done: RemoveResult[]): Promise<string[]> {
  const deleted = new Set(done.filter((r) => r.status === 'deleted').map((r) => `${r.kind} ${r.id}`));
  const { targets, unsearched } = await targetsOf(ctx, stack, false);
  const left = await Promise.all(
    targets
      .filter((t) => t.record.origin === 'created' && !deleted.has(`${t.module.kind} ${t.record.id}`))
      .map(async (t) => {
        const name = `${t.module.kind} ${t.record.id}`;
        try {
          return (await t.module.ownership(ctx, t.record, stack)) === 'owned' ? [name] : [];
        } catch (error) {
          return [`${name} (could not check: ${errorName(error)})`];
        }
      }),
  );
  return [...left.flat(), ...unsearched.filter((r) => r.status === 'failed').map((r) => `${r.kind} ${r.id}`)];
}

/**
 * Deletes exactly what this stack created and still carries its tag, wave by wave in dependency
 * order. Each deletion is forgotten in the state file as it happens, so an interrupted teardown
 * resumes where it stopped; adopted resources are never touched. The state file goes only when
 * nothing of the stack remains.
 */
export async function teardown(ctx: Context, options: TeardownOptions = {}): Promise<TeardownResult> {
  const dryRun = options.dryRun ?? false;
  const stack = await openStack(ctx, { persist: !dryRun, migrate: !dryRun });
  const foundBy = stack.hadState ? 'state' : 'discovery';
  const { targets, unsearched, notes } = await targetsOf(ctx, stack, !dryRun);
  for (const note of notes) ctx.reporter.warn(note);
  const deletable = targets.filter((t) => t.record.origin === 'created');
  if (!dryRun && deletable.length > 0) {
    const list = deletable.map((t) => `  ${t.module.kind} ${t.record.id}`).join('\n');
    const ok = await ctx.confirm(`Delete ${deletable.length} resources of stack "${stack.stack}" and all their data?\n${list}\n`);
    if (!ok) return { stack: stack.stack, dryRun, confirmed: false, results: [], foundBy, remaining: [] };
  }
  const results: RemoveResult[] = [...unsearched];
  const waves = [...new Set(targets.map((t) => t.module.wave))].sort((a, b) => a - b);
  for (const wave of waves) {
    const inWave = targets.filter((t) => t.module.wave === wave);
    results.push(...(await Promise.all(inWave.map((target) => removeOne(ctx, stack, target, dryRun)))));
  }
  const remaining = results.filter((r) => r.status === 'failed').map((r) => `${r.kind} ${r.id}`);
  if (!dryRun) {
    for (const left of await ctx.reporter.step('list the stack again', () => leftovers(ctx, stack, results))) if (!remaining.includes(left)) remaining.push(left);
    // The journal of sent messages speaks of this queue; a new queue must be announced everything again.
    if (results.some((r) => r.kind === 'queue' && (r.status === 'deleted' || r.status === 'absent'))) {
      await rm(journalPath(stateDirFor(ctx), stack.stack), { force: true });
    }
    if (remaining.length === 0) {
      // Adopted records have nothing left to do once the stack's own resources are gone.
      for (const t of targets) if (t.record.origin === 'adopted' && stack.store.get(t.module.kind)?.id === t.record.id) await stack.store.forget(t.module.kind);
      await stack.store.removeIfEmpty();
    }
  }
  return { stack: stack.stack, dryRun, confirmed: true, results, foundBy, remaining };
}
