import { formatBytes } from '../output/print.js';
import type { GalleryImage, GalleryRendition } from './load-images.js';
import { escapeHtml, safeUrl } from './escape.js';
import { placeholderUrl } from './placeholder.js';

/** One column on a phone, else cards about 260 px wide (see gallery.css); srcset lets the browser pick. */
const CARD_SIZES = '(max-width: 600px) 100vw, 300px';
/** Images above the fold load at once; the rest lazily (a snapshot may hold thousands). */
const EAGER_CARDS = 24;

const size = (bytes: number | undefined) => (bytes === undefined ? '' : formatBytes(bytes));
const dims = (w: number | undefined, h: number | undefined) => (w === undefined || h === undefined ? '' : `${w}×${h}`);
const joinParts = (...parts: string[]) => parts.filter((p) => p !== '').join(' · ');

/** What each status is called on a card, for eyes and screen readers alike. */
const STATUS_LABELS: Record<string, string> = { done: 'done', failed: 'failed', processing: 'processing', uploading: 'uploading' };

/** The smallest rendition at least this wide, else the largest: what the card's src falls back to. */
function previewOf(renditions: GalleryRendition[], minWidth = 256): GalleryRendition | undefined {
  return renditions.find((r) => (r.width ?? 0) >= minWidth) ?? renditions.at(-1);
}

function renditionLabel(r: GalleryRendition): string {
  return joinParts(`${r.name} px box`, dims(r.width, r.height), r.format ?? '', size(r.bytes));
}

/** The ThumbHash, drawn under the image at the image's size: it shows until the image has loaded over it. */
function placeholderImg(image: GalleryImage, width?: number, height?: number): string {
  const url = placeholderUrl(image.thumbhash);
  if (!url) return '';
  const box = width && height ? ` width="${width}" height="${height}"` : '';
  return `<img class="ph" src="${escapeHtml(url)}"${box} alt="" aria-hidden="true">`;
}

function renderThumb(image: GalleryImage, index: number): string {
  const preview = previewOf(image.renditions);
  if (!preview) {
    const label = image.status === 'failed' ? 'failed' : 'no rendition';
    return `<span class="no-thumb">${escapeHtml(label)}</span>`;
  }
  const srcset = image.renditions
    .filter((r) => r.width)
    .map((r) => `${escapeHtml(safeUrl(r.url))} ${r.width}w`)
    .join(', ');
  const box = preview.width && preview.height ? ` width="${preview.width}" height="${preview.height}"` : '';
  return `<span class="frame">${placeholderImg(image, preview.width, preview.height)}`
    + `<img class="thumb" src="${escapeHtml(safeUrl(preview.url))}"${srcset ? ` srcset="${srcset}" sizes="${CARD_SIZES}"` : ''}`
    + `${box} alt="${escapeHtml(image.key)}"${index >= EAGER_CARDS ? ' loading="lazy"' : ''} decoding="async"></span>`;
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

/**
 * Each rendition at its true pixel size, in a box that scrolls when it is wider than the screen. Its
 * placeholder is the card's own, copied in by the page script when the detail opens: one data URL per card.
 */
function renderRendition(image: GalleryImage, r: GalleryRendition): string {
  const url = escapeHtml(safeUrl(r.url));
  const label = renditionLabel(r);
  const box = r.width && r.height ? ` width="${r.width}" height="${r.height}"` : '';
  return `<figure class="rendition"><div class="true-size" tabindex="0" role="group" aria-label="${escapeHtml(`${r.name} rendition at true size`)}">`
    + `<span class="frame"><img class="rendition-img" src="${url}"${box} alt="${escapeHtml(`${r.name} px rendition of ${image.key}`)}"></span></div>`
    + `<figcaption><a href="${url}" target="_blank" rel="noopener noreferrer">${escapeHtml(label)}</a></figcaption></figure>`;
}

/**
 * The detail's picture: the largest rendition, which the page script replaces with one rendered on
 * request for the dialog's width in device pixels when the gallery has a renderer; the original
 * only while there is no rendition yet.
 */
function renderPicture(image: GalleryImage, original: string, key: string): string {
  if (image.status === 'failed') return `<p class="error">${escapeHtml(image.error ?? 'processing failed')}</p>`;
  const largest = image.renditions.reduce<GalleryRendition | undefined>((best, r) => ((r.width ?? 0) > (best?.width ?? -1) ? r : best), undefined);
  if (!largest) return `<a href="${original}" target="_blank" rel="noopener noreferrer"><img class="original" src="${original}" alt="original of ${key}"></a>`;
  const box = largest.width && largest.height ? ` width="${largest.width}" height="${largest.height}"` : '';
  return `<img class="screen" src="${escapeHtml(safeUrl(largest.url))}"${box} alt="${key}"><p class="screen-size" hidden></p>`;
}

/** Inert until the client script clones it into the dialog: nothing in it loads before a click. */
function renderDetail(image: GalleryImage): string {
  const original = escapeHtml(safeUrl(image.originalUrl));
  const key = escapeHtml(image.key);
  const picture = renderPicture(image, original, key);
  const renditions = image.renditions.map((r) => renderRendition(image, r)).join('');
  const facts = metadataRows(image).map(([k, v]) => `<dt>${escapeHtml(k)}</dt><dd>${escapeHtml(v)}</dd>`).join('');
  return `<template class="detail"><h2 class="detail-key">${key}</h2>${picture}`
    + `<p><a class="original-link" href="${original}" target="_blank" rel="noopener noreferrer">open the original</a></p>`
    + `<dl class="facts">${facts}</dl>`
    + (renditions ? `<h3>Renditions at true size</h3><div class="renditions">${renditions}</div>` : '')
    + '</template>';
}

/**
 * One grid cell. data-status and data-key let the static snapshot filter without a server;
 * data-image-key (the exact key) lets the live page replace a card when its item changes.
 */
export function renderCard(image: GalleryImage, index: number): string {
  const status = escapeHtml(image.status);
  const statusLabel = escapeHtml(STATUS_LABELS[image.status] ?? image.status);
  const line = joinParts(dims(image.width, image.height), size(image.bytes));
  const renditions = image.renditions.map((r) => joinParts(r.name, size(r.bytes))).join(', ');
  const label = escapeHtml(`${image.key}, ${STATUS_LABELS[image.status] ?? image.status}${line ? `, ${line}` : ''}: open details`);
  return `<li class="card status-${status}" data-status="${status}" data-key="${escapeHtml(image.key.toLowerCase())}" data-image-key="${escapeHtml(image.key)}">`
    + `<a class="open" href="${escapeHtml(safeUrl(image.originalUrl))}" target="_blank" rel="noopener noreferrer" aria-label="${label}">${renderThumb(image, index)}</a>`
    + `<div class="meta"><p class="key" title="${escapeHtml(image.key)}">${escapeHtml(image.key)}</p>`
    + `<p>${escapeHtml(line)}${line ? ' · ' : ''}<span class="status badge">${statusLabel}</span></p>`
    + (renditions ? `<p class="sizes">${escapeHtml(renditions)}</p>` : '')
    + (image.error ? `<p class="error">${escapeHtml(image.error)}</p>` : '')
    + `</div>${renderDetail(image)}</li>`;
}
