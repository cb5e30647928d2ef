import type { CostResult } from '../actions/cost.js';
import type { EstimateResult } from '../actions/estimate.js';
import type { ProvisionCost } from '../actions/provision-cost.js';
import type { MemoryOption } from '../cost/compare.js';
import type { CostParts } from '../cost/per-image.js';
import { renderTable } from './print.js';

/** Dollars with three significant digits, however small: $0.0000412, $1.23, $1,234. */
export function money(usd: number): string {
  if (usd === 0) return '$0';
  if (usd >= 1000) return `$${Math.round(usd).toLocaleString('en-US')}`;
  const digits = Math.max(2, 2 - Math.floor(Math.log10(Math.abs(usd))));
  return `$${usd.toFixed(Math.min(digits, 10))}`;
}

export const count = (n: number) => n.toLocaleString('en-US');

const PART_NAMES: Array<[keyof CostParts, string]> = [
  ['lambda', 'Lambda'],
  ['s3', 'S3 requests'],
  ['sqs', 'SQS'],
  ['dynamodb', 'DynamoDB'],
  ['logs', 'CloudWatch Logs'],
  ['total', 'total'],
];

/** Cost by service, per 1,000 photos (per photo, the figures are too small to read). */
export function renderParts(parts: CostParts, images: number): string {
  return renderTable(['service', 'per 1,000 photos', `for ${count(images)}`], PART_NAMES.map(([key, name]) => [name, money(parts[key] * 1000), money(parts[key] * images)]));
}

export function renderMemoryComparison(options: readonly MemoryOption[]): string {
  return renderTable(['memory', 'ms per photo', 'per 1,000 photos', ''], options.map((o) => [
    `${o.memoryMb} MB`,
    o.msPerImage.toFixed(1),
    money(o.perImage * 1000),
    [o.cheapest ? 'cheapest' : '', o.fastest ? 'fastest' : ''].filter(Boolean).join(', '),
  ]));
}

export function renderEstimate(result: EstimateResult): string {
  const m = result.measured;
  const lines = [
    `rendered ${result.sample} of the ${count(m.folderImages)} photos in ${m.folder} with the function's transform (${m.renditions}, quality ${m.quality})`,
    `on ${m.machine}: ${m.cpuMsPerImage.toFixed(0)} ms CPU and ${(m.outputBytesPerImage / 1024).toFixed(0)} KB of thumbnails per photo`,
    '',
    ...(result.memoryComparison ? [renderMemoryComparison(result.memoryComparison), ''] : []),
    `${result.memoryMb} MB ${result.arch} in ${result.region}: ${result.msPerImage.toFixed(1)} ms billed per photo`,
    renderParts(result.perImage, result.forImages.images),
    `for ${count(result.forImages.images)} photos: ${money(result.forImages.total)} (${money(result.range.forImages.low)} to ${money(result.range.forImages.high)} if every photo were like the sample's lightest or heaviest tenth)`,
    `storage: ${result.forImages.storageGbMonth.toFixed(3)} GB of originals and thumbnails, ${money(result.forImages.storagePerMonth)} a month while kept`,
    '',
    'assumptions:',
    ...result.assumptions.map((a) => `  - ${a}`),
  ];
  return lines.join('\n');
}

export function renderProvisionCost(cost: ProvisionCost): string {
  const lines: string[] = [];
  if (cost.memoryNote) lines.push(`note: ${cost.memoryNote}`);
  if (cost.warning) lines.push(`note: ${cost.warning}`);
  const m = cost.monthly;
  if (m) {
    lines.push(
      `${m.images.toLocaleString('en-US')} photos a month at ${m.memoryMb} MB ${m.arch} in ${m.region}: ${money(m.perMonth)} a month to process ` +
        `(Lambda ${money(m.perImage.lambda * m.images)}, S3 ${money(m.perImage.s3 * m.images)}, SQS ${money(m.perImage.sqs * m.images)}, DynamoDB ${money(m.perImage.dynamodb * m.images)}, logs ${money(m.perImage.logs * m.images)}), ` +
        `and each month's photos add ${m.storageGbAddedPerMonth.toFixed(1)} GB, ${money(m.storageCostAddedPerMonth)} a month while kept; measured on ${m.basis}`,
    );
  }
  return lines.join('\n');
}

export function renderCost(result: CostResult): string {
  const what = `${count(result.images)} photo${result.images === 1 ? '' : 's'}${result.since ? ` processed since ${result.since}` : ''} in stack ${result.stack} (${result.region}, ${result.memoryMb} MB ${result.arch})`;
  if (result.images === 0) return `no ${what.replace(/^0 photos /, 'photos ')}\nhint: process some with \`thumbs upload <folder> --wait\``;
  const e = result.estimate;
  return [
    `${what}${result.failed > 0 ? `, ${count(result.failed)} failed` : ''}`,
    `function time: ${result.msPerImage.toFixed(1)} ms per photo, from ${result.timeNote}`,
    renderParts(result.perImage, result.images),
    `stored: ${result.storageGb.toFixed(3)} GB, ${money(result.storagePerMonth)} a month while kept`,
    e
      ? `the estimate (${e.folder}, ${e.at.slice(0, 10)}) said ${e.msPerImage.toFixed(1)} ms and ${money(e.perImage * 1000)} per 1,000 photos: ${money(e.total)} for these, against ${money(result.total.total)} measured`
      : 'no estimate to compare with: `thumbs estimate <folder>` makes one',
  ].join('\n');
}
