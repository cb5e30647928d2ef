import { DeleteItemCommand } from '@aws-sdk/client-dynamodb';
import { DeleteQueueCommand, GetQueueUrlCommand } from '@aws-sdk/client-sqs';
import { rm } from 'node:fs/promises';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { provision } from '../../src/actions/provision.js';
import { status } from '../../src/actions/status.js';
import { unhealthyError } from '../../src/cli/commands/status.js';
import { stateFilePath } from '../../src/state/state-file.js';
import { startEmbedded, type EmbeddedHarness } from '../helpers/embedded.js';

let harness: EmbeddedHarness;
beforeEach(async () => {
  harness = await startEmbedded();
});
afterEach(async () => {
  await harness.stop();
});

describe('status from what the embedded backend holds', () => {
  it('expects the data side only (no Lambda here): healthy after provision', async () => {
    await provision(harness.ctx);
    const result = await status(harness.ctx);
    expect(result.resources.map((r) => r.kind).sort()).toEqual(['deadLetterQueue', 'originalsBucket', 'queue', 'table', 'thumbnailsBucket']);
    expect(result).toMatchObject({ provisioned: true, healthy: true, extra: [] });
  });

  it('with the state file deleted, reads the stack from its record: nothing is lost', async () => {
    await provision(harness.ctx);
    await rm(stateFilePath(path.join(harness.stateDir, 'local'), 'default'));
    const result = await status(harness.ctx);
    expect(result).toMatchObject({ provisioned: true, healthy: true, extra: [] });
    expect(result.resources).toHaveLength(5);
  });

  it('with neither the state file nor the record, reports the resources it finds by name and how to go on', async () => {
    const provisioned = await provision(harness.ctx);
    const table = provisioned.resources.find((r) => r.kind === 'table')?.id ?? '';
    await rm(stateFilePath(path.join(harness.stateDir, 'local'), 'default'));
    await harness.ctx.clients.dynamodb.send(new DeleteItemCommand({ TableName: table, Key: { imageKey: { S: '#thumbs/record' } } }));
    const result = await status(harness.ctx);
    expect(result).toMatchObject({ provisioned: false, healthy: false, resources: [] });
    expect(result.extra.map((e) => [e.kind, e.foundBy]).sort()).toEqual([
      ['deadLetterQueue', 'name'], ['originalsBucket', 'name'], ['queue', 'name'], ['table', 'name'], ['thumbnailsBucket', 'name'],
    ]);
    expect(unhealthyError(result).message).toBe('stack default: no state file here, but 5 resources of it found');
    // The hint's commands carry --local, like the rendered status above it.
    expect(unhealthyError(result, true).hint).toBe('`thumbs provision --local` records and completes it, or `thumbs teardown --local` deletes what thumbs made.');
  });

  it('with nothing provisioned, the error\'s hint names the command for this backend (--local here)', async () => {
    const result = await status(harness.ctx);
    expect(result).toMatchObject({ provisioned: false, healthy: false, extra: [] });
    expect(unhealthyError(result, true)).toMatchObject({ message: 'stack default: nothing is provisioned', hint: '`thumbs provision --local` creates it.' });
    expect(unhealthyError(result, false).hint).toBe('`thumbs provision` creates it.');
  });

  it('a queue deleted behind thumbs\' back is missing; the stack is unhealthy', async () => {
    await provision(harness.ctx);
    const { sqs } = harness.ctx.clients;
    const { QueueUrl } = await sqs.send(new GetQueueUrlCommand({ QueueName: 'thumbs-default-jobs-dlq' }));
    await sqs.send(new DeleteQueueCommand({ QueueUrl }));
    const result = await status(harness.ctx);
    expect(result.healthy).toBe(false);
    expect(result.resources.find((r) => r.kind === 'deadLetterQueue')).toMatchObject({ recorded: true, exists: false });
  });
});
