/*
 * admin_campaigns.js — the officers' campaign editor.
 *   - entries reorder by drag (SortableJS, handle ⠿); the new order is
 *     posted with htmx and the card is re-rendered; ↑/↓ buttons are the
 *     no-JS fallback;
 *   - duration preset buttons fill the hours field;
 *   - the image URL field shows a preview as it is typed.
 */
(function () {
  'use strict';

  function initSortable(scope) {
    (scope || document).querySelectorAll('[data-entry-sortable]:not([data-sortable-ready])').forEach(function (list) {
      if (!window.Sortable) return;
      list.setAttribute('data-sortable-ready', '');
      window.Sortable.create(list, {
        handle: '.drag-handle',
        draggable: '.entry-row',
        animation: 150,
        ghostClass: 'sortable-ghost',
        onEnd: function (evt) {
          if (evt.oldIndex === evt.newIndex) return;
          const ids = Array.prototype.map.call(list.querySelectorAll('.entry-row'), function (li) {
            return li.getAttribute('data-entry-id');
          });
          window.htmx.ajax('POST', list.getAttribute('data-order-url'), {
            target: '#entries',
            swap: 'outerHTML',
            values: { order: ids.join(',') },
          });
        },
      });
    });
  }

  document.addEventListener('click', function (e) {
    const b = e.target.closest('[data-duration]');
    if (!b) return;
    const input = b.closest('form').querySelector('input[name="duration_hours"]');
    if (input) input.value = b.getAttribute('data-duration');
  });

  document.addEventListener('input', function (e) {
    if (!e.target.matches('[data-image-input]')) return;
    const preview = e.target.parentElement.querySelector('[data-image-preview]');
    if (!preview) return;
    const v = e.target.value.trim();
    if (/^https:\/\//.test(v)) {
      preview.src = v;
      preview.hidden = false;
    } else {
      preview.hidden = true;
    }
  });

  function boot() { initSortable(document); }
  if (document.readyState === 'loading') {
    document.addEventListener('DOMContentLoaded', boot);
  } else {
    boot();
  }
  document.addEventListener('htmx:load', function (e) { initSortable(e.target); });
})();
