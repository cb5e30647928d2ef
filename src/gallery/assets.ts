/*
 * The page's script and style sheet. They live in a TypeScript module as strings because the
 * build is plain `tsc`, which copies no .js/.css files into dist/; this way `thumbs gallery` and
 * `thumbs publish` find them wherever the package is installed. The script builds no markup from
 * data: the detail view is a server-rendered <template> it clones, and filtering reads attributes.
 */
const SCRIPT = `'use strict';
(function () {
  var dialog = document.getElementById('detail');
  var body = dialog.querySelector('.detail-body');
  document.addEventListener('click', function (event) {
    var link = event.target.closest && event.target.closest('a.open');
    if (!link || event.button !== 0 || event.metaKey || event.ctrlKey || event.shiftKey || event.altKey) return;
    var template = link.closest('.card').querySelector('template.detail');
    if (!template || typeof dialog.showModal !== 'function') return;
    event.preventDefault();
    body.replaceChildren(template.content.cloneNode(true));
    dialog.showModal();
  });
  dialog.querySelector('button.close').addEventListener('click', function () { dialog.close(); });
  dialog.addEventListener('click', function (event) { if (event.target === dialog) dialog.close(); });
  dialog.addEventListener('close', function () { body.replaceChildren(); });
  // A presigned URL that stopped working shows up as a broken image: say why once.
  document.addEventListener('error', function (event) {
    if (event.target instanceof HTMLImageElement) document.querySelector('.expired').hidden = false;
  }, true);
  if (document.body.dataset.mode === 'static') staticFilter();

  // A published snapshot has no server: filter the cards in place, keeping the filter in the URL.
  function staticFilter() {
    var form = document.querySelector('form.filters');
    var params = new URLSearchParams(location.search);
    form.elements.status.value = params.get('status') || '';
    form.elements.q.value = params.get('q') || '';
    form.addEventListener('submit', function (event) {
      event.preventDefault();
      var next = new URLSearchParams();
      if (form.elements.status.value) next.set('status', form.elements.status.value);
      if (form.elements.q.value) next.set('q', form.elements.q.value);
      history.replaceState(null, '', '?' + next.toString());
      apply();
    });
    apply();
    function apply() {
      var status = form.elements.status.value;
      var q = form.elements.q.value.trim().toLowerCase();
      var shown = 0;
      document.querySelectorAll('.card').forEach(function (card) {
        var visible = (!status || card.dataset.status === status) && (!q || card.dataset.key.indexOf(q) !== -1);
        card.hidden = !visible;
        if (visible) shown += 1;
      });
      document.querySelector('.count').textContent = String(shown);
      document.querySelector('.empty').hidden = shown > 0;
    }
  }
})();
`;

const STYLES = `:root { color-scheme: light dark; --fg: #1d1d1f; --muted: #6e6e73; --bg: #fafafa; --card: #fff; --bad: #b3261e; --line: #ddd; }
@media (prefers-color-scheme: dark) { :root { --fg: #eee; --muted: #aaa; --bg: #161616; --card: #222; --bad: #ff8a80; --line: #333; } }
* { box-sizing: border-box; }
body { margin: 0; font: 14px/1.4 system-ui, sans-serif; color: var(--fg); background: var(--bg); }
header, main { padding: 12px 20px; }
h1 { margin: 0 0 4px; font-size: 20px; } h1 small { color: var(--muted); font-weight: normal; }
.summary, .note { color: var(--muted); margin: 0 0 8px; }
.filters { display: flex; gap: 12px; flex-wrap: wrap; align-items: center; }
.grid { list-style: none; margin: 0; padding: 0; display: grid; grid-template-columns: repeat(auto-fill, minmax(240px, 1fr)); gap: 14px; }
.card { background: var(--card); border: 1px solid var(--line); border-radius: 8px; overflow: hidden; }
.card[hidden] { display: none; }
.card a.open { display: flex; align-items: center; justify-content: center; height: 200px; background: #0001; }
.thumb { max-width: 100%; max-height: 200px; width: auto; height: auto; object-fit: contain; }
.placeholder { color: var(--bad); font-weight: 600; text-transform: uppercase; text-decoration: none; }
.card a.open:has(.placeholder) { text-decoration: none; }
.meta { padding: 8px 10px; } .meta p { margin: 2px 0; }
.key { font-weight: 600; overflow-wrap: anywhere; }
.sizes { color: var(--muted); font-size: 12px; }
.status-failed .status, .error { color: var(--bad); }
.error { overflow-wrap: anywhere; }
.pager { display: flex; gap: 16px; margin: 16px 0; }
.expired { background: #fff3cd; color: #5c4400; padding: 8px; border-radius: 6px; }
dialog { max-width: min(1100px, 95vw); max-height: 92vh; border: 0; border-radius: 10px; padding: 16px; background: var(--card); color: var(--fg); }
dialog::backdrop { background: #000a; }
dialog .close { float: right; }
.detail-key { font-size: 16px; overflow-wrap: anywhere; margin: 0 70px 10px 0; }
.original { max-width: 100%; max-height: 60vh; display: block; margin: 0 auto; }
.renditions { list-style: none; padding: 0; display: flex; gap: 12px; flex-wrap: wrap; align-items: flex-end; }
.renditions li { display: flex; flex-direction: column; gap: 4px; font-size: 12px; color: var(--muted); }
.rendition { max-width: 160px; max-height: 120px; }
.facts { display: grid; grid-template-columns: max-content 1fr; gap: 2px 12px; }
.facts dt { color: var(--muted); } .facts dd { margin: 0; overflow-wrap: anywhere; }
`;

export interface Asset {
  body: string;
  contentType: string;
}

/** Path (relative to the page) to asset; the same table serves the live gallery and goes into a snapshot. */
export const ASSETS: Readonly<Record<string, Asset>> = {
  'assets/gallery.js': { body: SCRIPT, contentType: 'text/javascript; charset=utf-8' },
  'assets/gallery.css': { body: STYLES, contentType: 'text/css; charset=utf-8' },
};
