import { PutCommand } from '@aws-sdk/lib-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { describe, expect } from 'vitest';
import { feedAttributes } from '../../lambda/contract.js';
import { conformanceFamily, PHOTO_KEYS } from './family.js';
import { functionOf, imagesIn, keysIn, mappingsFrom, queueUrlOf, roleOf, tableOf } from './verify.js';

const family = await conformanceFamily('upload/scan-db');
const { target, step } = family;
const stack = family.stack('up');

interface Upload {
  uploaded: number;
  unchanged: number;
  skipped: Array<{ path: string }>;
  messagesSent: number;
}

describe(`upload and scan-db (${target.label})`, () => {
  step('provision --no-function creates only the data side', async () => {
    const run = await family.backend.cli(['provision', '--stack', stack, '--no-function']);
    expect(run.code, run.stderr).toBe(0);
    const names = family.names(stack);
    const { clients } = family.backend;
    expect(await tableOf(clients, names.table)).toBeDefined();
    expect(await queueUrlOf(clients, names.queue)).toBeDefined();
    if (target.has.has('Lambda')) {
      expect(await functionOf(clients, names.function)).toBeUndefined();
      expect(await mappingsFrom(clients, names.queue)).toEqual([]);
    }
    if (target.has.has('IAM')) expect(await roleOf(clients, names.role)).toBeUndefined();
  }, { partly: ['IAM', 'Lambda'] });

  step('upload puts every image and sends exactly one message per image', async () => {
    const folder = await family.photos();
    const { run, result } = await family.backend.json<Upload>(['upload', folder, '--stack', stack]);
    expect(run.code, run.stderr).toBe(0);
    expect(result).toMatchObject({ uploaded: PHOTO_KEYS.length, unchanged: 0, messagesSent: PHOTO_KEYS.length });
    expect(result.skipped.map((s) => s.path)).toEqual([expect.stringMatching(/notes\.txt$/)]);
    expect(await keysIn(family.backend.clients, family.names(stack).originalsBucket)).toEqual([...PHOTO_KEYS].sort());
    return family.expectAnnounced(stack, PHOTO_KEYS);
  });

  step('a second upload of the same folder uploads and sends nothing', async () => {
    const { run, result } = await family.backend.json<Upload>(['upload', await family.photos(), '--stack', stack]);
    expect(run.code, run.stderr).toBe(0);
    expect(result).toMatchObject({ uploaded: 0, unchanged: PHOTO_KEYS.length, messagesSent: 0 });
    return family.expectAnnounced(stack, PHOTO_KEYS);
  });

  step('scan-db lists what the table holds, and --status failed the failed items', async () => {
    const table = family.names(stack).table;
    const documents = DynamoDBDocumentClient.from(family.backend.clients.dynamodb);
    const processedAt = new Date().toISOString();
    for (const [imageKey, status] of [['seeded/done.png', 'done'], ['seeded/failed.png', 'failed']] as const) {
      const item = { imageKey, status, processedAt, etag: 'e', bytes: 1, contentType: 'image/png', renditions: [], attempts: 1, durationMs: 1, sourceBucket: 'b' };
      await documents.send(new PutCommand({ TableName: table, Item: { ...item, ...feedAttributes(item), ...(status === 'failed' ? { error: 'seeded' } : {}) } }));
    }
    const stored = await imagesIn(family.backend.clients, table);
    const { run, result } = await family.backend.json<Array<{ imageKey: string }>>(['scan-db', '--stack', stack]);
    expect(run.code, run.stderr).toBe(0);
    expect(result.map((i) => i.imageKey).sort()).toEqual(stored.map((i) => String(i.imageKey)).sort());
    const failed = await family.backend.json<Array<{ imageKey: string }>>(['scan-db', '--stack', stack, '--status', 'failed']);
    expect(failed.result.map((i) => i.imageKey)).toEqual(stored.filter((i) => i.status === 'failed').map((i) => i.imageKey));
    return `${stored.length} items`;
  });
});
