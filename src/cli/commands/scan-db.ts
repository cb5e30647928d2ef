import type { Command } from 'commander';
import type { ItemStatus, ItemStream, StoredItem } from '../../actions/scan-db.js';
import { DEFAULT_SEGMENTS, MAX_SEGMENTS } from '../../config/defaults.js';
import { usageError } from '../../errors.js';
import { renderItemsTable, writeItemsCsv, writeItemsJson } from '../../output/items.js';
import { printResult } from '../../output/print.js';
import type { Runtime } from '../runtime.js';
import { settingsOf, withContext } from '../runtime.js';
import { oneOf, positiveInt } from './parse.js';

interface ScanDbFlags {
  segments: number;
  limit?: number;
  status?: ItemStatus;
  csv?: boolean;
}

/** The terminal table shows at most this many rows; --json and --csv print everything. */
export const TABLE_ROW_CAP = 100;

export interface ScanView {
  table: string;
  status: ItemStatus | undefined;
  limit: number | undefined;
  /** Newest first, at most TABLE_ROW_CAP. */
  shown: StoredItem[];
  /** Items read in all, shown or not. */
  count: number;
}

export function renderScan(view: ScanView, local: boolean): string {
  if (view.count === 0) {
    const what = view.status ? `no ${view.status} items` : 'no items yet';
    return `${what} in table ${view.table}\nhint: process some images with \`thumbs upload ./images --wait${local ? ' --local' : ''}\``;
  }
  const left = view.count - view.shown.length;
  const kind = view.status ? `${view.status} items` : 'items';
  const more = view.limit !== undefined && view.count >= view.limit ? ` (stopped at --limit ${view.limit}; the table may hold more)` : '';
  const summary = left > 0
    ? `the newest ${view.shown.length} of ${view.count} ${kind} in ${view.table}${more}; ${left} more not shown (use --json or --csv for all of them)`
    : `${view.count} ${kind} in ${view.table}${more}`;
  return `${renderItemsTable(view.shown)}\n${summary}`;
}

async function viewOf(stream: ItemStream): Promise<ScanView> {
  const { newestOf } = await import('../../actions/scan-db.js');
  let shown: StoredItem[] = [];
  let count = 0;
  if (stream.order === 'table') {
    ({ newest: shown, seen: count } = await newestOf(stream.items, TABLE_ROW_CAP));
  } else {
    for await (const item of stream.items) {
      if (shown.length < TABLE_ROW_CAP) shown.push(item);
      count += 1;
    }
  }
  return { table: stream.table, status: stream.status, limit: stream.limit, shown, count };
}

export function registerScanDb(program: Command, runtime: Runtime): void {
  program
    .command('scan-db')
    .description('list the metadata table: one item per original with its status, size, dimensions and renditions')
    .option('--segments <n>', `parallel scan segments (1-${MAX_SEGMENTS})`, positiveInt('--segments', MAX_SEGMENTS), DEFAULT_SEGMENTS)
    .option('--limit <n>', 'only the newest n items (read through the time index: about n items, not the table)', positiveInt('--limit'))
    .option('--status <status>', 'only items with this status: done or failed', oneOf('--status', ['done', 'failed'] as const))
    .option('--csv', 'print CSV (RFC 4180, header row) for a spreadsheet; renditions as name:WxH:size;...')
    .addHelpText('after', `
Output: a table of the newest ${TABLE_ROW_CAP} items (and how many more there are); --json prints the
items exactly as stored, --csv a spreadsheet, both streamed as they are read (any table size, little
memory). --limit and --status read the time index, newest first; a plain --json or --csv dump is a
parallel scan, in table order (pipe it through sort, or use --limit for the newest).

Examples:
  thumbs scan-db --local                      the newest items the embedded backend processed
  thumbs scan-db --status failed              what failed, and why
  thumbs scan-db --csv > images.csv           for a spreadsheet
  thumbs scan-db --json --limit 10 | jq '.[].imageKey'   the ten newest`)
    .action(async (options: ScanDbFlags, command: Command) => {
      const settings = settingsOf(command, runtime);
      if (options.csv && settings.json) {
        throw usageError('conflicting-options', '--csv and --json both choose the output format', 'Use one of them.');
      }
      const view = await withContext(command, runtime, async (ctx) => {
        const { openItemStream } = await import('../../actions/scan-db.js');
        const stream = await openItemStream(ctx, { segments: options.segments, limit: options.limit, status: options.status });
        if (!options.csv && !settings.json) return viewOf(stream);
        // Written as the pages arrive, so 100,000 items take the memory of a few pages.
        const count = options.csv ? await writeItemsCsv(stream.items, process.stdout) : await writeItemsJson(stream.items, process.stdout);
        // CSV and JSON stay parseable when empty, so the "no items" note goes to stderr.
        if (count === 0) ctx.reporter.info(`no items in table ${stream.table}`);
        return undefined;
      });
      if (view) printResult(false, undefined, () => renderScan(view, settings.local));
    });
}
