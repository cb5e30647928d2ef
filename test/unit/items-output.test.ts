import { describe, expect, it } from 'vitest';
import { flattenRenditions, itemsToCsv, renderItemsTable } from '../../src/output/items.js';

describe('item output', () => {
  it('flattens renditions to name:WxH:size, one cell', () => {
    expect(
      flattenRenditions([
        { name: '128', width: 128, height: 85, bytes: 4200 },
        { name: '512', width: 512, height: 340, bytes: 38_912 },
      ]),
    ).toBe('128:128x85:4.1KB;512:512x340:38.0KB');
    expect(flattenRenditions(undefined)).toBe('');
  });

  it('quotes commas, quotes and line breaks as RFC 4180 says, with CRLF record ends', () => {
    const csv = itemsToCsv([{ imageKey: 'a, "b"', status: 'failed', error: 'x\ny' }]);
    const [header, row] = csv.split('\r\n');
    expect(header).toBe('key,status,bytes,width,height,format,contentType,renditions,attempts,durationMs,processedAt,error');
    expect(row).toBe('"a, ""b""",failed,,,,,,,,,,"x\ny"');
    expect(csv.endsWith('\r\n')).toBe(true);
  });

  it('keeps each table row on one line', () => {
    const table = renderItemsTable([{ imageKey: 'k', status: 'failed', error: 'bad\nheader' }]);
    const row = table.split('\n').find((line) => line.includes('failed'));
    expect(row).toContain('bad header');
  });
});

describe('renderScan (the terminal table)', () => {
  it('shows at most TABLE_ROW_CAP rows and says how many were left out', async () => {
    const { renderScan, TABLE_ROW_CAP } = await import('../../src/cli/commands/scan-db.js');
    const shown = Array.from({ length: TABLE_ROW_CAP }, (_, i) => ({ imageKey: `k${i}`, status: 'done' }));
    const text = renderScan({ table: 'tbl', status: undefined, limit: undefined, shown, count: 20_000 }, false);
    expect(text.split('\n').filter((line) => / k\d+ /.test(line))).toHaveLength(TABLE_ROW_CAP);
    expect(text).toContain(`the newest ${TABLE_ROW_CAP} of 20000 items in tbl; ${20_000 - TABLE_ROW_CAP} more not shown`);
    expect(renderScan({ table: 'tbl', status: 'failed', limit: 5, shown: shown.slice(0, 5), count: 5 }, true)).toContain('5 failed items in tbl (stopped at --limit 5');
  });
});
