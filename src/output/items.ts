import { createRequire } from 'node:module';
import type * as CsvSync from 'csv-stringify/sync';
import type { StoredItem, StoredRendition } from '../actions/scan-db.js';
import { formatBytes, renderTable } from './print.js';

/** "4.1KB": formatBytes without the space, so a flattened rendition list stays one token per rendition. */
const compactBytes = (bytes: number | undefined) => (bytes === undefined ? '' : formatBytes(bytes).replace(' ', ''));

const dimensions = (width: number | undefined, height: number | undefined) =>
  width === undefined || height === undefined ? '' : `${width}x${height}`;

/** `128:128x85:4.1KB;512:512x340:38.0KB`: one spreadsheet cell for all renditions. */
export function flattenRenditions(renditions: StoredRendition[] | undefined): string {
  return (renditions ?? [])
    .map((r) => [r.name ?? '', dimensions(r.width, r.height), compactBytes(r.bytes)].join(':'))
    .join(';');
}

/** A table cell is one line: newlines and runs of spaces in keys or errors would break the layout. */
function oneLine(text: string | undefined, max = 60): string {
  const flat = (text ?? '').replace(/\s+/g, ' ').trim();
  return flat.length > max ? `${flat.slice(0, max - 1)}…` : flat;
}

export const ITEM_TABLE_COLUMNS = ['key', 'status', 'size', 'dimensions', 'renditions', 'processedAt', 'error'];

export function renderItemsTable(items: StoredItem[]): string {
  const rows = items.map((item) => [
    oneLine(item.imageKey, 50),
    item.status ?? '',
    compactBytes(item.bytes),
    dimensions(item.width, item.height),
    (item.renditions ?? []).map((r) => r.name ?? '?').join(' '),
    item.processedAt ?? '',
    oneLine(item.error),
  ]);
  return renderTable(ITEM_TABLE_COLUMNS, rows);
}

export const ITEM_CSV_COLUMNS = [
  'key',
  'status',
  'bytes',
  'width',
  'height',
  'format',
  'contentType',
  'renditions',
  'attempts',
  'durationMs',
  'processedAt',
  'error',
] as const;

const cell = (value: unknown) => (value === undefined || value === null ? '' : String(value));

/**
 * RFC 4180: CRLF record ends, and fields holding commas, quotes or line breaks are quoted
 * (csv-stringify quotes only the record delimiter itself, so a bare LF in an error needs quoted_match),
 * a header row even when there are no items, numbers as raw numbers so a spreadsheet can sum them.
 */
const csvRows = (items: StoredItem[]) =>
  items.map((item) => [
    item.imageKey,
    cell(item.status),
    cell(item.bytes),
    cell(item.width),
    cell(item.height),
    cell(item.format),
    cell(item.contentType),
    flattenRenditions(item.renditions),
    cell(item.attempts),
    cell(item.durationMs),
    cell(item.processedAt),
    cell(item.error),
  ]);

// Required when CSV is written, not at the start-up of every command that can print items.
const require = createRequire(import.meta.url);
const toCsv = (rows: string[][]) =>
  (require('csv-stringify/sync') as typeof CsvSync).stringify(rows, { record_delimiter: 'windows', quoted_match: /[\r\n]/ });

export function itemsToCsv(items: StoredItem[]): string {
  return toCsv([[...ITEM_CSV_COLUMNS], ...csvRows(items)]);
}

/** Items are written in batches of this many: few writes, and never more than a batch held as text. */
const BATCH = 500;

async function* batches(items: AsyncIterable<StoredItem>): AsyncGenerator<StoredItem[]> {
  let batch: StoredItem[] = [];
  for await (const item of items) {
    batch.push(item);
    if (batch.length >= BATCH) {
      yield batch;
      batch = [];
    }
  }
  if (batch.length > 0) yield batch;
}

/** Waits for the pipe to drain when it is full, so a slow reader (`| less`) holds the scan back instead of memory. */
async function write(out: NodeJS.WritableStream, text: string): Promise<void> {
  if (!out.write(text)) await new Promise<void>((resolve) => out.once('drain', () => resolve()));
}

/** The CSV above, written page by page as the items arrive; returns how many items it wrote. */
export async function writeItemsCsv(items: AsyncIterable<StoredItem>, out: NodeJS.WritableStream): Promise<number> {
  await write(out, toCsv([[...ITEM_CSV_COLUMNS]]));
  let count = 0;
  for await (const batch of batches(items)) {
    await write(out, toCsv(csvRows(batch)));
    count += batch.length;
  }
  return count;
}

/** One JSON array, written item by item: the same document JSON.stringify(items, null, 2) gives. */
export async function writeItemsJson(items: AsyncIterable<StoredItem>, out: NodeJS.WritableStream): Promise<number> {
  let count = 0;
  for await (const batch of batches(items)) {
    // The batch's own array, without its brackets: the items indented as in one big array.
    const text = JSON.stringify(batch, null, 2).slice(2, -2);
    await write(out, `${count === 0 ? '[\n' : ',\n'}${text}`);
    count += batch.length;
  }
  await write(out, count === 0 ? '[]\n' : '\n]\n');
  return count;
}
