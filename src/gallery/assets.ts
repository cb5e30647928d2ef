/*
 * The page's script and style sheet. They live in a TypeScript module as strings because the
 * build is plain `tsc`, which copies no .js/.css files into dist/; this way `thumbs gallery` and
 * `thumbs publish` find them wherever the package is installed. The script builds no markup from
 * data: the detail view is a server-rendered <template> it clones, cards that arrive live come
 * rendered (and escaped) by the server, and an uploading card is built with textContent only.
 */
import { SCRIPT } from './page-script.js';
import { STYLES } from './page-styles.js';

export interface Asset {
  body: string;
  contentType: string;
}

/** Path (relative to the page) to asset; the same table serves the live gallery and goes into a snapshot. */
export const ASSETS: Readonly<Record<string, Asset>> = {
  'assets/gallery.js': { body: SCRIPT, contentType: 'text/javascript; charset=utf-8' },
  'assets/gallery.css': { body: STYLES, contentType: 'text/css; charset=utf-8' },
};
