import { existsSync } from 'node:fs';
import { copyFile, mkdir, mkdtemp, readFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { rendererFilePath } from '../../src/render/renderer-file.js';
import { isolatedEnv, runCli, startDev } from '../helpers/cli.js';

describe('thumbs url: bad flags', () => {
  it.each([
    [['--width', '15'], '--width'],
    [['--width', '780.5'], '--width'],
    [['--height', '4097'], '--height'],
    [['--width', '780', '--fit', 'squash'], '--fit'],
    [['--width', '780', '--format', 'gif'], '--format'],
    [['--width', '780', '--quality', '0'], '--quality'],
    [['--width', '780', '--expires', '2y'], '--expires'],
    [['--width', '780', '--expires', '400d'], '--expires'],
    [[], '--width or --height'],
  ])('thumbs url cat.jpg %j exits 2 naming %s, before any call', async (flags, named) => {
    const run = await runCli(['url', 'cat.jpg', ...flags, '--local'], { env: isolatedEnv({ THUMBS_STATE_DIR: await mkdtemp(path.join(os.tmpdir(), 'thumbs-url-flags-')) }) });
    expect(run.code).toBe(2);
    expect(run.stderr).toContain(named);
    // Refused before looking for the backend: no word of a missing thumbs dev.
    expect(run.stderr).not.toContain('not running');
  });

  it('names the key argument when it starts with a slash, and answers --json scripts in JSON', async () => {
    const run = await runCli(['url', '/cat.jpg', '--width', '780', '--json'], { env: isolatedEnv() });
    expect(run.code).toBe(2);
    expect(JSON.parse(run.stdout)).toMatchObject({ error: { code: 'bad-key', message: expect.stringContaining('<key> "/cat.jpg"') } });
  });

  it('teaches with examples in --help', async () => {
    const run = await runCli(['url', '--help']);
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/Examples:\n\s+thumbs url /);
    // The default in the form the flag takes, not in seconds.
    expect(run.stdout).toMatch(/--expires <duration>[^]*\(default: 7d\)/);
    expect(run.stdout).not.toContain('604800');
  });
});

describe('thumbs url against thumbs dev (embedded backend)', () => {
  it('prints a URL that dev\'s loopback renderer answers with the image, and 403 once tampered with', async () => {
    const dir = await mkdtemp(path.join(os.tmpdir(), 'thumbs-url-dev-'));
    const env = isolatedEnv({ THUMBS_STATE_DIR: dir });
    const images = path.join(dir, 'photos');
    await mkdir(images);
    await copyFile(path.join('images', 'skimage_rocket.jpg'), path.join(images, 'rocket.jpg'));
    const dev = await startDev(dir);
    const rendererFile = rendererFilePath(path.join(dir, 'local'), 'default');
    try {
      expect((await runCli(['provision', '--local', '--json'], { env })).code).toBe(0);
      expect((await runCli(['upload', images, '--local', '--json'], { env })).code).toBe(0);
      // dev starts the renderer on its next scan of the state folder (every second).
      for (let i = 0; i < 100 && !existsSync(rendererFile); i += 1) await new Promise((r) => setTimeout(r, 100));
      const served = JSON.parse(await readFile(rendererFile, 'utf8')) as { url: string };

      const run = await runCli(['url', 'rocket.jpg', '--width', '200', '--format', 'webp', '--expires', '1h', '--local', '--json'], { env });
      expect(run.stderr).toBe('');
      expect(run.code).toBe(0);
      const printed = JSON.parse(run.stdout) as { url: string; expires: string };
      expect(Object.keys(printed).sort()).toEqual(['expires', 'url']);
      expect(new URL(printed.url).origin).toBe(served.url);
      expect(Math.abs(Date.parse(printed.expires) - (Date.now() + 3_600_000))).toBeLessThan(60_000);

      const res = await fetch(printed.url);
      expect(res.status).toBe(200);
      expect(res.headers.get('content-type')).toBe('image/webp');
      const meta = await sharp(Buffer.from(await res.arrayBuffer())).metadata();
      expect([meta.format, meta.width]).toEqual(['webp', 200]);
      expect((await fetch(printed.url.replace('format=webp', 'format=png'))).status).toBe(403);

      const text = await runCli(['url', 'rocket.jpg', '--height', '100', '--local'], { env });
      expect(text.stdout.trim()).toMatch(new RegExp(`^${served.url}/rocket\\.jpg\\?height=100&fit=inside&format=auto&expires=\\d+&signature=[\\w-]+$`));
      const missing = await runCli(['url', 'nowhere.jpg', '--width', '100', '--local'], { env });
      expect(missing.code).toBe(2);
      expect(missing.stderr).toContain('"nowhere.jpg"');
    } finally {
      await dev.stop();
    }
    expect(existsSync(rendererFile)).toBe(false);
  }, 60_000);
});
