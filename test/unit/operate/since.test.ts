import { InvalidArgumentError } from 'commander';
import { describe, expect, it } from 'vitest';
import { imageKeyOption } from '../../../src/cli/commands/logs.js';
import { sinceTime } from '../../../src/cli/commands/parse.js';
import { parseSince } from '../../../src/logs/since.js';

describe('logs --since and --key', () => {
  it('reads durations and ISO dates, with or without a time and a zone', () => {
    expect(parseSince('30s', 100_000)).toBe(70_000);
    expect(parseSince('1d', 90_000_000)).toBe(3_600_000);
    expect(parseSince('2026-11-30')).toBe(Date.parse('2026-11-30T00:00:00Z'));
    expect(parseSince('2026-11-30T18:00Z')).toBe(Date.parse('2026-11-30T18:00:00Z'));
    expect(parseSince('2026-11-30 18:00:05.5+01:00')).toBe(Date.parse('2026-11-30T17:00:05.5Z'));
  });

  it('refuses what Date.parse would guess at: bare numbers, words, impossible days, times before 1970', () => {
    for (const value of ['5', '10', 'hello 5', 'Nov 3', 'yesterday', '-5m', '2024-02-30', '2024-13-01', '99999999999999d']) {
      expect(parseSince(value, 1_000_000), value).toBeUndefined();
    }
  });

  it('is a usage error naming the value, and a future time is refused', () => {
    const parse = sinceTime('--since');
    expect(() => parse('5')).toThrow(InvalidArgumentError);
    expect(() => parse('5')).toThrow(/--since .*not "5"/);
    expect(() => parse('2999-01-01')).toThrow(/--since 2999-01-01 is in the future/);
    expect(parse('10m')).toBeLessThanOrEqual(Date.now() - 600_000);
  });

  it('--key "" is a usage error, not a silent empty listing', () => {
    expect(() => imageKeyOption('')).toThrow(InvalidArgumentError);
    expect(imageKeyOption('a b.jpg')).toBe('a b.jpg');
  });
});
