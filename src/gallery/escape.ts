const ENTITIES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

/**
 * Escapes text for an HTML text node or a double- or single-quoted attribute value. Keys and
 * error messages are user-controlled (a key may be `"><img src=x onerror=alert(1)>.jpg`), so every
 * one of them goes through here; the renderer never builds markup from data any other way.
 */
export function escapeHtml(text: unknown): string {
  return String(text ?? '').replace(/[&<>"']/g, (c) => ENTITIES[c] ?? c);
}

/** Only http(s) URLs reach an href or src; anything else (javascript:, data:) becomes a harmless "#". */
export function safeUrl(url: string): string {
  try {
    const { protocol } = new URL(url);
    return protocol === 'https:' || protocol === 'http:' ? url : '#';
  } catch {
    return '#';
  }
}
