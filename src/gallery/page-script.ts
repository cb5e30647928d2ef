/** The gallery page's script, served as assets/gallery.js (see assets.ts for why it is a string). */
export const SCRIPT = `'use strict';
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

  // Live updates: poll the server for items recorded since the newest one shown.
  var poll = null;
  function live(line) {
    var since = line.dataset.since || '';
    var timer = null;
    var acceptNew = document.body.dataset.newCards === 'yes';
    function schedule(ms) { clearTimeout(timer); timer = setTimeout(tick, ms); }
    function tick() {
      var batches = Object.keys(watched).map(function (id) { return '&batch=' + encodeURIComponent(id); }).join('');
      fetch('api/updates?since=' + encodeURIComponent(since) + batches, { headers: { accept: 'application/json' } })
        .then(function (res) { if (!res.ok) throw new Error('HTTP ' + res.status); return res.json(); })
        .then(function (update) {
          since = update.cursor;
          line.textContent = describe(update.status) + (update.overflow ? ' · more images arrived than one update carries: reload to see them all' : '');
          (update.batches || []).forEach(showBatch);
          update.cards.slice().reverse().forEach(function (entry) {
            var existing = cardFor(entry.key);
            if (!existing && !acceptNew) return;
            var template = document.createElement('template');
            template.innerHTML = entry.html;
            var card = template.content.firstElementChild;
            // A card the page made for an upload is not counted yet; one the server rendered is.
            if (!existing || !existing.querySelector('template.detail')) countOne();
            if (existing) existing.replaceWith(card); else grid.prepend(card);
            document.querySelector('.empty').hidden = true;
          });
          schedule(document.hidden ? 10000 : 2000);
        })
        .catch(function (error) {
          line.textContent = 'Live updates paused: ' + error.message + '; retrying.';
          schedule(5000);
        });
    }
    poll = function () { schedule(0); };
    schedule(0);
  }
  // A drop's batch, shown in its line until the function has counted every image of it.
  var watched = {};
  function showBatch(summary) {
    var line = watched[summary.id];
    if (!line) return;
    var counts = summary.done + ' done, ' + summary.failed + ' failed' + (summary.deadLettered ? ', ' + summary.deadLettered + ' dead-lettered' : '');
    var size = summary.expected === null ? '' : summary.expected + (summary.expected === 1 ? ' image' : ' images') + ': ';
    line.textContent = 'Upload batch ' + summary.id + ': ' + size + counts
      + (summary.complete ? ', complete in ' + summary.durationSeconds.toFixed(1) + ' s.' : ', processing…')
      + ' Details: thumbs batches ' + summary.id;
    line.dataset.complete = summary.complete ? 'yes' : 'no';
    if (summary.complete) delete watched[summary.id];
  }
  function countOne() {
    var count = document.querySelector('.count');
    if (/^\\d+$/.test(count.textContent)) count.textContent = String(Number(count.textContent) + 1);
  }
  function describe(status) {
    var parts = [];
    if (status.waiting !== undefined) parts.push(status.waiting + ' waiting in the queue', status.inFlight + ' in flight');
    if (status.deadLettered !== undefined) parts.push(status.deadLettered + ' dead-lettered');
    parts.push((status.doneCapped ? 'at least ' : '') + status.donePerMinute + ' done in the last minute');
    return parts.join(' · ');
  }

  // Upload: ask the server for one presigned POST per file, post each straight to S3, then have
  // the server queue it. The card shows uploading (with progress), processing, then the result.
  function uploads(section) {
    var input = section.querySelector('input[type=file]');
    var drop = section.querySelector('.drop');
    input.addEventListener('change', function () { start(input.files); input.value = ''; });
    drop.addEventListener('dragover', function (event) { event.preventDefault(); drop.classList.add('over'); });
    drop.addEventListener('dragleave', function () { drop.classList.remove('over'); });
    drop.addEventListener('drop', function (event) {
      event.preventDefault();
      drop.classList.remove('over');
      start(event.dataTransfer.files);
    });
  }
  // One drop is one batch: the server opens it, every form files its upload under it, and once
  // each file has ended (announced, refused or failed) the server seals it with what was announced.
  function start(fileList) {
    var files = Array.prototype.slice.call(fileList || []);
    if (files.length === 0) return;
    var drop = { batch: null, left: files.length, line: document.createElement('p') };
    drop.line.className = 'batch-status';
    drop.line.setAttribute('role', 'status');
    drop.line.textContent = 'Uploading ' + files.length + (files.length === 1 ? ' file…' : ' files…');
    document.querySelector('section.upload').append(drop.line);
    drop.ended = function () { drop.left -= 1; if (drop.left === 0) seal(drop); };
    postJson('api/uploads/batch', {})
      .then(function (answer) { drop.batch = answer.batch; drop.line.dataset.batch = answer.batch; })
      // Without a batch the files still upload; only their receipt is missing.
      .catch(function (error) { drop.line.textContent = 'Uploading without a batch receipt: ' + error.message; })
      .then(function () {
        // The server signs at most 100 forms per request; larger drops ask in parts.
        for (var i = 0; i < files.length; i += 50) requestForms(files.slice(i, i + 50), drop);
      });
  }
  function seal(drop) {
    if (!drop.batch) return;
    postJson('api/uploads/seal', { batch: drop.batch })
      .then(function (sealed) {
        if (sealed.expected === 0) { drop.line.textContent = 'Nothing of this drop was uploaded.'; return; }
        drop.line.textContent = 'Upload batch ' + sealed.batch + ': ' + sealed.expected + (sealed.expected === 1 ? ' image' : ' images') + ' announced, processing… Details: thumbs batches ' + sealed.batch;
        watched[sealed.batch] = drop.line;
        if (poll) poll();
      })
      .catch(function (error) { drop.line.textContent = 'The batch ' + drop.batch + ' was not sealed: ' + error.message; });
  }
  function requestForms(files, drop) {
    var pending = files.map(function (file) { return { file: file, card: pendingCard(file.name), drop: drop }; });
    postJson('api/uploads', { files: files.map(function (file) { return { name: file.name, type: file.type }; }), batch: drop.batch || undefined })
      .then(function (answer) {
        pending.forEach(function (entry, i) {
          var form = answer.uploads[i];
          if (form.error) return refuse(entry, 'not uploaded: ' + form.error.message);
          var existing = cardFor(form.key);
          if (existing && existing !== entry.card) existing.remove();
          entry.card.dataset.imageKey = form.key;
          entry.card.querySelector('.key').textContent = form.key;
          send(entry, form);
        });
      })
      .catch(function (error) { pending.forEach(function (entry) { refuse(entry, 'not uploaded: ' + error.message); }); });
  }
  function refuse(entry, text) {
    settle(entry.card, 'refused', text);
    entry.drop.ended();
  }
  function pendingCard(name) {
    var card = document.createElement('li');
    card.className = 'card status-uploading';
    card.dataset.status = 'uploading';
    var frame = document.createElement('div');
    frame.className = 'no-thumb';
    var progress = document.createElement('progress');
    progress.max = 100;
    progress.value = 0;
    progress.setAttribute('aria-label', 'upload of ' + name);
    frame.appendChild(progress);
    var meta = document.createElement('div');
    meta.className = 'meta';
    var key = document.createElement('p');
    key.className = 'key';
    key.textContent = name;
    var state = document.createElement('p');
    var badge = document.createElement('span');
    badge.className = 'status badge';
    badge.setAttribute('role', 'status');
    badge.textContent = 'uploading';
    state.appendChild(badge);
    var reason = document.createElement('p');
    reason.className = 'error';
    reason.hidden = true;
    meta.append(key, state, reason);
    card.append(frame, meta);
    grid.prepend(card);
    document.querySelector('.empty').hidden = true;
    return card;
  }
  function settle(card, status, text) {
    card.className = 'card status-' + status;
    card.dataset.status = status;
    card.querySelector('.badge').textContent = status;
    // Processing keeps the full bar under its label; refused or failed replace it with the word.
    var frame = card.querySelector('.no-thumb');
    var label = document.createElement('span');
    label.textContent = status === 'processing' ? 'processing…' : status;
    if (status === 'processing') frame.prepend(label);
    else if (status !== 'uploading') frame.replaceChildren(label);
    var reason = card.querySelector('.error');
    reason.hidden = !text;
    reason.textContent = text || '';
  }
  function send(entry, form) {
    var data = new FormData();
    // The form carries the Content-Type its policy pins; S3 refuses any other.
    Object.keys(form.fields).forEach(function (name) { data.append(name, form.fields[name]); });
    data.append('file', entry.file);
    var xhr = new XMLHttpRequest();
    var progress = entry.card.querySelector('progress');
    xhr.upload.addEventListener('progress', function (event) {
      if (event.lengthComputable) progress.value = Math.round(100 * event.loaded / event.total);
    });
    xhr.addEventListener('load', function () {
      if (xhr.status >= 200 && xhr.status < 300) {
        progress.value = 100;
        settle(entry.card, 'processing');
        postJson('api/uploads/complete', { key: form.key })
          .then(function () { if (poll) poll(); })
          .catch(function (error) { settle(entry.card, 'failed', 'uploaded, but not queued: ' + error.message); })
          .then(entry.drop.ended);
      } else {
        refuse(entry, 'refused by S3: ' + s3Reason(xhr.responseText, xhr.status));
      }
    });
    xhr.addEventListener('error', function () { refuse(entry, 'not uploaded: the connection to S3 failed'); });
    xhr.open('POST', form.url);
    xhr.send(data);
  }
  function s3Reason(text, status) {
    var doc = new DOMParser().parseFromString(text || '', 'application/xml');
    var code = doc.querySelector('Code');
    var message = doc.querySelector('Message');
    return code ? code.textContent + (message ? ' (' + message.textContent + ')' : '') : 'HTTP ' + status;
  }
  function postJson(url, value) {
    return fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(value) })
      .then(function (res) {
        return res.json().then(function (answer) {
          if (!res.ok) throw new Error(answer.error ? answer.error.message : 'HTTP ' + res.status);
          return answer;
        });
      });
  }
})();
`;
