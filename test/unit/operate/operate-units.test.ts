import { describe, expect, it } from 'vitest';
import { messageBody } from '../../../lambda/contract.js';
import { settingsHash } from '../../../lambda/settings-hash.js';
import { pace } from '../../../src/actions/status-watch.js';
import { keyOf } from '../../../src/dlq/peek.js';
import { filterPattern } from '../../../src/logs/cloudwatch-source.js';
import { formatRecord, parseLogLine } from '../../../src/logs/log-record.js';
import { parseSince } from '../../../src/logs/since.js';
import { classify } from '../../../src/reprocess/reconcile.js';

const settings = { renditions: [{ format: 'webp' as const, size: 128 }, { format: 'webp' as const, size: 512 }], quality: 80 };
const hash = settingsHash(settings);

describe('render settings hash', () => {
  it('is short, ignores the order of renditions, and changes with a size, format or quality', () => {
    expect(hash).toMatch(/^[0-9a-f]{12}$/);
    expect(settingsHash({ ...settings, renditions: [...settings.renditions].reverse() })).toBe(hash);
    expect(settingsHash({ ...settings, quality: 81 })).not.toBe(hash);
    expect(settingsHash({ ...settings, renditions: [{ format: 'avif', size: 128 }, { format: 'webp', size: 512 }] })).not.toBe(hash);
  });

  it('travels in the message only when given, so upload messages keep their exact bodies', () => {
    const base = { v: 1 as const, bucket: 'b', key: 'k', etag: 'e', size: 1, contentType: 'image/jpeg' };
    expect(messageBody(base)).toBe('{"v":1,"bucket":"b","key":"k","etag":"e","size":1,"contentType":"image/jpeg"}');
    expect(JSON.parse(messageBody({ ...base, settings: hash, force: true }))).toMatchObject({ settings: hash, force: true });
  });
});

describe('reprocess classification', () => {
  const done = { imageKey: 'k', etag: 'e', status: 'done', settings: hash };
  it('names the reason an original needs work', () => {
    expect(classify('e', undefined, { hash, ...settings })).toBe('missing');
    expect(classify('e2', done, { hash, ...settings })).toBe('missing');
    expect(classify('e', { ...done, status: 'failed' }, { hash, ...settings })).toBe('failed');
    expect(classify('e', done, { hash, ...settings })).toBe('current');
    expect(classify('e', { ...done, settings: 'other' }, { hash, ...settings })).toBe('stale');
  });
  it('compares the renditions of an item that predates the hash', () => {
    const legacy = (names: string[]) => ({ imageKey: 'k', etag: 'e', status: 'done', renditions: names.map((name) => ({ name, format: 'webp' })) });
    expect(classify('e', legacy(['512', '128']), { hash, ...settings })).toBe('current');
    expect(classify('e', legacy(['128', '512', '1024']), { hash, ...settings })).toBe('stale');
  });
});

describe('log lines', () => {
  it('unwraps Lambda JSON envelopes, reads our own lines, and keeps other text', () => {
    const ours = '{"level":"info","time":"2026-01-01T00:00:00.000Z","msg":"record","key":"a.jpg","status":"failed","ms":3,"error":"corrupt"}';
    expect(parseLogLine(ours, 0)).toMatchObject({ key: 'a.jpg', status: 'failed', error: 'corrupt' });
    const wrapped = JSON.stringify({ timestamp: '2026-01-01T00:00:00.000Z', level: 'INFO', requestId: 'r1', message: ours });
    expect(parseLogLine(wrapped, 0)).toMatchObject({ key: 'a.jpg', requestId: 'r1' });
    const platform = JSON.stringify({ timestamp: '2026-01-01T00:00:00.000Z', level: 'INFO', requestId: 'r1', message: 'plain text' });
    expect(parseLogLine(platform, 0)).toMatchObject({ msg: 'plain text', requestId: 'r1' });
    expect(parseLogLine('START RequestId: x', 0)).toMatchObject({ msg: 'START RequestId: x', time: '1970-01-01T00:00:00.000Z' });
    expect(formatRecord(parseLogLine(ours, 0))).toBe('00:00:00.000 failed   a.jpg  3 ms  error: corrupt');
  });
  it('quotes server-side terms, leaving one with a double quote to the client', () => {
    expect(filterPattern({ filter: 'failed', key: 'a b.jpg' })).toBe('"failed" "a b.jpg"');
    expect(filterPattern({ key: 'say "hi".jpg' })).toBeUndefined();
    expect(filterPattern({ anyOf: ['m-1', 'a b.jpg'] })).toBe('?"m-1" ?"a b.jpg"');
    expect(filterPattern({ anyOf: Array.from({ length: 40 }, (_, i) => `8b4ed709-8a79-4901-b65b-10a56cd43e${String(i).padStart(2, '0')}`) })).toBeUndefined();
  });
  it('parses --since durations and dates', () => {
    expect(parseSince('10m', 1_000_000)).toBe(400_000);
    expect(parseSince('2h', 10_000_000)).toBe(2_800_000);
    expect(parseSince('2026-01-01T00:00:00Z')).toBe(Date.parse('2026-01-01T00:00:00Z'));
    expect(parseSince('soon')).toBeUndefined();
  });
});

describe('dead letters and status --watch', () => {
  it('finds the key of a thumbs message, an S3 notification, or none', () => {
    expect(keyOf('{"v":1,"key":"a.jpg"}')).toBe('a.jpg');
    expect(keyOf(JSON.stringify({ Records: [{ s3: { object: { key: 'city+walks/caf%C3%A9.jpg' } } }] }))).toBe('city walks/café.jpg');
    expect(keyOf('not json')).toBeUndefined();
  });
  it('computes the rate over the window and the time left', () => {
    expect(pace([{ at: 0, finished: 0 }], 10)).toEqual({});
    expect(pace([{ at: 0, finished: 0 }, { at: 4_000, finished: 20 }], 10)).toEqual({ ratePerSecond: 5, etaSeconds: 2 });
    expect(pace([{ at: 0, finished: 5 }, { at: 2_000, finished: 5 }], 10)).toEqual({ ratePerSecond: 0 });
  });
});
