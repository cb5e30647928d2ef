import { describe, expect, it } from 'vitest';
import { resolveSettings } from '../../src/config/settings.js';

describe('resolveSettings', () => {
  it('takes flags over env over config file over defaults', () => {
    const file = { stack: 'from-file', region: 'eu-west-1', verbose: true };
    expect(resolveSettings({}, {}, file)).toMatchObject({ stack: 'from-file', region: 'eu-west-1', verbose: true });
    expect(resolveSettings({}, { THUMBS_STACK: 'from-env', AWS_REGION: 'us-west-2' }, file)).toMatchObject({ stack: 'from-env', region: 'us-west-2' });
    expect(resolveSettings({ stack: 'from-flag' }, { THUMBS_STACK: 'from-env' }, file).stack).toBe('from-flag');
    expect(resolveSettings({}, {}, {})).toMatchObject({ stack: 'default', region: undefined, local: false, stateDir: '.thumbs' });
  });

  it('keeps where the stack name came from', () => {
    expect(resolveSettings({ stack: 'a' }, { THUMBS_STACK: 'b' }).stackFrom).toBe('from --stack');
    expect(resolveSettings({}, { THUMBS_STACK: 'b' }, { stack: 'c' }).stackFrom).toBe('from THUMBS_STACK');
    expect(resolveSettings({}, {}, { stack: 'c' }).stackFrom).toBe('from "stack" in thumbs.config.json');
    expect(resolveSettings({}, {}, {}).stackFrom).toBe('the default');
  });

  it('prefers THUMBS_REGION to AWS_REGION to AWS_DEFAULT_REGION', () => {
    expect(resolveSettings({}, { AWS_DEFAULT_REGION: 'eu-west-3', AWS_REGION: 'eu-west-2', THUMBS_REGION: 'eu-west-1' }).region).toBe('eu-west-1');
    expect(resolveSettings({}, { AWS_DEFAULT_REGION: 'eu-west-3', AWS_REGION: 'eu-west-2' }).region).toBe('eu-west-2');
    expect(resolveSettings({}, { AWS_DEFAULT_REGION: 'eu-west-3' }).region).toBe('eu-west-3');
  });

  it('reads THUMBS_ENDPOINT_URL (AWS_ENDPOINT_URL is resolved per service, like the SDK) and rejects a malformed one naming it', () => {
    expect(resolveSettings({}, { THUMBS_ENDPOINT_URL: 'http://localhost:4566' }).endpointUrl).toBe('http://localhost:4566');
    expect(resolveSettings({}, { AWS_ENDPOINT_URL: 'http://localhost:4566' }).endpointUrl).toBeUndefined();
    expect(() => resolveSettings({ endpointUrl: 'localhost:4566' }, {})).toThrow(/--endpoint-url localhost:4566/);
  });

  it('refuses --local together with --endpoint-url', () => {
    expect(() => resolveSettings({ local: true, endpointUrl: 'http://x:1' }, {})).toThrow(/both choose a backend/);
  });

  it('parses boolean env values and rejects others', () => {
    expect(resolveSettings({}, { THUMBS_LOCAL: '1', THUMBS_YES: 'true' })).toMatchObject({ local: true, yes: true });
    expect(resolveSettings({ json: false }, { THUMBS_JSON: '1' }).json).toBe(false);
    expect(() => resolveSettings({}, { THUMBS_YES: 'maybe' })).toThrow(/THUMBS_YES=maybe/);
  });

  it('refuses a region that is not a region name, naming where it came from', () => {
    for (const region of ['us-east-1', 'eu-central-2', 'ap-southeast-7', 'us-gov-west-1', 'cn-northwest-1', 'us-isob-east-1', 'il-central-1']) {
      expect(resolveSettings({ region }, {}).region).toBe(region);
    }
    expect(() => resolveSettings({ region: 'mars-north-1' }, {})).toThrow(expect.objectContaining({ code: 'bad-region', exitCode: 2, message: expect.stringContaining('--region mars-north-1') }));
    expect(() => resolveSettings({}, { AWS_REGION: 'us-east1' })).toThrow(expect.objectContaining({ code: 'bad-region', message: expect.stringContaining('AWS_REGION=us-east1') }));
    expect(() => resolveSettings({}, {}, { region: 'US-EAST-1' })).toThrow(expect.objectContaining({ code: 'bad-region' }));
  });
});
