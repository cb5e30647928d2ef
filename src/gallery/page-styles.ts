/** The gallery page's style sheet, served as assets/gallery.css (see assets.ts for why it is a string). */
export const STYLES = `:root { color-scheme: light dark; --fg: #1d1d1f; --muted: #6e6e73; --bg: #fafafa; --card: #fff; --bad: #b3261e; --busy: #7a5b00; --ok: #1e6b34; --line: #ddd; --accent: #0b57d0; }
@media (prefers-color-scheme: dark) { :root { --fg: #eee; --muted: #aaa; --bg: #161616; --card: #222; --bad: #ff8a80; --busy: #ffd54f; --ok: #81c995; --line: #333; --accent: #8ab4f8; } }
* { box-sizing: border-box; }
body { margin: 0; font: 14px/1.4 system-ui, sans-serif; color: var(--fg); background: var(--bg); }
header, main { padding: 12px 20px; }
@media (max-width: 600px) { header, main { padding: 10px 12px; } }
h1 { margin: 0 0 4px; font-size: 20px; } h1 small { color: var(--muted); font-weight: normal; }
h2 { font-size: 15px; margin: 0 0 6px; } h3 { font-size: 14px; margin: 16px 0 6px; }
.summary, .note, .live-status { color: var(--muted); margin: 0 0 8px; }
.filters { display: flex; gap: 12px; flex-wrap: wrap; align-items: center; }
:focus-visible { outline: 3px solid var(--accent); outline-offset: 2px; }
.upload { margin: 0 0 16px; }
.drop { display: flex; flex-direction: column; gap: 8px; align-items: center; justify-content: center; padding: 18px; border: 2px dashed var(--line); border-radius: 10px; text-align: center; cursor: pointer; }
.drop.over { border-color: var(--accent); background: #0b57d010; }
.drop input { max-width: 100%; }
.grid { list-style: none; margin: 0; padding: 0; display: grid; grid-template-columns: repeat(auto-fill, minmax(260px, 1fr)); gap: 14px; align-items: start; }
@media (max-width: 600px) { .grid { grid-template-columns: minmax(0, 1fr); } }
.card { background: var(--card); border: 1px solid var(--line); border-left-width: 5px; border-radius: 8px; overflow: hidden; }
.card[hidden] { display: none; }
.status-done { border-left-color: var(--ok); }
.status-failed, .status-refused { border-left-color: var(--bad); }
.status-uploading, .status-processing { border-left-color: var(--busy); border-style: dashed solid dashed dashed; }
.card a.open { display: block; background: #0001; text-decoration: none; }
.frame { position: relative; display: block; }
.frame img { display: block; width: 100%; height: auto; }
.frame .ph { position: absolute; inset: 0; height: 100%; }
.frame > img:not(.ph) { position: relative; }
.frame.loaded .ph { visibility: hidden; }
.card .thumb { max-height: 520px; object-fit: contain; }
.no-thumb { display: flex; align-items: center; justify-content: center; min-height: 120px; padding: 12px; color: var(--bad); font-weight: 600; text-transform: uppercase; }
.status-uploading .no-thumb, .status-processing .no-thumb { color: var(--busy); }
.no-thumb { flex-direction: column; gap: 8px; }
.no-thumb progress { width: 80%; }
.meta { padding: 8px 10px; } .meta p { margin: 2px 0; }
.key { font-weight: 600; overflow-wrap: anywhere; }
.sizes { color: var(--muted); font-size: 12px; }
.badge { display: inline-block; padding: 0 6px; border-radius: 9px; font-size: 12px; font-weight: 600; border: 1px solid currentColor; }
.status-done .badge { color: var(--ok); }
.status-failed .badge, .status-refused .badge, .error { color: var(--bad); }
.status-uploading .badge, .status-processing .badge { color: var(--busy); }
.status-processing .badge::before { content: '⏳ '; }
.status-failed .badge::before, .status-refused .badge::before { content: '✕ '; }
.status-done .badge::before { content: '✓ '; }
.error { overflow-wrap: anywhere; }
.pager { display: flex; gap: 16px; margin: 16px 0; flex-wrap: wrap; }
.pager a { padding: 6px 10px; border: 1px solid var(--line); border-radius: 6px; }
.expired { background: #fff3cd; color: #5c4400; padding: 8px; border-radius: 6px; }
dialog { width: min(1100px, 96vw); max-width: 96vw; max-height: 94vh; border: 0; border-radius: 10px; padding: 12px 16px 16px; background: var(--card); color: var(--fg); }
dialog::backdrop { background: #000a; }
.detail-nav { display: flex; gap: 8px; justify-content: flex-end; position: sticky; top: 0; z-index: 1; }
.detail-nav button { min-width: 44px; min-height: 36px; }
.detail-key { font-size: 16px; overflow-wrap: anywhere; margin: 4px 0 10px; }
.original, .screen { max-width: 100%; max-height: 60vh; height: auto; display: block; margin: 0 auto; object-fit: contain; }
.screen-size { text-align: center; font-size: 12px; color: var(--muted); }
.renditions { display: flex; flex-direction: column; gap: 16px; }
.rendition { margin: 0; }
.true-size { overflow: auto; max-width: 100%; max-height: 80vh; border: 1px solid var(--line); background: repeating-conic-gradient(#8881 0 25%, transparent 0 50%) 0 0 / 16px 16px; }
.true-size .frame { display: inline-block; }
.true-size .frame img { width: auto; max-width: none; }
.true-size .frame .ph { width: 100%; }
.rendition figcaption { font-size: 12px; color: var(--muted); margin-top: 4px; }
.facts { display: grid; grid-template-columns: max-content 1fr; gap: 2px 12px; }
.facts dt { color: var(--muted); } .facts dd { margin: 0; overflow-wrap: anywhere; }
`;
