import { PutObjectCommand } from '@aws-sdk/client-s3';
import { describe, expect } from 'vitest';
import { photo } from '../helpers/photos.js';
import { conformanceFamily } from './family.js';
import { keysOfMessages, messagesIn } from './verify.js';

const family = await conformanceFamily('reprocess');
const { target, step } = family;
const stack = family.stack('re');
const KEYS = ['other-tool/a.png', 'other-tool/b.png'];

interface Reprocess {
  counts: { missing: number };
  selected: number;
  messagesSent: number;
}

describe(`reprocess (${target.label})`, () => {
  step('reprocess --dry-run finds originals uploaded by another tool and sends nothing', async () => {
    const run = await family.backend.cli(['provision', '--stack', stack, '--no-function']);
    expect(run.code, run.stderr).toBe(0);
    const body = photo('skimage_rocket.jpg');
    for (const key of KEYS) {
      await family.backend.clients.s3.send(new PutObjectCommand({ Bucket: family.names(stack).originalsBucket, Key: key, Body: body, ContentType: 'image/jpeg' }));
    }
    const { run: dry, result } = await family.backend.json<Reprocess>(['reprocess', '--stack', stack, '--dry-run']);
    expect(dry.code, dry.stderr).toBe(0);
    expect(result).toMatchObject({ counts: { missing: KEYS.length }, selected: KEYS.length, messagesSent: 0 });
    expect(await messagesIn(family.backend.clients, family.names(stack).queue)).toEqual([]);
  });

  step('reprocess announces each missing original once', async () => {
    const { run, result } = await family.backend.json<Reprocess>(['reprocess', '--stack', stack]);
    expect(run.code, run.stderr).toBe(0);
    expect(result).toMatchObject({ selected: KEYS.length, messagesSent: KEYS.length });
    return family.expectAnnounced(stack, KEYS);
  });

  step('reprocess --prefix names nothing outside the folder', async () => {
    const { run, result } = await family.backend.json<Reprocess>(['reprocess', '--stack', stack, '--prefix', 'elsewhere', '--dry-run']);
    expect(run.code, run.stderr).toBe(0);
    expect(result.selected).toBe(0);
    // Nothing more was sent: the queue holds what the previous step announced, or nothing once processed.
    expect(keysOfMessages(await messagesIn(family.backend.clients, family.names(stack).queue))).toEqual(target.kind === 'embedded' ? [] : KEYS);
  });
});
