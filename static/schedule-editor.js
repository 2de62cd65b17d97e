// The schedule editor's grid, dragged: move a session (or drop one from the
// "not placed" list) onto a room and a time, or drag a session's lower edge to
// change its length. Each change posts to the same endpoint the item's own
// form uses; the server (and its room constraint) decides. A refused change
// leaves the grid as it was and says why. Without this script every change is
// made through the item pages' forms.
(function () {
  'use strict';
  var grid = document.getElementById('room-grid');
  var csrf = document.getElementById('grid-csrf');
  var status = document.getElementById('grid-status');
  if (!grid || !csrf || !status || !window.fetch || !window.URLSearchParams) return;
  Array.prototype.forEach.call(document.querySelectorAll('.js-only'), function (el) { el.hidden = false; });
  var slug = location.pathname.split('/')[2];
  var rows = Array.prototype.slice.call(grid.querySelectorAll('tbody tr[data-start]'));
  var rooms = Array.prototype.slice.call(grid.querySelectorAll('thead th[data-room]'));
  var STEP = 15;

  function say(message, bad) {
    status.textContent = message;
    status.className = 'status' + (bad ? ' bad' : '');
  }

  // The row and the room under a point of the page.
  function rowAt(y) {
    for (var i = 0; i < rows.length; i++) {
      var r = rows[i].getBoundingClientRect();
      if (y >= r.top && y < r.bottom) return i;
    }
    return -1;
  }
  function roomAt(x) {
    for (var i = 0; i < rooms.length; i++) {
      var r = rooms[i].getBoundingClientRect();
      if (x >= r.left && x < r.right) return rooms[i].getAttribute('data-room');
    }
    return null;
  }

  function place(item, room, start, minutes) {
    say('Saving…');
    var body = new URLSearchParams();
    body.set('csrf_token', csrf.value);
    body.set('room', room);
    body.set('starts_at', start);
    body.set('minutes', String(minutes));
    fetch('/c/' + slug + '/manage/schedule/items/' + item + '/place', {
      method: 'POST',
      credentials: 'same-origin',
      headers: { 'Accept': 'application/json' },
      body: body
    }).then(function (res) {
      return res.json().then(function (j) { return { ok: res.ok, body: j }; },
        function () { return { ok: false, body: { error: 'The server answered ' + res.status + '.' } }; });
    }).then(function (res) {
      if (res.ok) {
        location.reload();
      } else {
        // Nothing moved on the page: the session stays where the server has it.
        say(res.body.error || 'That place was refused.', true);
      }
    }, function () {
      say('The server could not be reached; nothing was moved.', true);
    });
  }

  var dragged = null;
  document.addEventListener('dragstart', function (e) {
    var el = e.target.closest ? e.target.closest('[data-item]') : null;
    if (!el) return;
    dragged = { item: el.getAttribute('data-item'), minutes: +el.getAttribute('data-minutes') || 45 };
    e.dataTransfer.effectAllowed = 'move';
    e.dataTransfer.setData('text/plain', dragged.item);
  });
  grid.addEventListener('dragover', function (e) {
    if (dragged) e.preventDefault();
  });
  grid.addEventListener('drop', function (e) {
    if (!dragged) return;
    e.preventDefault();
    var row = rowAt(e.clientY), room = roomAt(e.clientX);
    var d = dragged;
    dragged = null;
    if (row < 0 || !room) return say('Drop it on a room and a time.', true);
    place(d.item, room, rows[row].getAttribute('data-start'), d.minutes);
  });
  document.addEventListener('dragend', function () { dragged = null; });

  // The lower edge: pull it to the last quarter hour the session should fill.
  grid.addEventListener('pointerdown', function (e) {
    if (!e.target.classList || !e.target.classList.contains('resize')) return;
    var body = e.target.closest('[data-item]');
    var td = body.closest('td');
    var first = rows.indexOf(td.parentElement);
    e.preventDefault();
    td.classList.add('resizing');
    function up(ev) {
      document.removeEventListener('pointerup', up);
      td.classList.remove('resizing');
      var last = rowAt(ev.clientY);
      if (last < first) return say('A session lasts at least one quarter hour.', true);
      place(body.getAttribute('data-item'), body.getAttribute('data-room'), body.getAttribute('data-start'),
        (last - first + 1) * STEP);
    }
    document.addEventListener('pointerup', up);
  });
})();
