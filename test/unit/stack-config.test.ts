import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { defaultStackConfig, describeChange, mergeConfig, recordedConfig } from '../../src/state/stack-config.js';
import { readState, stateFilePath, type StackState } from '../../src/state/state-file.js';
import { StateStore } from '../../src/state/state-store.js';

const ROLE = 'arn:aws:iam::123456789012:role/LabRole';

describe('stack configuration', () => {
  let dir: string;
  beforeEach(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'thumbs-config-'));
  });
  afterEach(async () => rm(dir, { recursive: true, force: true }));

  it('opens a first-release (version 1) state file, implies its choices from its resources, and rewrites it as version 2', async () => {
    const v1 = {
      version: 1, stack: 's', account: '123456789012', region: 'us-east-1', backend: 'aws', updatedAt: '',
      resources: {
        originalsBucket: { id: 'my-own-originals', origin: 'adopted' },
        thumbnailsBucket: { id: 'thumbs-s-thumbnails', origin: 'created' },
        role: { id: 'LabRole', arn: ROLE, origin: 'adopted' },
        bucketNotification: { id: 'thumbs-s-originals', origin: 'created' },
      },
    };
    await writeFile(stateFilePath(dir, 's'), JSON.stringify(v1));
    const state = await readState(dir, 's');
    expect(recordedConfig(state)).toEqual({ ...defaultStackConfig(), originalsBucket: 'my-own-originals', roleArn: ROLE, trigger: 's3' });

    const store = new StateStore(dir, state as StackState);
    await store.recordConfig(recordedConfig(state)!);
    const written = JSON.parse(await readFile(stateFilePath(dir, 's'), 'utf8')) as StackState;
    expect(written.version).toBe(2);
    expect(written.config).toMatchObject({ originalsBucket: 'my-own-originals', trigger: 's3' });
    expect(Object.keys(written.resources)).toHaveLength(4);
  });

  it('keeps the configuration when resources are recorded, and resources when the configuration is', async () => {
    const base: StackState = { version: 2, stack: 's', account: '1', region: 'us-east-1', backend: 'aws', updatedAt: '', resources: {} };
    const one = new StateStore(dir, base);
    const other = new StateStore(dir, base);
    await one.recordConfig({ ...defaultStackConfig(), memory: 2048 });
    await other.record('table', { id: 't', origin: 'created' });
    const state = await readState(dir, 's');
    expect(state?.config?.memory).toBe(2048);
    expect(state?.resources.table?.id).toBe('t');
  });

  it('merges recorded, reset and given choices, and lists each change', () => {
    const recorded = { ...defaultStackConfig(), memory: 2048, quality: 70, originalsBucket: 'mine' };
    expect(mergeConfig(recorded, {}).changes).toEqual([]);
    expect(mergeConfig(recorded, {}).config).toEqual(recorded);
    const merged = mergeConfig(recorded, { memory: 1536, quality: 70 }, ['originalsBucket']);
    expect(merged.changes).toEqual([
      { attribute: 'originalsBucket', from: 'mine', to: undefined },
      { attribute: 'memory', from: 2048, to: 1536 },
    ]);
    expect(merged.changes.map(describeChange)).toEqual(["originalsBucket: mine -> (thumbs' own)", 'memory: 2048 -> 1536']);
    expect(merged.config).not.toHaveProperty('originalsBucket');
    expect(mergeConfig(undefined, { quality: 60 })).toEqual({ config: { ...defaultStackConfig(), quality: 60 }, changes: [] });
  });
});
