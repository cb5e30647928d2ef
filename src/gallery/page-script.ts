import { LIVE_SCRIPT } from './page-script-live.js';
import { UPLOAD_SCRIPT } from './page-script-upload.js';

/**
 * The gallery page's script, served as assets/gallery.js (see assets.ts for why it is a string): the
 * detail view, navigation and filters here, live updates and uploads in their own modules, all in
 * one function scope.
 */
const DETAIL_SCRIPT = `'use strict';
(function () {
  var dialog = document.getElementById('detail');
  var body = dialog.querySelector('.detail-body');
  var grid = document.querySelector('.grid');
  var current = null;

  function cards() {
    return Array.prototype.filter.call(grid.querySelectorAll('.card'), function (card) {
      return !card.hidden && card.querySelector('template.detail');
    });
  }
  function openDetail(card) {
    var template = card.querySelector('template.detail');
    if (!template || typeof dialog.showModal !== 'function') return false;
    current = card;
    body.replaceChildren(template.content.cloneNode(true));
    // The card carries the one copy of its placeholder; each rendition shows it until it has loaded.
    var placeholder = card.querySelector('.frame > img.ph');
    if (placeholder) body.querySelectorAll('.rendition .frame').forEach(function (frame) { frame.prepend(placeholder.cloneNode(false)); });
    if (!dialog.open) dialog.showModal();
    var screen = body.querySelector('img.screen');
    if (screen && document.body.dataset.renderer === 'on') sizeForScreen(screen, card.dataset.imageKey);
    return true;
  }
  // The server signs a URL of the on-request renderer for the picture's box in device pixels: the
  // dialog's width, or less when the picture's max-height binds first (a landscape photo on a wide
  // screen). The largest rendition stays in place until that image has loaded (or if it never does).
  function sizeForScreen(img, key) {
    var css = body.clientWidth;
    var aspect = Number(img.getAttribute('width')) / Number(img.getAttribute('height'));
    var maxHeight = parseFloat(getComputedStyle(img).maxHeight);
    if (aspect > 0 && maxHeight > 0) css = Math.min(css, Math.round(maxHeight * aspect));
    var ratio = window.devicePixelRatio || 1;
    fetch('api/render-url?key=' + encodeURIComponent(key) + '&viewport=' + css + '&dpr=' + ratio, { headers: { accept: 'application/json' } })
      .then(function (res) { return res.ok ? res.json() : null; })
      .then(function (answer) {
        if (!answer || !img.isConnected) return;
        var next = new Image();
        next.addEventListener('load', function () {
          if (!img.isConnected) return;
          var shown = Math.min(css, next.naturalWidth / ratio);
          img.width = Math.round(shown);
          img.height = Math.round(shown * next.naturalHeight / next.naturalWidth);
          img.src = answer.url;
          img.dataset.renderWidth = String(answer.width);
          var note = img.parentNode.querySelector('.screen-size');
          if (note) { note.textContent = 'rendered on request for this screen: ' + next.naturalWidth + ' px wide (' + ratio + '× pixels)'; note.hidden = false; }
        });
        next.src = answer.url;
      })
      .catch(function () { /* the largest rendition stays */ });
  }
  function step(delta) {
    var list = cards();
    var at = list.indexOf(current);
    var next = list[at + delta];
    if (next) openDetail(next);
  }
  document.addEventListener('click', function (event) {
    var link = event.target.closest && event.target.closest('a.open');
    if (!link || event.button !== 0 || event.metaKey || event.ctrlKey || event.shiftKey || event.altKey) return;
    if (openDetail(link.closest('.card'))) event.preventDefault();
  });
  dialog.querySelector('button.close').addEventListener('click', function () { dialog.close(); });
  dialog.querySelector('button.prev').addEventListener('click', function () { step(-1); });
  dialog.querySelector('button.next').addEventListener('click', function () { step(1); });
  dialog.addEventListener('click', function (event) { if (event.target === dialog) dialog.close(); });
  dialog.addEventListener('close', function () {
    body.replaceChildren();
    var link = current && current.querySelector('a.open');
    if (link) link.focus();
    current = null;
  });
  // Left and right walk through the images, in the dialog and in the grid; Escape closes the dialog (the browser's own).
  document.addEventListener('keydown', function (event) {
    if (event.altKey || event.ctrlKey || event.metaKey) return;
    if (dialog.open) {
      if (event.key === 'ArrowRight') { step(1); event.preventDefault(); }
      if (event.key === 'ArrowLeft') { step(-1); event.preventDefault(); }
      return;
    }
    var link = document.activeElement && document.activeElement.closest && document.activeElement.closest('a.open');
    if (!link) return;
    var list = cards();
    var at = list.indexOf(link.closest('.card'));
    var columns = getComputedStyle(grid).gridTemplateColumns.split(' ').length;
    var delta = { ArrowRight: 1, ArrowLeft: -1, ArrowDown: columns, ArrowUp: -columns }[event.key];
    var target = delta && list[at + delta];
    if (target) { target.querySelector('a.open').focus(); event.preventDefault(); }
  });
  // A presigned URL that stopped working shows up as a broken image: say why once.
  document.addEventListener('error', function (event) {
    if (event.target instanceof HTMLImageElement && !event.target.classList.contains('ph')) document.querySelector('.expired').hidden = false;
  }, true);
  // Once an image has loaded over its placeholder, the placeholder can go.
  document.addEventListener('load', function (event) {
    var img = event.target;
    if (img instanceof HTMLImageElement && !img.classList.contains('ph') && img.parentNode && img.parentNode.classList && img.parentNode.classList.contains('frame')) {
      img.parentNode.classList.add('loaded');
    }
  }, true);
  if (document.body.dataset.mode === 'static') staticFilter();
  var statusLine = document.querySelector('.live-status');
  if (statusLine) live(statusLine);
  var upload = document.querySelector('section.upload');
  if (upload) uploads(upload);

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

  function cardFor(key) {
    return Array.prototype.find.call(grid.querySelectorAll('.card'), function (card) { return card.dataset.imageKey === key; });
  }

`;

export const SCRIPT = `${DETAIL_SCRIPT}${LIVE_SCRIPT}${UPLOAD_SCRIPT}})();
`;
