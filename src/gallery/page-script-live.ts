/** The gallery page's live updates and batch lines: a part of the page's script (page-script.ts), in its scope. */
export const LIVE_SCRIPT = `  // Live updates: poll the server for items recorded since the newest one shown.
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

`;
