import type { Command } from 'commander';
import { InvalidArgumentError } from 'commander';
import { DEFAULT_GALLERY_HOST, DEFAULT_GALLERY_PORT, DEFAULT_PAGE_SIZE } from '../../config/defaults.js';
import { printResult } from '../../output/print.js';
import { untilInterrupted } from '../interrupt.js';
import type { Runtime } from '../runtime.js';
import { settingsOf, withContext } from '../runtime.js';
import { acceptRecordedChoices, checkedAgainstRecord } from '../recorded-choices.js';
import { positiveInt } from './parse.js';

interface GalleryFlags {
  port: number;
  host: string;
  pageSize: number;
  upload: boolean;
}

/** 0 is allowed here: it asks the system for a free port. */
function port(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0 || n > 65535) throw new InvalidArgumentError(`--port takes 0-65535, not "${value}".`);
  return n;
}

export function registerGallery(program: Command, runtime: Runtime): void {
  acceptRecordedChoices(program.command('gallery'))
    .description('serve a local web page of the processed images (newest first, with sizes, status and failures) until Ctrl-C')
    .option('--port <n>', 'port to listen on (0: any free port)', port, DEFAULT_GALLERY_PORT)
    .option('--host <address>', 'interface to bind; anything but 127.0.0.1 shows the images to your network', DEFAULT_GALLERY_HOST)
    .option('--page-size <n>', 'images per page', positiveInt('--page-size', 500), DEFAULT_PAGE_SIZE)
    .option('--no-upload', 'do not offer upload from the page (nor open the bucket\'s CORS for it)')
    .addHelpText('after', `
Images are shown through presigned URLs valid for 15 minutes; reloading the page makes new ones.
Click an image for a picture sized for your screen (rendered on request when the stack has a
renderer: its function URL, or \`thumbs dev\` on --local; else the largest rendition), a link to
the original, every rendition at its true size and its metadata (left/right
arrows step through images, Escape closes). New and failed images appear without a reload, under
a status line (waiting in the queue, in flight, dead-lettered, done per minute).

Upload: drop images on the page (or choose files). Each goes straight from the browser to the
originals bucket under uploads/ with a presigned POST whose policy S3 enforces (exactly the type the
file declared, one of JPEG, PNG, WebP, GIF, AVIF, TIFF, HEIC; at most the stack's recorded max-bytes,
set by \`thumbs provision --max-bytes\`); then the gallery queues it as \`thumbs upload\` does.
While the gallery runs, the bucket's CORS has one extra rule (ID thumbs-gallery-upload) admitting
exactly this page's origin for POST; it is removed on Ctrl-C. Only on 127.0.0.1/localhost.

GET /api/images returns the same page as JSON (?status=done|failed&q=<part of a key>&cursor=<nextCursor>).

Examples:
  thumbs gallery --local                 the embedded backend (after \`thumbs upload images --local --wait\`)
  thumbs gallery --port 0                any free port; the URL is printed
  thumbs gallery --stack photos          another stack on AWS`)
    .action(async (options: GalleryFlags, command: Command) => {
      const settings = settingsOf(command, runtime);
      await withContext(command, runtime, checkedAgainstRecord(command, async (ctx) => {
        const { startGallery } = await import('../../actions/gallery.js');
        const gallery = await startGallery(ctx, { port: options.port, host: options.host, pageSize: options.pageSize, upload: options.upload });
        printResult(settings.json, { url: gallery.url, stack: gallery.stack, upload: gallery.upload, ...gallery.where, ...(gallery.renderer ? { renderer: gallery.renderer } : {}) }, () =>
          `gallery of stack ${gallery.stack}: ${gallery.url}\n(table ${gallery.where.table}; ${gallery.upload ? 'upload from the page is on; ' : ''}${gallery.renderer ? `details sized by the renderer at ${gallery.renderer}; ` : ''}Ctrl-C to stop)`,
        );
        await untilInterrupted();
        ctx.reporter.info('stopping the gallery');
        await gallery.close();
      }));
    });
}
