import { describe, expect, it } from 'vitest';
import { wantsColor } from '../../src/cli/runtime.js';

describe('colour', () => {
  it.each([
    [{}, [], true, true],
    [{}, [], false, false],
    [{ NO_COLOR: '1' }, [], true, false],
    [{ NO_COLOR: '' }, [], true, true],
    [{ TERM: 'dumb' }, [], true, false],
    [{ FORCE_COLOR: '1' }, [], false, true],
    [{ FORCE_COLOR: '1', NO_COLOR: '1' }, [], false, true],
    [{ FORCE_COLOR: '0' }, [], true, false],
    [{ FORCE_COLOR: '1' }, ['--no-color'], true, false],
    [{}, ['status', '--no-color'], true, false],
  ])('env %o, argv %o, terminal %s: %s', (env, argv, tty, expected) => {
    expect(wantsColor(env, argv, tty)).toBe(expected);
  });
});
