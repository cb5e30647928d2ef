import { rm, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { HeadBucketCommand, PutObjectCommand, CreateBucketCommand, ListBucketsCommand } from '@aws-sdk/client-s3';
import { DeleteItemCommand, ListTablesCommand } from '@aws-sdk/client-dynamodb';
import { GetQueueAttributesCommand, ListQueuesCommand } from '@aws-sdk/client-sqs';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { provision } from '../../src/actions/provision.js';
import { teardown } from '../../src/actions/teardown.js';
import { readState } from '../../src/state/state-file.js';
import { journalPath } from '../../src/upload/sent-journal.js';
import { startEmbedded, type EmbeddedHarness } from '../helpers/embedded.js';

let harness: EmbeddedHarness;
beforeEach(async () => {
  harness = await startEmbedded();
});
afterEach(async () => {
  await harness.stop();
});

async function inventory() {
  const { clients } = harness.ctx;
  const [buckets, tables, queues] = await Promise.all([
    clients.s3.send(new ListBucketsCommand({})),
    clients.dynamodb.send(new ListTablesCommand({})),
    clients.sqs.send(new ListQueuesCommand({})),
  ]);
  return {
    buckets: (buckets.Buckets ?? []).map((b) => b.Name).sort(),
    tables: tables.TableNames ?? [],
    queues: (queues.QueueUrls ?? []).map((u) => u.split('/').pop()).sort(),
  };
}

describe('provision and teardown on the embedded backend', () => {
  it('creates every data resource, with the queue redriving to its DLQ after 5 receives', async () => {
    const result = await provision(harness.ctx);
    expect(result.resources.map((r) => [r.kind, r.status])).toEqual([
      ['originalsBucket', 'created'],
      ['thumbnailsBucket', 'created'],
      ['table', 'created'],
      ['deadLetterQueue', 'created'],
      ['queue', 'created'],
    ]);
    expect(await inventory()).toEqual({
      buckets: ['thumbs-default-originals-000000000000-us-east-1', 'thumbs-default-thumbnails-000000000000-us-east-1'],
      tables: ['thumbs-default-images'],
      queues: ['thumbs-default-jobs', 'thumbs-default-jobs-dlq'],
    });
    const queue = result.resources.find((r) => r.kind === 'queue');
    const { Attributes } = await harness.ctx.clients.sqs.send(
      new GetQueueAttributesCommand({ QueueUrl: queue?.id, AttributeNames: ['VisibilityTimeout', 'RedrivePolicy'] }),
    );
    expect(Number(Attributes?.VisibilityTimeout)).toBeGreaterThanOrEqual(180);
    expect(JSON.parse(Attributes?.RedrivePolicy ?? '{}')).toMatchObject({
      deadLetterTargetArn: 'arn:aws:sqs:us-east-1:000000000000:thumbs-default-jobs-dlq',
      maxReceiveCount: 5,
    });
  });

  it('a re-run reports every resource unchanged and sends no create call', async () => {
    await provision(harness.ctx);
    const before = harness.ctx.callLog.calls.length;
    const again = await provision(harness.ctx);
    expect(again.resources.every((r) => r.status === 'unchanged')).toBe(true);
    const calls = harness.ctx.callLog.calls.slice(before).map((c) => c.command);
    expect(calls.filter((c) => /^(Create|Put|Set|Tag)/.test(c))).toEqual([]);
  });

  it('--dry-run plans without creating anything or writing state', async () => {
    const plan = await provision(harness.ctx, { dryRun: true });
    expect(plan.resources.every((r) => r.status === 'planned')).toBe(true);
    expect(await inventory()).toEqual({ buckets: [], tables: [], queues: [] });
    expect(await readState(path.join(harness.stateDir, 'local'), 'default')).toBeUndefined();
  });

  it('teardown empties and deletes everything, removes the state file, and a second run is a no-op', async () => {
    await provision(harness.ctx);
    const bucket = 'thumbs-default-originals-000000000000-us-east-1';
    // More than one DeleteObjects call's worth (1,000), put 50 at a time so a loaded CI machine keeps up.
    for (let start = 0; start < 1005; start += 50) {
      await Promise.all(
        Array.from({ length: Math.min(50, 1005 - start) }, (_, i) =>
          harness.ctx.clients.s3.send(new PutObjectCommand({ Bucket: bucket, Key: `photo ${start + i}+x.jpg`, Body: 'x' })),
        ),
      );
    }
    const result = await teardown(harness.ctx);
    expect(result.results.filter((r) => r.status === 'deleted')).toHaveLength(5);
    expect(result.results.find((r) => r.kind === 'originalsBucket')?.reason).toBe('emptied 1005 objects');
    expect(await inventory()).toEqual({ buckets: [], tables: [], queues: [] });
    expect(await readState(path.join(harness.stateDir, 'local'), 'default')).toBeUndefined();

    const second = await teardown(harness.ctx);
    expect(second.results).toEqual([]);
  });

  it('forgets the journal of sent messages with the queue, so a new queue is announced everything', async () => {
    await provision(harness.ctx);
    const journal = journalPath(path.join(harness.stateDir, 'local'), 'default');
    await writeFile(journal, '{"bucket":"b","key":"k","etag":"e"}\n');
    await teardown(harness.ctx);
    await expect(stat(journal)).rejects.toThrow(/ENOENT/);
  });

  it('finds the stack by name when both its record and the state file are gone', async () => {
    await provision(harness.ctx);
    await rm(path.join(harness.stateDir, 'local', 'default.json'));
    await harness.ctx.clients.dynamodb.send(new DeleteItemCommand({ TableName: 'thumbs-default-images', Key: { imageKey: { S: '#thumbs/record' } } }));
    const result = await teardown(harness.ctx);
    expect(result.foundBy).toBe('discovery');
    expect(result.results.filter((r) => r.status === 'deleted')).toHaveLength(5);
    expect(await inventory()).toEqual({ buckets: [], tables: [], queues: [] });
  });

  it('finds the stack by its record when the state file is gone', async () => {
    await provision(harness.ctx);
    await rm(path.join(harness.stateDir, 'local', 'default.json'));
    const result = await teardown(harness.ctx);
    expect(result.foundBy).toBe('state');
    expect(result.results.filter((r) => r.status === 'deleted')).toHaveLength(5);
    expect(await inventory()).toEqual({ buckets: [], tables: [], queues: [] });
  });

  it('keeps an adopted originals bucket and its objects', async () => {
    const mine = 'my-existing-photos';
    await harness.ctx.clients.s3.send(new CreateBucketCommand({ Bucket: mine }));
    await harness.ctx.clients.s3.send(new PutObjectCommand({ Bucket: mine, Key: 'keep.jpg', Body: 'x' }));
    const result = await provision(harness.ctx, { originalsBucket: mine });
    expect(result.resources.find((r) => r.kind === 'originalsBucket')).toMatchObject({ id: mine, status: 'adopted' });
    const down = await teardown(harness.ctx);
    expect(down.results.find((r) => r.kind === 'originalsBucket')).toMatchObject({ status: 'kept' });
    await expect(harness.ctx.clients.s3.send(new HeadBucketCommand({ Bucket: mine }))).resolves.toBeDefined();
    expect((await inventory()).buckets).toEqual([mine]);
  });

  it('resumes after a partial provision: only what exists is deleted', async () => {
    await provision(harness.ctx);
    const queue = (await readState(path.join(harness.stateDir, 'local'), 'default'))?.resources.queue;
    // Someone deleted the queue behind thumbs' back: teardown counts it as already gone.
    await harness.ctx.clients.sqs.send(new (await import('@aws-sdk/client-sqs')).DeleteQueueCommand({ QueueUrl: queue?.id }));
    const result = await teardown(harness.ctx);
    expect(result.results.find((r) => r.kind === 'queue')?.status).toBe('absent');
    expect(await inventory()).toEqual({ buckets: [], tables: [], queues: [] });
  });

  it('a "no" at the prompt deletes nothing and says so', async () => {
    await provision(harness.ctx);
    const ctx = await harness.contextFor({ yes: false });
    const questions: string[] = [];
    ctx.confirm = async (question) => {
      questions.push(question);
      return false;
    };
    const result = await teardown(ctx);
    expect(result.confirmed).toBe(false);
    expect(questions[0]).toMatch(/Delete 5 resources of stack "default"/);
    expect((await inventory()).buckets).toHaveLength(2);
  });

  it('refuses without confirmation and deletes nothing', async () => {
    await provision(harness.ctx);
    const ctx = await harness.contextFor({ yes: false });
    ctx.confirm = async () => {
      throw Object.assign(new Error('refusing'), { code: 'confirmation-required' });
    };
    await expect(teardown(ctx)).rejects.toThrow('refusing');
    expect((await inventory()).buckets).toHaveLength(2);
  });
});
