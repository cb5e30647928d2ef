import { MAX_RENDER_SIDE } from '../../lambda/render-url.js';

/**
 * The width the detail view asks the on-request renderer for: the picture's box in device pixels
 * (CSS pixels × devicePixelRatio), snapped up to a step so that screens of about the same size share
 * one stored rendering (the renderer's cache is keyed by the parameters), at most the renderer's bound.
 */
export const SCREEN_WIDTH_STEP = 160;
/** Browsers report 0.25-5; beyond 4 no eye tells the difference, and the renderer's bound comes first anyway. */
const MAX_RATIO = 4;

export function screenWidth(cssWidth: number, devicePixelRatio: number): number | undefined {
  if (!Number.isFinite(cssWidth) || cssWidth <= 0 || !Number.isFinite(devicePixelRatio) || devicePixelRatio <= 0) return undefined;
  const ratio = Math.min(Math.max(devicePixelRatio, 1), MAX_RATIO);
  const pixels = Math.round(cssWidth * ratio);
  return Math.min(MAX_RENDER_SIDE, Math.max(SCREEN_WIDTH_STEP, Math.ceil(pixels / SCREEN_WIDTH_STEP) * SCREEN_WIDTH_STEP));
}

/**
 * When a gallery's signed URL expires: at least 15 minutes from now (as the page's presigned URLs),
 * rounded up to the hour so that one image at one width has one URL for an hour and the browser's cache holds.
 */
export function renderExpiry(now = Date.now()): number {
  return Math.ceil((now / 1000 + 15 * 60) / 3600) * 3600;
}
