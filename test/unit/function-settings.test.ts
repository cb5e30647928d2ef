import { describe, expect, it } from 'vitest';
import { functionSettings } from '../../src/config/function-settings.js';

describe('functionSettings', () => {
  it('passes on the function settings that are set, and nothing else', () => {
    expect(functionSettings({ THUMBS_RENDITIONS: 'jpeg:200,avif:64', THUMBS_QUALITY: '70', THUMBS_STACK: 'x', THUMBS_MAX_BYTES: '' })).toEqual({
      THUMBS_RENDITIONS: 'jpeg:200,avif:64',
      THUMBS_QUALITY: '70',
    });
    expect(functionSettings({})).toEqual({});
  });

  it('refuses a bad value as a usage error naming the variable', () => {
    expect(() => functionSettings({ THUMBS_RENDITIONS: 'bogus' })).toThrow(expect.objectContaining({ code: 'bad-function-setting', exitCode: 2, message: expect.stringContaining('THUMBS_RENDITIONS') }));
    expect(() => functionSettings({ THUMBS_QUALITY: '101' })).toThrow(/THUMBS_QUALITY/);
  });
});
