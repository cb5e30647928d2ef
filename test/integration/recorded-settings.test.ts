import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import sharp from 'sharp';
import { HeadObjectCommand } from '@aws-sdk/client-s3';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { startGallery, type StartedGallery } from '../../src/actions/gallery.js';
import { upload } from '../../src/actions/upload.js';
import { main } from '../../src/cli/main.js';
import { readState } from '../../src/state/state-file.js';
import { startEmbedded, type EmbeddedHarness } from '../helpers/embedded.js';

/** Runs the CLI in this process, with extra variables, and returns its exit code and output. */
async function cli(args: string[], env: Record<string, string> = {}): Promise<{ code: number; stdout: string; stderr: string }> {
  let stdout = '';
  let stderr = '';
  const out = vi.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => ((stdout += String(chunk)), true));
  const err = vi.spyOn(process.stderr, 'write').mockImplementation((chunk: string | Uint8Array) => ((stderr += String(chunk)), true));
  for (const [name, value] of Object.entries(env)) vi.stubEnv(name, value);
  try {
    return { code: await main(['node', 'thumbs', ...args]), stdout, stderr };
  } finally {
    out.mockRestore();
    err.mockRestore();
    for (const name of Object.keys(env)) vi.stubEnv(name, undefined);
  }
}

const MAX_BYTES = 2_000;
let harness: EmbeddedHarness;

beforeAll(async () => {
  harness = await startEmbedded({ stack: 'rec' });
  // The CLI reads `thumbs dev`'s endpoints file; this process is alive, so it passes the pid check.
  await writeFile(path.join(harness.stateDir, 'local.json'), JSON.stringify(harness.emulators.endpoints));
  vi.stubEnv('THUMBS_STATE_DIR', harness.stateDir);
  const provisioned = await cli(['provision', '--local', '--stack', 'rec', '--renditions', 'webp:200', '--max-bytes', String(MAX_BYTES)]);
  expect(provisioned.code, provisioned.stderr).toBe(0);
});
afterAll(async () => {
  vi.unstubAllEnvs();
  await harness.stop();
});

describe('every command reads the stack choices from its record', () => {
  it('reprocess takes renditions from the record, not from its own environment', async () => {
    const run = await cli(['reprocess', '--local', '--stack', 'rec', '--dry-run', '--json']);
    expect(run.code, run.stderr).toBe(0);
    expect(JSON.parse(run.stdout)).toMatchObject({ settings: { renditions: 'webp:200', quality: 80, source: 'record' } });
  });

  it('a provision-time variable or flag that differs from the record is a usage error naming the recorded value', async () => {
    const byVariable = await cli(['reprocess', '--local', '--stack', 'rec', '--dry-run'], { THUMBS_RENDITIONS: 'webp:300' });
    expect(byVariable.code).toBe(2);
    expect(byVariable.stderr).toContain('THUMBS_RENDITIONS=webp:300: renditions is a provision-time choice, and stack rec records renditions webp:200');
    expect(byVariable.stderr).toContain('thumbs provision --stack rec --local --renditions webp:300');

    const byFlag = await cli(['gallery', '--local', '--stack', 'rec', '--port', '0', '--max-bytes', '5000']);
    expect(byFlag.code).toBe(2);
    expect(byFlag.stderr).toContain(`--max-bytes 5000: maxBytes is a provision-time choice, and stack rec records maxBytes ${MAX_BYTES}`);

    // The same value as recorded (a .env shared with provision) is no conflict.
    const same = await cli(['reprocess', '--local', '--stack', 'rec', '--dry-run'], { THUMBS_RENDITIONS: 'webp:200', THUMBS_MAX_BYTES: String(MAX_BYTES) });
    expect(same.code, same.stderr).toBe(0);
    // Nothing was changed by the refused runs.
    expect((await readState(path.join(harness.stateDir, 'local'), 'rec'))?.config).toMatchObject({ renditions: 'webp:200', maxBytes: MAX_BYTES });
  });

  it('thumbs dev refuses a provision-time variable: it runs each stack with its own record', async () => {
    const run = await cli(['dev'], { THUMBS_QUALITY: '50' });
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('THUMBS_QUALITY=50: quality is a provision-time choice');
  });

  it("upload leaves out an original larger than the recorded max-bytes, which the function would only fail", async () => {
    const folder = await mkdtemp(path.join(os.tmpdir(), 'thumbs-rec-'));
    try {
      const small = await sharp({ create: { width: 8, height: 8, channels: 3, background: 'red' } }).png().toBuffer();
      const large = await sharp({ create: { width: 64, height: 64, channels: 3, background: 'blue' } }).png({ compressionLevel: 0 }).toBuffer();
      expect(small.length).toBeLessThanOrEqual(MAX_BYTES);
      expect(large.length).toBeGreaterThan(MAX_BYTES);
      await writeFile(path.join(folder, 'small.png'), small);
      await writeFile(path.join(folder, 'large.png'), large);
      const result = await upload(await harness.contextFor({ stack: 'rec' }), folder, { dryRun: true });
      expect(result.planned?.map((p) => p.path)).toEqual([path.join(folder, 'small.png')]);
      expect(result.skipped).toEqual([{ path: path.join(folder, 'large.png'), reason: expect.stringContaining(`larger than the stack's max-bytes 2,000`) }]);
    } finally {
      await rm(folder, { recursive: true, force: true });
    }
  });

  describe('the gallery', () => {
    let gallery: StartedGallery;
    beforeAll(async () => {
      gallery = await startGallery(await harness.contextFor({ stack: 'rec' }), { port: 0 });
    });
    afterAll(async () => gallery?.close());

    const postFile = async (name: string, bytes: number) => {
      const origin = new URL(gallery.url).origin;
      const answer = await fetch(new URL('api/uploads', gallery.url), {
        method: 'POST', headers: { origin, 'content-type': 'application/json' }, body: JSON.stringify({ files: [{ name, type: 'image/jpeg' }] }),
      });
      expect(answer.status).toBe(200);
      const { uploads } = await answer.json() as { uploads: Array<{ key: string; url: string; fields: Record<string, string> }> };
      const form = new FormData();
      for (const [field, value] of Object.entries(uploads[0]?.fields ?? {})) form.append(field, value);
      form.append('Content-Type', 'image/jpeg');
      form.append('file', new Blob([new Uint8Array(bytes)], { type: 'image/jpeg' }), name);
      const posted = await fetch(uploads[0]?.url ?? '', { method: 'POST', body: form, headers: { origin } });
      return { status: posted.status, body: await posted.text(), key: uploads[0]?.key ?? '' };
    };

    it("the page's upload policy takes the recorded max-bytes: S3 refuses a larger file and takes a smaller one", async () => {
      const big = await postFile('big.jpg', MAX_BYTES + 1);
      expect(big.status).toBe(400);
      expect(big.body).toContain('EntityTooLarge');
      const bucket = gallery.where.originalsBucket;
      await expect(harness.ctx.clients.s3.send(new HeadObjectCommand({ Bucket: bucket, Key: big.key }))).rejects.toMatchObject({ name: 'NotFound' });
      const small = await postFile('small.jpg', MAX_BYTES);
      expect(small.status).toBeLessThan(300);
      expect((await harness.ctx.clients.s3.send(new HeadObjectCommand({ Bucket: bucket, Key: small.key }))).ContentLength).toBe(MAX_BYTES);
    });
  });
});
