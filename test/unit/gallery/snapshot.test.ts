import { describe, expect, it } from 'vitest';
import { capExpiry, MAX_EXPIRES_SECONDS } from '../../../src/gallery/snapshot.js';
import { parseDuration } from '../../../src/cli/commands/publish.js';

const NOW = Date.UTC(2025, 0, 1);

describe('capExpiry', () => {
  it('keeps the asked lifetime with long-lived credentials, at most 7 days', () => {
    expect(capExpiry(3600, undefined, NOW)).toEqual({ seconds: 3600 });
    expect(capExpiry(30 * 86400, undefined, NOW)).toEqual({ seconds: MAX_EXPIRES_SECONDS });
  });

  it('cuts links short to the session credentials, with a warning', () => {
    const result = capExpiry(MAX_EXPIRES_SECONDS, new Date(NOW + 4 * 3600 * 1000), NOW);
    expect(result.seconds).toBe(4 * 3600 - 60);
    expect(result.warning).toContain('credentials expire at 2025-01-01T04:00:00.000Z');
  });

  it('refuses when the credentials are about to expire', () => {
    expect(() => capExpiry(3600, new Date(NOW + 90 * 1000), NOW)).toThrow(expect.objectContaining({ code: 'credentials-expiring' }));
  });
});

describe('parseDuration (--expires)', () => {
  it('reads units and plain seconds', () => {
    expect(parseDuration('7d')).toBe(604800);
    expect(parseDuration('12h')).toBe(43200);
    expect(parseDuration('90m')).toBe(5400);
    expect(parseDuration('3600')).toBe(3600);
  });
  it('refuses more than 7 days and nonsense', () => {
    expect(() => parseDuration('8d')).toThrow(/1m to 7d/);
    expect(() => parseDuration('soon')).toThrow(/--expires/);
  });
});
