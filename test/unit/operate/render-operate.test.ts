import { describe, expect, it } from 'vitest';
import type { ReprocessResult } from '../../../src/actions/reprocess.js';
import { countsLine } from '../../../src/actions/reprocess.js';
import { renderReprocess } from '../../../src/cli/commands/reprocess.js';
import { batchLine, renderBatch } from '../../../src/cli/commands/batches.js';
import type { BatchDetail } from '../../../src/batches/batch-detail.js';
import { renderStacks } from '../../../src/cli/commands/stacks.js';

describe('stacks output', () => {
  it('with none known, the hint gives the command for the backend in use', () => {
    const none = { stacks: [], discovery: 'by the thumbs:stack tag only on AWS' };
    expect(renderStacks(none, true)).toContain('`thumbs provision --local`');
    expect(renderStacks(none, false)).toContain('`thumbs provision`');
  });
});

describe('reprocess output', () => {
  const result: ReprocessResult = {
    stack: 'default', bucket: 'b', prefix: 'city/', dryRun: true,
    settings: { hash: 'b9cc27b224e1', quality: 80, source: 'defaults', renditions: 'webp:128' },
    counts: { failed: 0, stale: 0, missing: 0, current: 0 }, selected: 0, messagesSent: 0, failed: [], examples: {}, seconds: 0.1,
  };

  it('names the folder it listed, and says so when nothing is under it', () => {
    const text = renderReprocess(result, countsLine(result));
    expect(text).toMatch(/^originals under city\/: 0 failed/);
    expect(text).toContain('no originals under city/');
    expect(countsLine({ ...result, prefix: '' })).toMatch(/^originals: /);
    expect(renderReprocess({ ...result, prefix: '' }, '')).not.toContain('no originals under');
  });
});

describe('batch output', () => {
  const batch: BatchDetail = {
    id: 'b1', source: 'upload', startedAt: '2026-12-08T02:13:29.128Z', expected: 2, done: 2, failed: 0, deadLettered: 0,
    complete: true, completedAt: '2026-12-08T02:13:30.161Z', durationSeconds: 1, stack: 'default', report: null, images: [],
    notifications: { 'https://hooks.example.com': 'ok', 'http://127.0.0.1:9': 'webhook http://127.0.0.1:9 failed after 4 attempts: TypeError: fetch failed' },
  };

  it('says "notified" only of a target that took the notice, and "not notified" with the reason of one that did not', () => {
    const lines = renderBatch(batch).split('\n');
    expect(lines).toContain('notified https://hooks.example.com');
    expect(lines).toContain('not notified http://127.0.0.1:9: webhook http://127.0.0.1:9 failed after 4 attempts: TypeError: fetch failed');
  });

  it('counts one image in the singular', () => {
    expect(batchLine({ ...batch, expected: 1, done: 1 })).toBe('batch b1: 1 image: 1 done, 0 failed, complete in 1.0s');
    expect(batchLine(batch)).toMatch(/^batch b1: 2 images: /);
    expect(batchLine({ ...batch, expected: null })).toMatch(/^batch b1: \? images: /);
  });
});
