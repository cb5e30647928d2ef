import { describe, expect, it } from 'vitest';
import { renderStacks } from '../../../src/cli/commands/stacks.js';

describe('stacks output', () => {
  it('with none known, the hint gives the command for the backend in use', () => {
    const none = { stacks: [], discovery: 'by the thumbs:stack tag only on AWS' };
    expect(renderStacks(none, true)).toContain('`thumbs provision --local`');
    expect(renderStacks(none, false)).toContain('`thumbs provision`');
  });
});
