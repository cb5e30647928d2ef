import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { ENGINES_RANGE, nodeVersionOutcome } from '../../src/doctor/node-version.js';

describe('nodeVersionOutcome', () => {
  it.each([
    ['18.19.0', 'fail'],
    ['20.11.1', 'fail'],
    ['v20.11.1', 'fail'],
    ['20.12.0', 'fail'],
    ['20.18.3', 'fail'],
    ['20.19.0', 'warn'],
    ['20.19.4', 'warn'],
    ['21.7.0', 'fail'],
    ['22.12.0', 'fail'],
    ['22.13.0', 'pass'],
    ['23.11.0', 'fail'],
    ['24.3.0', 'pass'],
    ['25.0.0', 'pass'],
  ])('Node %s: %s', (version, status) => {
    expect(nodeVersionOutcome(version).status).toBe(status);
  });

  it('says why Node 20 is only a warning, and what Lambda runs', () => {
    const outcome = nodeVersionOutcome('20.19.4');
    expect(outcome.detail).toMatch(/Node 22 from 2027/);
    expect(outcome.detail).toContain('nodejs22.x');
  });

  it('checks the range package.json declares', () => {
    const pkg = JSON.parse(readFileSync('package.json', 'utf8')) as { engines: { node: string } };
    expect(pkg.engines.node).toBe(ENGINES_RANGE);
  });

  it('gives a fix for a version that is too old', () => {
    expect(nodeVersionOutcome('20.11.0').fix).toMatch(/Node 22/);
  });
});
