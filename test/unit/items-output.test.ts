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
