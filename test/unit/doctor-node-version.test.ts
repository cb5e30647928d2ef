import { describe, expect, it } from 'vitest';
import { nodeVersionOutcome } from '../../src/doctor/node-version.js';

describe('nodeVersionOutcome', () => {
  it.each([
    ['18.19.0', 'fail'],
    ['20.11.1', 'fail'],
    ['v20.11.1', 'fail'],
    ['20.12.0', 'warn'],
    ['20.19.4', 'warn'],
    ['22.0.0', 'pass'],
    ['24.3.0', 'pass'],
  ])('Node %s: %s', (version, status) => {
    expect(nodeVersionOutcome(version).status).toBe(status);
  });

  it('says why Node 20 is only a warning, and what Lambda runs', () => {
    const outcome = nodeVersionOutcome('20.19.4');
    expect(outcome.detail).toMatch(/Node 22 from 2027/);
    expect(outcome.detail).toContain('nodejs22.x');
  });

  it('gives a fix for a version that is too old', () => {
    expect(nodeVersionOutcome('20.11.0').fix).toMatch(/Node 22/);
  });
});
