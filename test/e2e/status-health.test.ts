import { DeleteQueueCommand, GetQueueUrlCommand, SQSClient } from '@aws-sdk/client-sqs';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LOCAL_CREDENTIALS } from '../../src/local/constants.js';
import { readLocalEndpoints } from '../../src/local/local-file.js';
import { isolatedEnv, runCli, startDev } from '../helpers/cli.js';

describe('status as a health check, and the provision plan as differences (embedded backend)', () => {
  let stateDir: string;
  let dev: { stop(): Promise<void> };
  let env: NodeJS.ProcessEnv;
  beforeAll(async () => {
    stateDir = await mkdtemp(path.join(os.tmpdir(), 'thumbs-health-'));
    dev = await startDev(stateDir);
    env = isolatedEnv({ THUMBS_STATE_DIR: stateDir, THUMBS_STACK: 'health' });
  });
  afterAll(async () => {
    await runCli(['teardown', '--local', '--yes'], { env });
    await dev.stop();
    await rm(stateDir, { recursive: true, force: true });
  });

  it('--dry-run prints each difference as attribute: old -> new and writes nothing', async () => {
    expect((await runCli(['provision', '--local'], { env })).code).toBe(0);
    const plan = await runCli(['provision', '--local', '--dry-run', '--timeout', '60'], { env });
    expect(plan.code).toBe(0);
    expect(plan.stdout).toContain('queue.visibilityTimeout: 180 -> 360');
    const json = JSON.parse((await runCli(['provision', '--local', '--dry-run', '--timeout', '60', '--json'], { env })).stdout) as { resources: Array<{ kind: string; changes?: unknown[] }> };
    expect(json.resources.find((r) => r.kind === 'queue')?.changes).toEqual([{ attribute: 'visibilityTimeout', from: '180', to: '360' }]);
    // Nothing was written: the plan is the same again.
    expect((await runCli(['provision', '--local', '--dry-run', '--timeout', '60'], { env })).stdout).toContain('queue.visibilityTimeout: 180 -> 360');
  });

  it('exits 0 while everything exists, and 1 once the queue is deleted behind thumbs\' back', async () => {
    const healthy = await runCli(['status', '--local'], { env });
    expect(healthy.code).toBe(0);
    const endpoints = await readLocalEndpoints(stateDir);
    const sqs = new SQSClient({ region: endpoints.region, endpoint: endpoints.sqs, credentials: LOCAL_CREDENTIALS });
    const { QueueUrl } = await sqs.send(new GetQueueUrlCommand({ QueueName: 'thumbs-health-jobs' }));
    await sqs.send(new DeleteQueueCommand({ QueueUrl }));
    sqs.destroy();

    const sick = await runCli(['status', '--local'], { env });
    expect(sick.code).toBe(1);
    expect(sick.stdout).toMatch(/queue\s.*NO/);
    const json = await runCli(['status', '--local', '--json'], { env });
    expect(json.code).toBe(1);
    const result = JSON.parse(json.stdout) as { healthy: boolean; resources: Array<{ kind: string; exists?: boolean }> };
    expect(result.healthy).toBe(false);
    expect(result.resources.find((r) => r.kind === 'queue')?.exists).toBe(false);
  });
});
