import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { readState, type StackState } from '../../src/state/state-file.js';
import { StateStore } from '../../src/state/state-store.js';

let dir: string;
const base = (): StackState => ({ version: 1, stack: 's', account: '1', region: 'us-east-1', backend: 'aws', updatedAt: '', resources: {} });

beforeEach(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'thumbs-store-'));
});
afterEach(async () => rm(dir, { recursive: true, force: true }));

describe('StateStore', () => {
  it('keeps the records of another command working on the same stack', async () => {
    const provision = new StateStore(dir, base());
    const publish = new StateStore(dir, base());
    await provision.record('table', { id: 't', origin: 'created' });
    await publish.record('amplifyApp', { id: 'app', origin: 'created' });
    await provision.record('queue', { id: 'q', origin: 'created' });
    expect(Object.keys((await readState(dir, 's'))?.resources ?? {}).sort()).toEqual(['amplifyApp', 'queue', 'table']);
  });

  it('forgets only its own change, and removes the file only when nothing at all is left', async () => {
    const teardown = new StateStore(dir, base());
    const other = new StateStore(dir, base());
    await teardown.record('table', { id: 't', origin: 'created' });
    await other.record('siteBucket', { id: 'site', origin: 'created' });
    await teardown.forget('table');
    expect(await teardown.removeIfEmpty()).toBe(false);
    expect(Object.keys((await readState(dir, 's'))?.resources ?? {})).toEqual(['siteBucket']);
  });

  it('writes nothing on a dry run, and nothing when the gate fails', async () => {
    await new StateStore(dir, base(), false).record('table', { id: 't', origin: 'created' });
    expect(await readState(dir, 's')).toBeUndefined();
    const refused = new StateStore(dir, base(), true, Promise.reject(new Error('other account')));
    await expect(refused.record('table', { id: 't', origin: 'created' })).rejects.toThrow('other account');
    expect(await readState(dir, 's')).toBeUndefined();
  });
});
