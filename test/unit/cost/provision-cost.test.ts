import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { provisionCost } from '../../../src/actions/provision-cost.js';
import { compareMemory } from '../../../src/cost/compare.js';
import { writeLastEstimate, type LastEstimate } from '../../../src/cost/last-estimate.js';
import { costPerImage, type ImageProfile } from '../../../src/cost/per-image.js';
import { pricesFor } from '../../../src/cost/prices.js';
import { MemoryReporter } from '../../../src/output/reporter.js';
import { defaultStackConfig } from '../../../src/state/stack-config.js';

const profile: ImageProfile = { cpuMs: 200, originalBytes: 2_000_000, renditionBytes: 100_000, renditions: 3, logBytes: 550, itemBytes: 700, messageBytes: 300 };
const prices = pricesFor('us-east-1', 'x86_64');
let stateDir: string;

beforeAll(async () => {
  stateDir = await mkdtemp(path.join(os.tmpdir(), 'thumbs-provision-cost-'));
  const last: LastEstimate = {
    at: '2026-12-07T22:00:00.000Z', folder: './photos', sample: 40, region: 'us-east-1', arch: 'x86_64', renditions: 'webp:128,webp:512,webp:1024', quality: 80,
    profile, parallelFraction: 0.5, byMemory: compareMemory(profile, 0.5, prices, [1024, 1769]),
  };
  await writeLastEstimate(stateDir, 'default', last);
});
afterAll(() => rm(stateDir, { recursive: true, force: true }));

describe('provision and the last estimate', () => {
  it('says so when the memory is far dearer than the cheapest size, naming it', async () => {
    const cost = await provisionCost(stateDir, 'default', { ...defaultStackConfig(), memory: 4096 }, 'us-east-1', undefined, new MemoryReporter());
    expect(cost.memoryNote).toMatch(/^memory 4096 MB costs \d+% more per photo than 1769 MB, the cheapest .*\.\/photos.*--memory 1769/);
    expect(cost.monthly).toBeUndefined();
  });

  it('is quiet when the memory is close to the cheapest', async () => {
    const cost = await provisionCost(stateDir, 'default', { ...defaultStackConfig(), memory: 1769 }, 'us-east-1', undefined, new MemoryReporter());
    expect(cost.memoryNote).toBeUndefined();
  });

  it('--expect prices N photos a month with the measured photo at the stack\'s memory', async () => {
    const cost = await provisionCost(stateDir, 'default', { ...defaultStackConfig(), memory: 1024 }, 'us-east-1', 100_000, new MemoryReporter());
    const each = costPerImage(profile, 1024, 0.5, prices);
    expect(cost.monthly).toMatchObject({ images: 100_000, memoryMb: 1024, region: 'us-east-1' });
    expect(cost.monthly!.perMonth).toBeCloseTo(each.parts.total * 100_000, 10);
    expect(cost.monthly!.storageGbAddedPerMonth).toBeCloseTo((2_100_000 * 100_000) / 1024 ** 3, 8);
    expect(cost.monthly!.basis).toMatch(/\.\/photos/);
  });

  it('a region without prices is a note, not a failed provision', async () => {
    const cost = await provisionCost(stateDir, 'default', defaultStackConfig(), 'ap-south-1', 1000, new MemoryReporter());
    expect(cost.warning).toMatch(/no cost figures: .*ap-south-1/);
  });
});
