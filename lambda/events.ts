import { MESSAGE_VERSION, RUN_ATTRIBUTE } from './contract.js';

/** One original to process. `messageId` is set for SQS records (it is what a batch item failure names). */
export interface Job {
  messageId?: string;
  bucket: string;
  key: string;
  /** Without quotes; S3 events carry it bare, S3 responses quoted. */
  etag?: string;
  size?: number;
  contentType?: string;
  /** SQS ApproximateReceiveCount: this delivery's attempt number. */
  receiveCount?: number;
  /** The render settings the sender asked for (settingsHash); see isDone. */
  settings?: string;
  /** Render again even when done with these settings. */
  force?: boolean;
  /** The `thumbs upload` run that sent the message (RUN_ATTRIBUTE), logged so a duplicate can be traced. */
  run?: string;
}

export interface ParsedEvent {
  source: 'sqs' | 's3';
  jobs: Job[];
  /** SQS bodies that cannot be understood: failed so that they reach the DLQ after maxReceiveCount. */
  malformed: Array<{ messageId: string; reason: string }>;
  /** Acknowledged without work (s3:TestEvent, removal events). */
  ignored: Array<{ messageId?: string; reason: string }>;
}

interface SqsRecord {
  messageId: string;
  body: string;
  attributes?: { ApproximateReceiveCount?: string };
  messageAttributes?: Record<string, { stringValue?: string } | undefined>;
  eventSource?: string;
}

interface S3Record {
  eventSource?: string;
  eventName?: string;
  s3?: { bucket?: { name?: unknown }; object?: { key?: unknown; size?: unknown; eTag?: unknown } };
}

/** Recognises SQS events (thumbs messages, S3 notifications via SQS or SNS) and direct S3 notifications. */
export function parseEvent(event: unknown): ParsedEvent {
  const records = (event as { Records?: unknown } | null)?.Records;
  if (!Array.isArray(records)) throw new TypeError('unrecognised event: no Records array');
  const first = records[0] as { eventSource?: string } | undefined;
  const parsed: ParsedEvent = { source: first?.eventSource === 'aws:s3' ? 's3' : 'sqs', jobs: [], malformed: [], ignored: [] };
  if (parsed.source === 's3') {
    parsed.jobs.push(...s3Jobs(records as S3Record[], parsed.ignored));
    return parsed;
  }
  for (const record of records as SqsRecord[]) {
    if (record.eventSource !== 'aws:sqs' || typeof record.messageId !== 'string') {
      throw new TypeError(`unrecognised event record (eventSource ${String(record.eventSource)})`);
    }
    try {
      const jobs = bodyJobs(record.body, record.messageId, parsed.ignored);
      const receiveCount = Number(record.attributes?.ApproximateReceiveCount);
      const run = record.messageAttributes?.[RUN_ATTRIBUTE]?.stringValue;
      for (const job of jobs) {
        job.messageId = record.messageId;
        if (Number.isInteger(receiveCount) && receiveCount > 0) job.receiveCount = receiveCount;
        if (run) job.run = run;
      }
      parsed.jobs.push(...jobs);
    } catch (err) {
      parsed.malformed.push({ messageId: record.messageId, reason: err instanceof Error ? err.message : String(err) });
    }
  }
  return parsed;
}

/** S3 keys in event notifications are URL-encoded with `+` for spaces (S3 event message structure). */
export function decodeS3Key(key: string): string {
  return decodeURIComponent(key.replace(/\+/g, ' '));
}

function bodyJobs(body: string, messageId: string, ignored: ParsedEvent['ignored']): Job[] {
  let message: Record<string, unknown>;
  try {
    message = JSON.parse(body) as Record<string, unknown>;
  } catch {
    throw new Error(`body is not JSON: ${JSON.stringify(String(body).slice(0, 80))}`);
  }
  if (typeof message !== 'object' || message === null || Array.isArray(message)) throw new Error('body is not a JSON object');
  if (message.Event === 's3:TestEvent') {
    ignored.push({ messageId, reason: 's3:TestEvent' });
    return [];
  }
  // S3 -> SNS -> SQS without raw delivery wraps the notification in an SNS envelope.
  if (message.Type === 'Notification' && typeof message.Message === 'string') return bodyJobs(message.Message, messageId, ignored);
  if (Array.isArray(message.Records)) {
    // S3 never sends an empty notification: fail it (logged, then the DLQ) rather than drop it silently.
    if (message.Records.length === 0) throw new Error('S3 notification with an empty Records array');
    return s3Jobs(message.Records as S3Record[], ignored, messageId);
  }
  if ('v' in message) return [uploadJob(message)];
  throw new Error('body is neither a thumbs upload message nor an S3 event notification');
}

function uploadJob(message: Record<string, unknown>): Job {
  if (message.v !== MESSAGE_VERSION) throw new Error(`unsupported message version ${JSON.stringify(message.v)}`);
  const { bucket, key, etag, size, contentType } = message;
  if (typeof bucket !== 'string' || bucket === '') throw new Error('message has no bucket');
  if (typeof key !== 'string' || key === '') throw new Error('message has no key');
  const job: Job = { bucket, key };
  if (typeof etag === 'string' && etag !== '') job.etag = unquote(etag);
  if (typeof size === 'number' && Number.isFinite(size)) job.size = size;
  if (typeof contentType === 'string' && contentType !== '') job.contentType = contentType;
  if (typeof message.settings === 'string' && message.settings !== '') job.settings = message.settings;
  if (message.force === true) job.force = true;
  return job;
}

function s3Jobs(records: S3Record[], ignored: ParsedEvent['ignored'], messageId?: string): Job[] {
  const jobs: Job[] = [];
  for (const record of records) {
    if (record.eventSource !== 'aws:s3' || !record.s3) throw new Error('S3 notification record without s3 section');
    if (!String(record.eventName ?? '').startsWith('ObjectCreated')) {
      ignored.push({ ...(messageId ? { messageId } : {}), reason: `event ${String(record.eventName)}` });
      continue;
    }
    const bucket = record.s3.bucket?.name;
    const key = record.s3.object?.key;
    if (typeof bucket !== 'string' || typeof key !== 'string' || key === '') throw new Error('S3 record without bucket or key');
    let decoded: string;
    try {
      decoded = decodeS3Key(key);
    } catch {
      throw new Error(`S3 key is not valid URL encoding: ${JSON.stringify(key.slice(0, 80))}`);
    }
    const job: Job = { bucket, key: decoded };
    const { eTag, size } = record.s3.object ?? {};
    if (typeof eTag === 'string' && eTag !== '') job.etag = unquote(eTag);
    if (typeof size === 'number') job.size = size;
    if (messageId) job.messageId = messageId;
    jobs.push(job);
  }
  return jobs;
}

export function unquote(etag: string): string {
  return etag.replace(/^(W\/)?"|"$/g, '');
}
