import type { SNSClient } from '@aws-sdk/client-sns';
import { createHmac, randomUUID } from 'node:crypto';
import { mkdir, rename, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';
import type { BatchConfig } from './batch-config.js';
import { SIGNATURE_HEADER, type BatchEntry, type BatchNotice } from './contract.js';
import type { Logger } from './log.js';

export interface NotifyDeps {
  batches?: BatchConfig;
  log?: Logger;
  /** Injected by tests; default: one client from the environment, made when an email is first sent. */
  sns?: Pick<SNSClient, 'send'>;
  /** Backoff between webhook attempts; default 1 s, 2 s, 4 s. */
  webhookBackoffMs?: number[];
}

const DEFAULT_BACKOFF_MS = [1000, 2000, 4000];
const WEBHOOK_TIMEOUT_MS = 10_000;

/** `sha256=<hex>`: what a receiver compares, in constant time, with its own HMAC of the raw body. */
export function signature(secret: string, body: string): string {
  return `sha256=${createHmac('sha256', secret).update(body).digest('hex')}`;
}

/** One readable line, for Slack's incoming webhooks and the email's subject. */
export function summaryLine(notice: BatchNotice): string {
  const dead = notice.deadLettered ? `, ${notice.deadLettered} dead-lettered` : '';
  return `thumbs ${notice.stack}: batch ${notice.batch} complete, ${notice.expected} images: ${notice.done} done, ${notice.failed} failed${dead}`;
}

/**
 * Tells every target once. A failure is recorded per target (the result), never thrown: the
 * images are processed either way. Targets are named without a URL's path and query, which may be secret.
 */
export async function notifyAll(deps: NotifyDeps, notice: BatchNotice, entries: BatchEntry[]): Promise<Record<string, string>> {
  const results: Record<string, string> = {};
  for (const target of deps.batches?.targets ?? []) {
    const name = targetName(target);
    try {
      if (target.startsWith('email:')) await sendEmail(deps, target.slice('email:'.length), notice, entries);
      else await postWebhook(deps, target, notice);
      results[name] = 'ok';
    } catch (err) {
      results[name] = (err instanceof Error ? err.message : String(err)).slice(0, 300);
      deps.log?.('warn', { msg: 'notification failed', batch: notice.batch, target: name, error: results[name] });
    }
  }
  return results;
}

export function targetName(target: string): string {
  if (target.startsWith('email:')) return target;
  try {
    const url = new URL(target);
    return `${url.protocol}//${url.host}`;
  } catch {
    return 'webhook';
  }
}

async function postWebhook(deps: NotifyDeps, url: string, notice: BatchNotice): Promise<void> {
  const slack = new URL(url).hostname === 'hooks.slack.com';
  const body = JSON.stringify(slack ? { ...notice, text: summaryLine(notice) } : notice);
  const headers = { 'content-type': 'application/json', [SIGNATURE_HEADER]: signature(deps.batches?.secret ?? '', body) };
  const backoff = deps.webhookBackoffMs ?? DEFAULT_BACKOFF_MS;
  let last = '';
  for (let attempt = 0; attempt <= backoff.length; attempt += 1) {
    if (attempt > 0) await delay(backoff[attempt - 1]);
    try {
      const res = await fetch(url, { method: 'POST', headers, body, signal: AbortSignal.timeout(WEBHOOK_TIMEOUT_MS) });
      await res.arrayBuffer().catch(() => undefined);
      if (res.ok) return;
      last = `HTTP ${res.status}`;
      // A 4xx other than throttling will not change on retry.
      if (res.status < 500 && res.status !== 429) break;
    } catch (err) {
      last = fetchFailure(err);
    }
  }
  throw new Error(`webhook ${targetName(url)} failed after ${backoff.length + 1} attempts: ${last}`);
}

/** fetch's "TypeError: fetch failed" with the cause it hides (connect ECONNREFUSED 127.0.0.1:9, getaddrinfo ENOTFOUND, a TLS error). */
function fetchFailure(err: unknown): string {
  if (!(err instanceof Error)) return String(err);
  const cause = err.cause instanceof Error ? err.cause.message : undefined;
  return cause ? `${err.message}: ${cause}` : `${err.name}: ${err.message}`;
}

function emailText(notice: BatchNotice, entries: BatchEntry[]): string {
  const failed = entries.filter((e) => e.status !== 'done');
  const lines = [
    summaryLine(notice),
    '',
    `Started ${notice.startedAt}, completed ${notice.completedAt}.`,
    `Report: s3://${notice.report.bucket}/${notice.report.csv} (and .json)`,
    ...(failed.length ? ['', 'Not processed:', ...failed.slice(0, 50).map((e) => `  ${e.key}: ${e.status}${e.error ? ` (${e.error})` : ''}`)] : []),
    ...(failed.length > 50 ? [`  ... and ${failed.length - 50} more in the report`] : []),
  ];
  return `${lines.join('\n')}\n`;
}

async function sendEmail(deps: NotifyDeps, address: string, notice: BatchNotice, entries: BatchEntry[]): Promise<void> {
  const text = emailText(notice, entries);
  const subject = `thumbs: batch ${notice.batch} complete (${notice.done}/${notice.expected} done)`;
  const outbox = deps.batches?.outboxDir;
  if (outbox) return writeEml(outbox, address, subject, text, notice.batch);
  const topicArn = deps.batches?.topicArn;
  if (!topicArn) throw new Error('no SNS topic configured (THUMBS_NOTIFY_TOPIC); run `thumbs provision` again');
  // Loaded here: the CLI imports this module to read batches and should not load SNS for that.
  const { PublishCommand, SNSClient: Client } = await import('@aws-sdk/client-sns');
  // One topic per stack: every email subscriber of it gets the mail (SNS has no per-address publish).
  deps.sns ??= new Client({});
  await deps.sns.send(new PublishCommand({ TopicArn: topicArn, Subject: subject.slice(0, 99), Message: text }));
}

/** The embedded backend's mail: an RFC 5322 message in the outbox, written whole then renamed. */
async function writeEml(dir: string, to: string, subject: string, text: string, batch: string): Promise<void> {
  await mkdir(dir, { recursive: true });
  const file = path.join(dir, `${batch}-${to.replace(/[^a-z0-9@._-]/gi, '_')}.eml`);
  const message = [
    'From: thumbs <thumbs@localhost>',
    `To: <${to}>`,
    `Subject: ${subject}`,
    `Date: ${new Date().toUTCString()}`,
    `Message-ID: <${randomUUID()}@thumbs.local>`,
    'MIME-Version: 1.0',
    'Content-Type: text/plain; charset=utf-8',
    '',
    text.replace(/\n/g, '\r\n'),
  ].join('\r\n');
  const temporary = `${file}.${process.pid}.tmp`;
  await writeFile(temporary, message);
  await rename(temporary, file);
}
