/*
 * Player Manager — drag and drop on top of the plain forms.
 *
 * Drag a character chip (from the Characters column or another card) onto a
 * player card to link it; drag a Discord member onto a card to link them.
 * Each drop is one htmx request (the same POST the card's Link form sends,
 * with the CSRF header app.js adds); the answer redraws the card, and out of
 * band the chip and any card the character left. Without this file every
 * action still works through the forms in each card.
 *
 * SortableJS runs in fallback mode (mouse/touch events rather than native
 * HTML5 drag), which behaves the same in every browser and on touch screens.
 */
(function () {
  'use strict';

  const GROUP = 'player-manager';
  const SOURCES = '#pm-chars-list, #pm-discord-list';
  const NOT_HANDLES = 'form, button, input, select, textarea, a, summary, details';

  function post(url, values, playerId) {
    window.htmx.ajax('POST', url, {
      values: values,
      target: '#player-' + playerId,
      swap: 'outerHTML',
    });
  }

  // A drop on a card: the server's answer redraws the card (and, out of
  // band, the chip and any card the character left), so the dropped element
  // does not stay. A row dragged from a column goes back where it was:
  // SortableJS left an id-less clone there, and the out-of-band redraw finds
  // the row by its id. A chip taken from another card just goes.
  function onDrop(evt) {
    const item = evt.item;
    const playerId = evt.to.getAttribute('data-drop-player');
    const kind = item.getAttribute('data-kind');
    if (evt.pullMode === 'clone' && evt.clone && evt.clone.parentNode) {
      evt.clone.parentNode.replaceChild(item, evt.clone);
    } else if (item.parentNode) {
      item.parentNode.removeChild(item);
    }
    if (!playerId) return;
    if (kind === 'char') {
      post('/admin/players/' + playerId + '/characters', { character_id: item.getAttribute('data-char-id') }, playerId);
    } else if (kind === 'discord') {
      post('/admin/players/' + playerId + '/discord', { discord_id: item.getAttribute('data-discord-id') }, playerId);
    }
  }

  // A drop on an unlink zone: the character leaves its owner, or the
  // Discord member its player. The owner's card is redrawn (and the chip or
  // row out of band); the dropped element itself goes back or goes away.
  function onUnlink(evt) {
    const item = evt.item;
    const kind = item.getAttribute('data-kind');
    const playerId = item.getAttribute('data-player-id');
    if (evt.pullMode === 'clone' && evt.clone && evt.clone.parentNode) {
      evt.clone.parentNode.replaceChild(item, evt.clone);
    } else if (item.parentNode) {
      item.parentNode.removeChild(item);
    }
    if (!playerId) {
      if (window.PATT) window.PATT.toast('That one is not linked to anyone.', 'info');
      return;
    }
    if (kind === 'char') {
      post('/admin/characters/' + item.getAttribute('data-char-id') + '/unlink', { from: 'card' }, playerId);
    } else if (kind === 'discord') {
      post('/admin/players/' + playerId + '/discord', { discord_id: '' }, playerId);
    }
  }

  function each(root, selector, fn) {
    if (root.matches && root.matches(selector)) fn(root);
    if (root.querySelectorAll) root.querySelectorAll(selector).forEach(fn);
  }

  function init(root) {
    if (!window.Sortable || !window.htmx) return;
    const board = document.getElementById('player-manager');
    if (board) board.classList.add('sortable-enabled');
    each(root, SOURCES, function (list) {
      if (list.pattSortable) return;
      list.pattSortable = window.Sortable.create(list, {
        group: { name: GROUP, pull: 'clone', put: false },
        sort: false,
        draggable: '.item-card',
        filter: NOT_HANDLES,
        preventOnFilter: false,
        forceFallback: true,
        fallbackOnBody: true,
      });
    });
    each(root, '.pm-drop', function (list) {
      if (list.pattSortable) return;
      list.pattSortable = window.Sortable.create(list, {
        group: { name: GROUP, pull: true, put: true },
        sort: false,
        draggable: '.pm-chip',
        filter: NOT_HANDLES,
        preventOnFilter: false,
        forceFallback: true,
        fallbackOnBody: true,
        emptyInsertThreshold: 24,
        onAdd: onDrop,
      });
    });
    each(root, '[data-drop-unlink]', function (zone) {
      if (zone.pattSortable) return;
      zone.pattSortable = window.Sortable.create(zone, {
        group: { name: GROUP, pull: false, put: true },
        sort: false,
        draggable: '.no-drag',
        forceFallback: true,
        fallbackOnBody: true,
        emptyInsertThreshold: 24,
        onAdd: onUnlink,
      });
    });
  }

  // A new player's name box empties once the card is in.
  document.addEventListener('htmx:afterRequest', function (evt) {
    const elt = evt.detail && evt.detail.elt;
    if (elt && elt.id === 'pm-create' && evt.detail.successful && elt.reset) elt.reset();
  });

  document.addEventListener('htmx:load', function (evt) {
    init((evt.detail && evt.detail.elt) || document);
  });

  if (document.readyState === 'loading') {
    document.addEventListener('DOMContentLoaded', function () { init(document); });
  } else {
    init(document);
  }
})();
