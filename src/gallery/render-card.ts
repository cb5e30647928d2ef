import { formatBytes } from '../output/print.js';
import type { GalleryImage, GalleryRendition } from './load-images.js';
import { escapeHtml, safeUrl } from './escape.js';

/** The grid shows cards about this wide (see gallery.css); srcset lets the browser pick a rendition. */
const CARD_SIZES = '(max-width: 560px) 45vw, 240px';
/** Images above the fold load at once; the rest lazily (a snapshot may hold thousands). */
const EAGER_CARDS = 24;

const size = (bytes: number | undefined) => (bytes === undefined ? '' : formatBytes(bytes));
const dims = (w: number | undefined, h: number | undefined) => (w === undefined || h === undefined ? '' : `${w}×${h}`);
const joinParts = (...parts: string[]) => parts.filter((p) => p !== '').join(' · ');

/** The smallest rendition at least this wide, else the largest: what the card's src falls back to. */
function previewOf(renditions: GalleryRendition[], minWidth = 256): GalleryRendition | undefined {
  return renditions.find((r) => (r.width ?? 0) >= minWidth) ?? renditions.at(-1);
}

function renditionLabel(r: GalleryRendition): string {
  return joinParts(r.name, dims(r.width, r.height), r.format ?? '', size(r.bytes));
}

function renderThumb(image: GalleryImage, index: number): string {
  const preview = previewOf(image.renditions);
  if (!preview) {
    const label = image.status === 'failed' ? 'failed' : 'no rendition';
    return `<span class="placeholder">${escapeHtml(label)}</span>`;
  }
  const srcset = image.renditions
    .filter((r) => r.width)
    .map((r) => `${escapeHtml(safeUrl(r.url))} ${r.width}w`)
    .join(', ');
  const box = preview.width && preview.height ? ` width="${preview.width}" height="${preview.height}"` : '';
  return `<img class="thumb" src="${escapeHtml(safeUrl(preview.url))}"${srcset ? ` srcset="${srcset}" sizes="${CARD_SIZES}"` : ''}`
    + `${box} alt="${escapeHtml(image.key)}"${index >= EAGER_CARDS ? ' loading="lazy"' : ''} decoding="async">`;
}

function metadataRows(image: GalleryImage): Array<[string, string]> {
  const rows: Array<[string, string | undefined]> = [
    ['status', image.status],
    ['dimensions', dims(image.width, image.height)],
    ['size', size(image.bytes)],
    ['format', image.format],
    ['content type', image.contentType],
    ['processed', image.processedAt],
    ['duration', image.durationMs === undefined ? undefined : `${image.durationMs} ms`],
    ['attempts', image.attempts === undefined ? undefined : String(image.attempts)],
    ['error', image.error],
  ];
  return rows.filter((row): row is [string, string] => row[1] !== undefined && row[1] !== '');
}

/** Inert until the client script clones it into the dialog: nothing in it loads before a click. */
function renderDetail(image: GalleryImage): string {
  const original = escapeHtml(safeUrl(image.originalUrl));
  const key = escapeHtml(image.key);
  const picture = image.status === 'failed'
    ? `<p class="error">${escapeHtml(image.error ?? 'processing failed')}</p>`
    : `<a href="${original}" target="_blank" rel="noopener noreferrer"><img class="original" src="${original}" alt="original of ${key}"></a>`;
  const renditions = image.renditions
    .map((r) => `<li><a href="${escapeHtml(safeUrl(r.url))}" target="_blank" rel="noopener noreferrer">`
      + `<img class="rendition" src="${escapeHtml(safeUrl(r.url))}" alt="${escapeHtml(`${r.name} of ${image.key}`)}"></a>`
      + `<span>${escapeHtml(renditionLabel(r))}</span></li>`)
    .join('');
  const facts = metadataRows(image).map(([k, v]) => `<dt>${escapeHtml(k)}</dt><dd>${escapeHtml(v)}</dd>`).join('');
  return `<template class="detail"><h2 class="detail-key">${key}</h2>${picture}`
    + `<p><a class="original-link" href="${original}" target="_blank" rel="noopener noreferrer">open the original</a></p>`
    + (renditions ? `<ul class="renditions">${renditions}</ul>` : '')
    + `<dl class="facts">${facts}</dl></template>`;
}

/** One grid cell; data-status and data-key let the static snapshot filter without a server. */
export function renderCard(image: GalleryImage, index: number): string {
  const status = escapeHtml(image.status);
  const line = joinParts(dims(image.width, image.height), size(image.bytes));
  const renditions = image.renditions.map((r) => joinParts(r.name, size(r.bytes))).join(', ');
  return `<li class="card status-${status}" data-status="${status}" data-key="${escapeHtml(image.key.toLowerCase())}">`
    + `<a class="open" href="${escapeHtml(safeUrl(image.originalUrl))}" target="_blank" rel="noopener noreferrer">${renderThumb(image, index)}</a>`
    + `<div class="meta"><p class="key" title="${escapeHtml(image.key)}">${escapeHtml(image.key)}</p>`
    + `<p>${escapeHtml(line)}${line ? ' · ' : ''}<span class="status">${status}</span></p>`
    + (renditions ? `<p class="sizes">${escapeHtml(renditions)}</p>` : '')
    + (image.error ? `<p class="error">${escapeHtml(image.error)}</p>` : '')
    + `</div>${renderDetail(image)}</li>`;
}
