/** The gallery page's uploads from the browser: a part of the page's script (page-script.ts), in its scope. */
export const UPLOAD_SCRIPT = `  // Upload: ask the server for one presigned POST per file, post each straight to S3, then have
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
`;
