import type { Command } from 'commander';
import type { ItemStatus, ScanResult } from '../../actions/scan-db.js';
import { DEFAULT_SEGMENTS, MAX_SEGMENTS } from '../../config/defaults.js';
import { usageError } from '../../errors.js';
import { itemsToCsv, renderItemsTable } from '../../output/items.js';
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

export function renderScan(result: ScanResult, local: boolean): string {
  if (result.items.length === 0) {
    const what = result.status ? `no ${result.status} items` : 'no items yet';
    return `${what} in table ${result.table}\nhint: process some images with \`thumbs upload ./images --wait${local ? ' --local' : ''}\``;
  }
  const more = result.limited ? ` (stopped at --limit ${result.items.length}; the table may hold more)` : '';
  return `${renderItemsTable(result.items)}\n${result.items.length} items in ${result.table}${more}`;
}

export function registerScanDb(program: Command, runtime: Runtime): void {
  program
    .command('scan-db')
    .description('list the metadata table: one item per original with its status, size, dimensions and renditions')
    .option('--segments <n>', `parallel scan segments (1-${MAX_SEGMENTS})`, positiveInt('--segments', MAX_SEGMENTS), DEFAULT_SEGMENTS)
    .option('--limit <n>', 'stop after this many items (which ones is arbitrary; the output is still sorted)', positiveInt('--limit'))
    .option('--status <status>', 'only items with this status: done or failed', oneOf('--status', ['done', 'failed'] as const))
    .option('--csv', 'print CSV (RFC 4180, header row) for a spreadsheet; renditions as name:WxH:size;...')
    .addHelpText('after', `
Output: a table, newest first; --json prints the items exactly as stored, --csv a spreadsheet.

Examples:
  thumbs scan-db --local                      everything the embedded backend processed
  thumbs scan-db --status failed              what failed, and why
  thumbs scan-db --csv > images.csv           for a spreadsheet
  thumbs scan-db --json --limit 10 | jq '.[].imageKey'`)
    .action(async (options: ScanDbFlags, command: Command) => {
      const settings = settingsOf(command, runtime);
      if (options.csv && settings.json) {
        throw usageError('conflicting-options', '--csv and --json both choose the output format', 'Use one of them.');
      }
      const result = await withContext(command, runtime, async (ctx) => {
        const { scanDb } = await import('../../actions/scan-db.js');
        const scanned = await scanDb(ctx, { segments: options.segments, limit: options.limit, status: options.status });
        // CSV and JSON stay parseable when empty, so the "no items" note goes to stderr.
        if (scanned.items.length === 0 && (options.csv || settings.json)) ctx.reporter.info(`no items in table ${scanned.table}`);
        return scanned;
      });
      if (options.csv) process.stdout.write(itemsToCsv(result.items));
      else printResult(settings.json, result.items, () => renderScan(result, settings.local));
    });
}
