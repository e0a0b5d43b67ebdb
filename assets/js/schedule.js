/*
 * Raid scheduling pages: small enhancements only (every page works without).
 *   - [data-autosubmit] selects submit their GET form on change
 *   - [data-select-on-focus] inputs select their text (the calendar URL)
 *   - [data-fade] marks ("✓ Saved") disappear after 2 s
 */
(function () {
  'use strict';

  document.addEventListener('change', function (evt) {
    const el = evt.target;
    if (el && el.matches && el.matches('select[data-autosubmit]') && el.form) {
      el.form.submit();
    }
  });

  document.addEventListener('focusin', function (evt) {
    const el = evt.target;
    if (el && el.matches && el.matches('[data-select-on-focus]')) {
      el.select();
    }
  });

  function fadeMarks(scope) {
    (scope.querySelectorAll ? scope : document).querySelectorAll('[data-fade]').forEach(function (el) {
      setTimeout(function () {
        if (el.parentNode) el.parentNode.removeChild(el);
      }, 2000);
    });
  }

  document.addEventListener('htmx:load', function (evt) {
    fadeMarks((evt.detail && evt.detail.elt) || document);
  });
})();
