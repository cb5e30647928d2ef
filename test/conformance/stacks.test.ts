import { DeleteQueueCommand } from '@aws-sdk/client-sqs';
import { describe, expect } from 'vitest';
import { conformanceFamily } from './family.js';
import { queueUrlOf } from './verify.js';

const family = await conformanceFamily('stacks');
const { target, step } = family;
const stack = family.stack('st');

interface Stacks {
  stacks: Array<{ stack: string; health: string; missing: string[]; resources: number }>;
}

describe(`stacks (${target.label})`, () => {
  step('stacks lists the stack with its health ok', async () => {
    const run = await family.backend.cli(['provision', '--stack', stack, '--no-function']);
    expect(run.code, run.stderr).toBe(0);
    const { run: listing, result } = await family.backend.json<Stacks>(['stacks']);
    expect(listing.code, listing.stderr).toBe(0);
    expect(result.stacks.find((s) => s.stack === stack)).toMatchObject({ health: 'ok', missing: [] });
  });

  step('stacks names a queue deleted with the SDK (degraded)', async () => {
    const { clients } = family.backend;
    const url = await queueUrlOf(clients, family.names(stack).queue);
    await clients.sqs.send(new DeleteQueueCommand({ QueueUrl: url }));
    expect(await queueUrlOf(clients, family.names(stack).queue)).toBeUndefined();
    const { result } = await family.backend.json<Stacks>(['stacks']);
    expect(result.stacks.find((s) => s.stack === stack)).toMatchObject({ health: 'degraded', missing: ['queue'] });
  });
});
