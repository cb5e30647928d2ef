import { CreateLogStreamCommand, PutLogEventsCommand } from '@aws-sdk/client-cloudwatch-logs';
import { describe, expect } from 'vitest';
import { conformanceFamily, PHOTO_KEYS } from './family.js';
import { imagesIn } from './verify.js';

const family = await conformanceFamily('logs');
const { target, step } = family;
const stack = family.stack('logs');

interface Line {
  key?: string;
  status?: string;
  requestId?: string;
}

const linesOf = (stdout: string): Line[] => stdout.split('\n').filter((l) => l.trim()).map((l) => JSON.parse(l) as Line);

describe(`logs (${target.label})`, () => {
  step('provision with the function', async () => {
    const run = await family.backend.cli(['provision', '--stack', stack]);
    expect(run.code, run.stderr).toBe(0);
  });

  step("logs prints the function's record of every image it processed", async () => {
    const upload = await family.backend.cli(['upload', await family.photos(), '--stack', stack, '--wait', '--wait-timeout', '180']);
    expect(upload.code, upload.stderr).toBe(0);
    const items = await imagesIn(family.backend.clients, family.names(stack).table);
    expect(items.filter((i) => i.status === 'done').map((i) => i.imageKey).sort()).toEqual([...PHOTO_KEYS].sort());
    const run = await family.backend.cli(['logs', '--stack', stack, '--since', '30m', '--json']);
    expect(run.code, run.stderr).toBe(0);
    const records = linesOf(run.stdout).filter((l) => l.key !== undefined);
    expect([...new Set(records.filter((r) => r.status === 'done').map((r) => r.key))].sort()).toEqual([...PHOTO_KEYS].sort());
  }, { needs: ['running functions'] });

  step('logs reads CloudWatch Logs (lines written with PutLogEvents) and --key narrows them', async () => {
    const logGroupName = family.names(stack).logGroup;
    const logStreamName = `2026/12/08/[$LATEST]conformance${Date.now()}`;
    await family.backend.clients.logs.send(new CreateLogStreamCommand({ logGroupName, logStreamName }));
    const now = Date.now();
    // Lambda's JSON log format wraps each line the function prints.
    const wrapped = (key: string, n: number) => ({
      timestamp: now + n,
      message: JSON.stringify({ timestamp: new Date(now + n).toISOString(), level: 'INFO', requestId: `req-${n}`, message: JSON.stringify({ level: 'info', msg: 'record', key, status: 'done', ms: 12 }) }),
    });
    await family.backend.clients.logs.send(new PutLogEventsCommand({ logGroupName, logStreamName, logEvents: [wrapped('seeded/a.png', 0), wrapped('seeded/b.png', 1)] }));
    const all = await family.backend.cli(['logs', '--stack', stack, '--since', '10m', '--json']);
    expect(all.code, all.stderr).toBe(0);
    expect(linesOf(all.stdout).filter((l) => l.key?.startsWith('seeded/'))).toEqual([
      expect.objectContaining({ key: 'seeded/a.png', status: 'done', requestId: 'req-0' }),
      expect.objectContaining({ key: 'seeded/b.png', status: 'done', requestId: 'req-1' }),
    ]);
    const one = await family.backend.cli(['logs', '--stack', stack, '--since', '10m', '--key', 'seeded/b.png', '--json']);
    expect(linesOf(one.stdout).map((l) => l.key)).toEqual(['seeded/b.png']);
  }, { needs: ['CloudWatch Logs'] });
});
