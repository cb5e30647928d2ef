import { PutObjectCommand } from '@aws-sdk/client-s3';
import { SendMessageCommand } from '@aws-sdk/client-sqs';
import { describe, expect } from 'vitest';
import { photo } from '../helpers/photos.js';
import { conformanceFamily } from './family.js';
import { keysOfMessages, messagesIn, queueUrlOf } from './verify.js';

const family = await conformanceFamily('dlq/redrive');
const { target, step } = family;
const stack = family.stack('dlq');
const KEYS = ['dead/a.png', 'dead/b.png', 'dead/c.png'];

interface Dlq {
  messages: Array<{ key?: string }>;
  redrive?: { moved: number; failed: number };
  purged?: number;
}

/** Originals put with the SDK and their messages sent straight to the dead-letter queue, as if they had failed 5 times. */
async function deadLetters(keys: string[]): Promise<void> {
  const names = family.names(stack);
  const { clients } = family.backend;
  const url = await queueUrlOf(clients, names.deadLetterQueue);
  const body = photo('skimage_coins.png');
  for (const key of keys) {
    const put = await clients.s3.send(new PutObjectCommand({ Bucket: names.originalsBucket, Key: key, Body: body, ContentType: 'image/png' }));
    const message = { v: 1, bucket: names.originalsBucket, key, etag: (put.ETag ?? '').replaceAll('"', ''), size: body.length, contentType: 'image/png' };
    await clients.sqs.send(new SendMessageCommand({ QueueUrl: url, MessageBody: JSON.stringify(message) }));
  }
}

describe(`dlq and --redrive (${target.label})`, () => {
  step('dlq lists every dead letter by key and consumes none', async () => {
    const run = await family.backend.cli(['provision', '--stack', stack, '--no-function']);
    expect(run.code, run.stderr).toBe(0);
    await deadLetters(KEYS);
    const { run: listing, result } = await family.backend.json<Dlq>(['dlq', '--stack', stack]);
    expect(listing.code, listing.stderr).toBe(0);
    expect(result.messages.map((m) => m.key).sort()).toEqual(KEYS);
    expect(keysOfMessages(await messagesIn(family.backend.clients, family.names(stack).deadLetterQueue))).toEqual(KEYS);
  });

  step('dlq --redrive moves them to the work queue', async () => {
    const { run, result } = await family.backend.json<Dlq>(['dlq', '--stack', stack, '--redrive']);
    expect(run.code, run.stderr).toBe(0);
    expect(result.redrive).toMatchObject({ moved: KEYS.length, failed: 0 });
    expect(keysOfMessages(await messagesIn(family.backend.clients, family.names(stack).deadLetterQueue))).toEqual([]);
    return family.expectAnnounced(stack, KEYS);
  });

  step('dlq --purge empties the dead-letter queue', async () => {
    await deadLetters(['dead/d.png']);
    const { run } = await family.backend.json<Dlq>(['dlq', '--stack', stack, '--purge']);
    expect(run.code, run.stderr).toBe(0);
    expect(keysOfMessages(await messagesIn(family.backend.clients, family.names(stack).deadLetterQueue))).toEqual([]);
  });
});
