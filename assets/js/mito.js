/*
 * Mito's corner: Ctrl+Enter (or Cmd+Enter) in a quote or title box submits
 * its form — through htmx when the form has hx-post, as a plain form else.
 */
(function () {
  'use strict';
  document.addEventListener('keydown', function (evt) {
    if (evt.key !== 'Enter' || !(evt.ctrlKey || evt.metaKey)) return;
    const box = evt.target;
    if (!box || !box.matches || !box.matches('textarea[data-submit-on-ctrl-enter]')) return;
    const form = box.closest('form');
    if (!form) return;
    evt.preventDefault();
    if (form.requestSubmit) {
      form.requestSubmit();
    } else {
      form.submit();
    }
  });
})();
