import { readdir } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { runCli } from '../helpers/cli.js';

describe('thumbs demo', () => {
  it('processes every sample photo offline and exits 0', async () => {
    const run = await runCli(['demo', '--json']);
    expect(run.stderr).not.toMatch(/error:/);
    expect(run.code).toBe(0);
    const result = JSON.parse(run.stdout) as { images: number; done: number; failed: unknown[]; items: Array<{ imageKey: string; status: string; renditions: unknown[] }>};
    const photos = (await readdir('images', { recursive: true })).filter((f) => /\.(jpe?g|png)$/i.test(f));
    expect(result.images).toBe(photos.length);
    expect(result.done).toBe(photos.length);
    expect(result.failed).toEqual([]);
    expect(result.items.every((item) => item.status === 'done' && item.renditions.length === 3)).toBe(true);
    expect(result.items.map((item) => item.imageKey)).toContain('city walks/café+night_lomiri_sunset_by_Aitzol_Berasategi.jpg');
  });

  it('fails with a clear message for a folder that does not exist', async () => {
    const run = await runCli(['demo', 'no/such/folder']);
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/no\/such\/folder/);
    expect(run.stderr).not.toMatch(/\n\s+at /);
  });
});
