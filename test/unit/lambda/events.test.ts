import { describe, expect, it } from 'vitest';
import { RUN_ATTRIBUTE } from '../../../lambda/contract.js';
import { decodeS3Key, parseEvent } from '../../../lambda/events.js';

/** How S3 encodes keys in event notifications: URL-encoding with `+` for a space. */
const s3Encode = (key: string) => encodeURIComponent(key).replace(/%20/g, '+').replace(/%2F/g, '/');

const s3Record = (key: string, eventName = 'ObjectCreated:Put') => ({
  eventVersion: '2.1',
  eventSource: 'aws:s3',
  awsRegion: 'us-east-1',
  eventName,
  s3: { bucket: { name: 'originals' }, object: { key: s3Encode(key), size: 1234, eTag: 'abc123', sequencer: '00' } },
});

const sqsRecord = (messageId: string, body: string, receiveCount = '1') => ({
  messageId,
  receiptHandle: `rh-${messageId}`,
  body,
  attributes: { ApproximateReceiveCount: receiveCount, SentTimestamp: '1700000000000' },
  messageAttributes: {},
  md5OfBody: '',
  eventSource: 'aws:sqs',
  eventSourceARN: 'arn:aws:sqs:us-east-1:000000000000:thumbs',
  awsRegion: 'us-east-1',
});

const tricky = ['holiday/beach 1.jpg', 'a+b/c+d.png', 'fotos/café ñandú 東京.jpg', 'odd%20name 100%.jpg'];

describe('parseEvent', () => {
  it('reads thumbs upload messages, with the receive count', () => {
    const body = JSON.stringify({ v: 1, bucket: 'originals', key: 'a b+c.jpg', etag: '"e1"', size: 10, contentType: 'image/jpeg' });
    const parsed = parseEvent({ Records: [sqsRecord('m1', body, '3')] });
    expect(parsed).toEqual({
      source: 'sqs',
      jobs: [{ messageId: 'm1', bucket: 'originals', key: 'a b+c.jpg', etag: 'e1', size: 10, contentType: 'image/jpeg', receiveCount: 3 }],
      malformed: [],
      ignored: [],
    });
  });

  it('carries the upload run named by the message attribute, so a duplicate can be traced', () => {
    const body = JSON.stringify({ v: 1, bucket: 'originals', key: 'k.jpg', etag: 'e1' });
    const record = { ...sqsRecord('m1', body), messageAttributes: { [RUN_ATTRIBUTE]: { stringValue: 'run-1', dataType: 'String', stringListValues: [], binaryListValues: [] } } };
    expect(parseEvent({ Records: [record] }).jobs).toEqual([{ messageId: 'm1', bucket: 'originals', key: 'k.jpg', etag: 'e1', receiveCount: 1, run: 'run-1' }]);
  });

  it.each(tricky)('decodes the key %j from an S3 notification delivered through SQS', (key) => {
    const parsed = parseEvent({ Records: [sqsRecord('m1', JSON.stringify({ Records: [s3Record(key)] }))] });
    expect(parsed.jobs).toEqual([{ messageId: 'm1', bucket: 'originals', key, etag: 'abc123', size: 1234, receiveCount: 1 }]);
  });

  it.each(tricky)('decodes the key %j from a direct S3 notification', (key) => {
    const parsed = parseEvent({ Records: [s3Record(key)] });
    expect(parsed.source).toBe('s3');
    expect(parsed.jobs).toEqual([{ bucket: 'originals', key, etag: 'abc123', size: 1234 }]);
  });

  it('decodes + as a space and %2B as a plus', () => {
    expect(decodeS3Key('a+b%2Bc')).toBe('a b+c');
  });

  it('acknowledges s3:TestEvent without work', () => {
    const body = JSON.stringify({ Service: 'Amazon S3', Event: 's3:TestEvent', Bucket: 'originals', RequestId: 'x' });
    const parsed = parseEvent({ Records: [sqsRecord('t1', body)] });
    expect(parsed).toMatchObject({ jobs: [], malformed: [], ignored: [{ messageId: 't1', reason: 's3:TestEvent' }] });
  });

  it('ignores removal events', () => {
    const parsed = parseEvent({ Records: [s3Record('x.jpg', 'ObjectRemoved:Delete')] });
    expect(parsed.jobs).toEqual([]);
    expect(parsed.ignored).toHaveLength(1);
  });

  it('unwraps an SNS envelope', () => {
    const body = JSON.stringify({ Type: 'Notification', Message: JSON.stringify({ Records: [s3Record('x y.jpg')] }) });
    expect(parseEvent({ Records: [sqsRecord('m1', body)] }).jobs[0]).toMatchObject({ key: 'x y.jpg', messageId: 'm1' });
  });

  it.each([
    ['not json', 'not json {', /not JSON/],
    ['a JSON array', '[1,2]', /not a JSON object/],
    ['an unknown shape', '{"hello":"world"}', /neither/],
    ['a message without key', '{"v":1,"bucket":"b"}', /no key/],
    ['a future version', '{"v":2,"bucket":"b","key":"k"}', /version/],
    ['an S3 notification with no records', '{"Records":[]}', /empty Records/],
    ['a badly encoded S3 key', JSON.stringify({ Records: [{ ...s3Record('x'), s3: { bucket: { name: 'b' }, object: { key: '%E0%A4%A' } } }] }), /URL encoding/],
  ])('marks %s as malformed with a reason, keeping the good records', (_label, body, reason) => {
    const good = JSON.stringify({ v: 1, bucket: 'b', key: 'ok.jpg' });
    const parsed = parseEvent({ Records: [sqsRecord('bad', body), sqsRecord('good', good)] });
    expect(parsed.malformed).toEqual([{ messageId: 'bad', reason: expect.stringMatching(reason) }]);
    expect(parsed.jobs.map((j) => j.messageId)).toEqual(['good']);
  });

  it('throws on an event it does not recognise', () => {
    expect(() => parseEvent({ hello: 1 })).toThrow(/unrecognised event/);
  });
});
