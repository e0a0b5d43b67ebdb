/*
 * Reference Tables — small comforts on top of htmx row editing:
 * the first input of a row that opens for editing gets the focus, Escape
 * cancels the edit, and the new-season form empties after a create.
 * Everything works without this file (Edit is a link, Save a form post).
 */
(function () {
  'use strict';

  document.addEventListener('htmx:load', function (evt) {
    const elt = evt.detail && evt.detail.elt;
    if (!elt || !elt.classList || !elt.classList.contains('row--editing')) return;
    const first = elt.querySelector('input:not([type=hidden]), select');
    if (first) first.focus();
  });

  document.addEventListener('keydown', function (evt) {
    if (evt.key !== 'Escape') return;
    const row = evt.target.closest ? evt.target.closest('tr.row--editing') : null;
    if (!row) return;
    const cancel = row.querySelector('a[hx-get]');
    if (cancel) {
      evt.preventDefault();
      cancel.click();
    }
  });

  document.addEventListener('htmx:afterRequest', function (evt) {
    const elt = evt.detail && evt.detail.elt;
    if (elt && elt.id === 'season-create' && evt.detail.successful && elt.reset) {
      elt.reset();
      const empty = document.querySelector('#season-rows .empty-row');
      if (empty) empty.parentNode.removeChild(empty);
    }
  });
})();
