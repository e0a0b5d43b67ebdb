/*
 * /profile: each spec dropdown shows only the specs of the class of the
 * character chosen beside it (all of them when the character's class is
 * unknown). A spec that no longer fits is reset to none. Without this file
 * every spec is listed and the server refuses a wrong pair.
 */
(function () {
  'use strict';

  function filterSpecs(charSelect) {
    const spec = document.getElementById(charSelect.dataset.specTarget);
    if (!spec) return;
    const opt = charSelect.selectedOptions[0];
    const classId = opt && opt.dataset.classId && opt.dataset.classId !== '0' ? opt.dataset.classId : '';
    spec.querySelectorAll('optgroup').forEach(function (group) {
      const show = classId === '' || group.dataset.classId === classId;
      group.hidden = !show;
      group.disabled = !show;
    });
    const chosen = spec.selectedOptions[0];
    if (chosen && chosen.parentElement && chosen.parentElement.disabled) {
      spec.value = '';
    }
  }

  function init(root) {
    root.querySelectorAll('select[data-spec-target]').forEach(function (sel) {
      if (sel.dataset.specFilterBound) return;
      sel.dataset.specFilterBound = '1';
      sel.addEventListener('change', function () { filterSpecs(sel); });
      filterSpecs(sel);
    });
  }

  document.addEventListener('DOMContentLoaded', function () { init(document); });
  // The characters card is swapped by htmx after a save: bind the new one.
  document.addEventListener('htmx:load', function (e) { init(e.target); });
})();
