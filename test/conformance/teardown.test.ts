import { CreateEventSourceMappingCommand, DeleteEventSourceMappingCommand } from '@aws-sdk/client-lambda';
import { describe, expect } from 'vitest';
import type { Backend } from './backend.js';
import { conformanceFamily } from './family.js';
import { remainsOf } from './leftovers.js';
import { functionOf, functionUrlOf, keysIn, mappingsFrom, queueAttributesOf, tableOf } from './verify.js';

const family = await conformanceFamily('teardown');
const { target, step } = family;
const plain = family.stack('td');
const doubled = family.stack('td2');
const killed = family.stack('tdk');
const LISTED = ['IAM', 'Lambda', 'CloudWatch Logs', 'tagging API', 'resource tags'] as const;

const teardownLeavesNothing = async (stack: string) => {
  const run = await family.backend.cli(['teardown', '--stack', stack]);
  expect(run.code, `${run.stdout}\n${run.stderr}`).toBe(0);
  expect(await remainsOf(family.backend, stack)).toEqual([]);
};

/**
 * A provision stopped with SIGKILL once the data side, role and log group are done and before the
 * function is created (packaging the function comes first and takes seconds).
 */
async function provisionKilledBeforeFunction(backend: Backend, stack: string): Promise<void> {
  const child = backend.start(['provision', '--stack', stack, '--verbose']);
  let output = '';
  const dataSideDone = () => (output.match(/done bucket/g) ?? []).length === 2 && /done table/.test(output) && /done queues/.test(output) && /done role/.test(output) && /done log group/.test(output);
  await new Promise<void>((resolve, reject) => {
    const look = (chunk: Buffer) => {
      output += chunk.toString();
      if (/start function/.test(output)) {
        child.kill('SIGKILL');
        reject(new Error(`provision reached the function before it could be stopped:\n${output}`));
      }
      else if (dataSideDone()) {
        child.kill('SIGKILL');
        resolve();
      }
    };
    child.stderr?.on('data', look);
    child.stdout?.on('data', look);
    child.on('close', () => reject(new Error(`provision ended before it could be stopped:\n${output}`)));
  });
  await new Promise((resolve) => child.once('close', resolve));
}

describe(`teardown (${target.label})`, () => {
  step('teardown removes everything; a listing by name and by tag finds nothing', async () => {
    const provision = await family.backend.cli(['provision', '--stack', plain]);
    expect(provision.code, provision.stderr).toBe(0);
    const upload = await family.backend.cli(['upload', await family.photos(), '--stack', plain]);
    expect(upload.code, upload.stderr).toBe(0);
    expect(await keysIn(family.backend.clients, family.names(plain).originalsBucket)).not.toEqual([]);
    expect(await remainsOf(family.backend, plain)).not.toEqual([]);
    const fn = family.names(plain).function;
    if (target.has.has('Lambda')) expect((await functionUrlOf(family.backend.clients, fn))?.FunctionUrl).toBeDefined();
    await teardownLeavesNothing(plain);
    if (target.has.has('Lambda')) expect(await functionUrlOf(family.backend.clients, fn)).toBeUndefined();
  }, { partly: [...LISTED] });

  step('a second teardown finds nothing to delete and exits 0', async () => {
    await teardownLeavesNothing(plain);
  });

  step('status names a second event source mapping made with the SDK as extra (exit 1)', async () => {
    const provision = await family.backend.cli(['provision', '--stack', doubled]);
    expect(provision.code, provision.stderr).toBe(0);
    const names = family.names(doubled);
    const EventSourceArn = (await queueAttributesOf(family.backend.clients, names.queue)).QueueArn;
    // AWS refuses a second mapping of one queue to the same unqualified function; a qualified one is another target.
    const second = await family.backend.clients.lambda
      .send(new CreateEventSourceMappingCommand({ EventSourceArn, FunctionName: names.function, BatchSize: 5 }))
      .catch(() => family.backend.clients.lambda.send(new CreateEventSourceMappingCommand({ EventSourceArn, FunctionName: `${names.function}:$LATEST`, BatchSize: 5 })));
    expect(await mappingsFrom(family.backend.clients, names.queue)).toHaveLength(2);
    const json = await family.backend.cli(['status', '--stack', doubled, '--json']);
    expect(json.code).toBe(1);
    expect(JSON.parse(json.stdout)).toMatchObject({ healthy: false });
    expect(json.stdout).toContain(second.UUID);
    const text = await family.backend.cli(['status', '--stack', doubled]);
    // The extras come in a table of their own, after the line that announces them.
    const extras = text.stdout.slice(text.stdout.indexOf('extra resource'));
    expect(text.stdout).toContain('extra resource');
    expect(extras).toMatch(new RegExp(`eventSourceMapping\\s*│\\s*${second.UUID}`));
  }, { needs: ['Lambda'] });

  step('teardown removes both event source mappings and leaves nothing', async () => {
    const names = family.names(doubled);
    try {
      await teardownLeavesNothing(doubled);
    } finally {
      // Whatever teardown left is removed here, so no later run meets it.
      for (const mapping of await mappingsFrom(family.backend.clients, names.queue).catch(() => [])) {
        await family.backend.clients.lambda.send(new DeleteEventSourceMappingCommand({ UUID: mapping.UUID }));
      }
    }
  }, { needs: ['Lambda'] });

  step('a provision killed before its function leaves the data side and no function', async () => {
    await provisionKilledBeforeFunction(family.backend, killed);
    const names = family.names(killed);
    expect(await tableOf(family.backend.clients, names.table)).toBeDefined();
    expect(await functionOf(family.backend.clients, names.function)).toBeUndefined();
  }, { needs: ['Lambda'] });

  step('status on a provision killed before its function is unhealthy (exit 1)', async () => {
    const status = await family.backend.cli(['status', '--stack', killed]);
    expect(status.code, status.stdout).toBe(1);
    expect(status.stdout).toMatch(/function/);
  }, { needs: ['Lambda'] });

  step('teardown of a provision killed before its function leaves nothing', async () => {
    await teardownLeavesNothing(killed);
  }, { needs: ['Lambda'] });
});
