import { randomBytes } from 'node:crypto';
import { copyFile, mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, expect } from 'vitest';
import { photoPath } from '../helpers/photos.js';
import { startBackend, type Backend } from './backend.js';
import { remainsOf } from './leftovers.js';
import { conformanceSteps } from './steps.js';
import { ALL_CAPABILITIES, describeTarget, lacks, type Target } from './target.js';
import { imagesIn, keysOfMessages, messagesIn, stackNamesOf, waitFor, type StackNamesOf } from './verify.js';

/** One id per run of a module, so stacks of runs against one account never meet. */
const RUN = randomBytes(3).toString('hex');

/** The sample photos a user would upload: spaces, unicode and `+` in a key, and one file that is not an image. */
export const PHOTO_KEYS = ['skimage_coins.png', 'skimage_rocket.jpg', 'sub dir/café+night.png'];

export interface Family {
  target: Target;
  step: ReturnType<typeof conformanceSteps>;
  readonly backend: Backend;
  /** A stack of this module (torn down after it, whatever happened): `cf-<short>-<run>`. */
  stack(short: string): string;
  names(stack: string): StackNamesOf;
  /** A folder of PHOTO_KEYS and a text file, in the working folder. */
  photos(): Promise<string>;
  /**
   * Checks that the data-only stack's queue received exactly one message for each key, and returns
   * how: counted in the queue, or (embedded: `thumbs dev`'s worker serves every stack) as one item per key.
   */
  expectAnnounced(stack: string, keys: string[]): Promise<string>;
}

/**
 * A command family's module: the backend started before its steps, every stack it made torn down
 * and the backend stopped after them.
 */
export async function conformanceFamily(family: string): Promise<Family> {
  const target = await describeTarget();
  let backend: Backend | undefined;
  const stacks = new Set<string>();
  beforeAll(async () => {
    backend = await startBackend(target);
    const missing = lacks(target, ALL_CAPABILITIES);
    process.stderr.write(`conformance | ${target.label} | ${family} | backend | ${missing.length > 0 ? `lacks ${missing.join(', ')}` : 'lacks nothing the suite checks'}\n`);
  }, 120_000);
  afterAll(async () => {
    if (!backend) return;
    // The embedded backend forgets everything when `thumbs dev` stops; elsewhere only what a step left
    // behind (a failed step, or a kind teardown does not yet remove) costs a teardown here.
    if (target.kind !== 'embedded') {
      for (const stack of stacks) if ((await remainsOf(backend, stack)).length > 0) await backend.cli(['teardown', '--stack', stack]);
    }
    await backend.stop();
  }, 300_000);
  const started = () => {
    if (!backend) throw new Error('the backend did not start');
    return backend;
  };
  return {
    target,
    step: conformanceSteps(target, family),
    get backend() {
      return started();
    },
    stack(short) {
      const stack = `cf-${short}-${RUN}`;
      stacks.add(stack);
      return stack;
    },
    names: (stack) => stackNamesOf(stack, started().account, target.region),
    async photos() {
      const folder = path.join(started().workDir, 'photos');
      await mkdir(path.join(folder, 'sub dir'), { recursive: true });
      await copyFile(photoPath('skimage_coins.png'), path.join(folder, 'skimage_coins.png'));
      await copyFile(photoPath('skimage_rocket.jpg'), path.join(folder, 'skimage_rocket.jpg'));
      await copyFile(photoPath('skimage_camera.png'), path.join(folder, 'sub dir', 'café+night.png'));
      await writeFile(path.join(folder, 'notes.txt'), 'not an image\n');
      return folder;
    },
    async expectAnnounced(stack, keys) {
      const names = stackNamesOf(stack, started().account, target.region);
      const want = [...keys].sort();
      if (target.kind !== 'embedded') {
        expect(keysOfMessages(await messagesIn(started().clients, names.queue))).toEqual(want);
        return `${want.length} messages counted in the queue`;
      }
      const done = await waitFor(
        `items for ${want.join(', ')}`,
        () => imagesIn(started().clients, names.table),
        (items) => want.every((key) => items.some((i) => i.imageKey === key && i.status === 'done')),
      );
      expect(keysOfMessages(await messagesIn(started().clients, names.queue))).toEqual([]);
      return `${done.filter((i) => want.includes(String(i.imageKey))).length} items processed by the thumbs dev worker`;
    },
  };
}
