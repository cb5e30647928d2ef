import { createRequire } from 'node:module';
import type CliTable from 'cli-table3';

// Required when a table is drawn, not at start-up: `--help` and `--json` runs never draw one.
const require = createRequire(import.meta.url);

/** Results go to stdout: one JSON document with --json, text otherwise. */
export function printResult(json: boolean, value: unknown, human: () => string): void {
  process.stdout.write(json ? `${JSON.stringify(value, null, 2)}\n` : ensureNewline(human()));
}

function ensureNewline(text: string): string {
  return text === '' || text.endsWith('\n') ? text : `${text}\n`;
}

/** A plain table without colour codes, readable in a terminal and in a CI log. */
export function renderTable(head: string[], rows: Array<Array<string | number>>): string {
  const Table = require('cli-table3') as typeof CliTable;
  const table = new Table({ head, style: { head: [], border: [], compact: true } });
  table.push(...rows.map((row) => row.map(String)));
  return table.toString();
}

export function formatBytes(bytes: number): string {
  const units = ['B', 'KB', 'MB', 'GB', 'TB'];
  let value = bytes;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit += 1;
  }
  return `${unit === 0 ? value : value.toFixed(1)} ${units[unit]}`;
}
