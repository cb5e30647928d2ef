import { errorName } from '../aws/aws-errors.js';
import type { Context } from '../context.js';
import { discoverTaggedStacks } from '../stacks/discover.js';
import { stackHealth, type StackHealth } from '../stacks/health.js';
import { knownStacks } from '../stacks/known-stacks.js';
import { recordedStacks } from '../stacks/recorded-stacks.js';
import type { StackState } from '../state/state-file.js';

export interface StackSummary extends StackHealth {
  stack: string;
  backend: string;
  /** Region, and the endpoint for a custom one. */
  region: string;
  endpoint?: string;
  account?: string;
  /** record: its record in its table here; state: only a state file here; tags: found only by the thumbs:stack tag; both: record or file, and tags. */
  foundBy: 'record' | 'state' | 'tags' | 'both';
  createdAt?: string;
  /** Resources recorded in the state file, or tagged when there is none. */
  resources: number;
  /** Resources carrying the stack's tag in this region (AWS only). */
  tagged?: number;
}

export interface StacksResult {
  stacks: StackSummary[];
  /** Why tag discovery did not run or failed (not on AWS, no credentials...). */
  discovery: string;
}

/** The stacks with a state file in stateDir, each with the health `check` gives it. */
async function fromStateFiles(stateDir: string, check: (state: StackState) => Promise<StackHealth>): Promise<StackSummary[]> {
  const { known, unreadable } = await knownStacks(stateDir);
  const summaries: StackSummary[] = await Promise.all(known.map(async ({ state, createdAt }) => ({
    stack: state.stack,
    backend: state.backend,
    region: state.region,
    ...(state.endpoint ? { endpoint: state.endpoint } : {}),
    account: state.account,
    foundBy: 'state' as const,
    createdAt,
    resources: Object.keys(state.resources).length,
    ...(await check(state)),
  })));
  // Every other command refuses such a stack with this message: the listing names it too, rather than leave it out.
  summaries.push(...unreadable.map((u): StackSummary => ({
    stack: u.stack, backend: u.local ? 'embedded' : 'unknown', region: '?', foundBy: 'state', resources: 0, health: 'unknown', missing: [], note: u.error,
  })));
  return summaries;
}

const NO_TAG_DISCOVERY = 'by the thumbs:stack tag only on AWS';

/**
 * `thumbs stacks --local` while `thumbs dev` is not running: the state files can still be listed,
 * only their health cannot be checked.
 */
export async function stacksWithoutBackend(stateDir: string, why: string): Promise<StacksResult> {
  const summaries = await fromStateFiles(stateDir, async () => ({ health: 'unknown', missing: [], note: why }));
  return { stacks: summaries.sort(byStack), discovery: NO_TAG_DISCOVERY };
}

const byStack = (a: StackSummary, b: StackSummary) => a.stack.localeCompare(b.stack) || a.backend.localeCompare(b.backend);

/** The stacks whose record is in a table where this command points: listed from any folder or machine. */
async function addRecorded(ctx: Context, summaries: StackSummary[]): Promise<string> {
  try {
    const records = await recordedStacks(ctx);
    for (const state of records) {
      const resources = Object.keys(state.resources).length;
      const same = summaries.find((s) => s.stack === state.stack && s.backend === state.backend && s.region === state.region && s.endpoint === state.endpoint);
      if (same) Object.assign(same, { foundBy: 'record', resources });
      else summaries.push({ stack: state.stack, backend: state.backend, region: state.region, ...(state.endpoint ? { endpoint: state.endpoint } : {}), account: state.account, foundBy: 'record', resources, ...(await stackHealth(ctx, state)) });
    }
    return `${records.length} recorded in ${ctx.clients.region}`;
  } catch (error) {
    return `listing records failed (${errorName(error)}: ${(error as Error).message})`;
  }
}

/** `thumbs stacks`: the stacks recorded where this command points, those with a state file here and, on AWS, those found by their tag. */
export async function stacks(ctx: Context): Promise<StacksResult> {
  const summaries = await fromStateFiles(ctx.settings.stateDir, (state) => stackHealth(ctx, state));
  const recorded = await addRecorded(ctx, summaries);
  let discovery = NO_TAG_DISCOVERY;
  if (ctx.target.backend === 'aws') {
    try {
      const tagged = await discoverTaggedStacks(ctx);
      discovery = `${tagged.length} stacks tagged in ${ctx.clients.region}`;
      for (const found of tagged) {
        const same = summaries.find((s) => s.stack === found.stack && s.backend === 'aws' && s.region === found.region);
        if (same) Object.assign(same, { foundBy: 'both', tagged: found.resources.length });
        else summaries.push({ stack: found.stack, backend: 'aws', region: found.region, foundBy: 'tags', resources: found.resources.length, tagged: found.resources.length, health: 'unknown', missing: [], note: 'no state file here: `thumbs teardown --stack` finds it by tag' });
      }
    } catch (error) {
      discovery = `tag discovery failed (${errorName(error)}: ${(error as Error).message})`;
    }
  }
  summaries.sort(byStack);
  return { stacks: summaries, discovery: `${recorded}; ${discovery}` };
}
