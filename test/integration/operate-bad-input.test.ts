import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startGallery } from '../../src/actions/gallery.js';
import { logs } from '../../src/actions/logs.js';
import { stacks } from '../../src/actions/stacks.js';
import { startEmbedded, type EmbeddedHarness } from '../helpers/embedded.js';

/** The new commands on a stack that was never provisioned, as a new user meets them. */
describe('operate commands on a stack never provisioned (embedded backend)', () => {
  let h: EmbeddedHarness;

  beforeAll(async () => {
    h = await startEmbedded({ stack: 'never' });
  });

  afterAll(async () => {
    await h?.stop();
  });

  it('gallery says the stack is not provisioned instead of "AWS answered NoSuchBucket"', async () => {
    await expect(startGallery(h.ctx, { port: 0 })).rejects.toMatchObject({ code: 'not-provisioned', hint: expect.stringContaining('thumbs provision --stack never --local') });
  });

  it('logs says the stack is not provisioned instead of "no log lines"', async () => {
    const onRecord = () => undefined;
    await expect(logs(h.ctx, { since: 0, onRecord })).rejects.toMatchObject({ code: 'not-provisioned', exitCode: 1 });
  });

  it('stacks lists a stack whose state file is unreadable, naming the file, and never the endpoints file', async () => {
    await mkdir(path.join(h.stateDir, 'local'), { recursive: true });
    await writeFile(path.join(h.stateDir, 'local.json'), '{"s3":"http://127.0.0.1:1","pid":1}');
    await writeFile(path.join(h.stateDir, 'local', 'broken.json'), '{"stack":"broken", "resou');
    const result = await stacks(h.ctx);
    expect(result.stacks.map((s) => s.stack)).toEqual(['broken']);
    expect(result.stacks[0]).toMatchObject({ health: 'unknown', backend: 'embedded', note: expect.stringContaining('broken.json is unreadable') });
  });
});
