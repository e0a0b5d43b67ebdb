/*
 * vote.js — the drag-to-rank ballot on /vote/{id} (can_vote state).
 *
 * The server renders a plain form: every entry card carries a
 * <select name="rank_<entry id>">, which is all a browser without
 * JavaScript needs. This script hides those selects and lets the member
 * drag cards into the numbered slots (SortableJS) or click a card to add it
 * to the first empty slot / click it again to take it out (later picks
 * shift up). Every change writes the ranks back into the selects, so the
 * form posts exactly what the no-JS version would.
 */
(function () {
  'use strict';

  function init(root) {
    const form = (root || document).querySelector('form[data-ballot]:not([data-ballot-ready])');
    if (!form) return;
    form.setAttribute('data-ballot-ready', '');
    form.classList.add('js-ballot');

    const pool = form.querySelector('[data-pool]');
    const drops = Array.prototype.slice.call(form.querySelectorAll('[data-drop]'));
    const submit = form.querySelector('[data-submit]');
    const cards = Array.prototype.slice.call(pool.querySelectorAll('.ballot__card'));
    cards.forEach(function (card, i) { card.setAttribute('data-order', String(i)); });

    function cardIn(drop) { return drop.querySelector('.ballot__card'); }

    // Restore picks the server sent back (a refused ballot keeps its ranks).
    cards.forEach(function (card) {
      const sel = card.querySelector('[data-rank-select]');
      const rank = parseInt(sel && sel.value, 10);
      if (rank >= 1 && rank <= drops.length && !cardIn(drops[rank - 1])) {
        drops[rank - 1].appendChild(card);
      }
    });

    function sortPool() {
      const inPool = Array.prototype.slice.call(pool.querySelectorAll(':scope > .ballot__card'));
      inPool.sort(function (a, b) { return a.getAttribute('data-order') - b.getAttribute('data-order'); });
      inPool.forEach(function (c) { pool.appendChild(c); });
    }

    function sync() {
      let filled = 0;
      drops.forEach(function (drop, i) {
        const rank = i + 1;
        const card = cardIn(drop);
        const slot = drop.closest('[data-slot]');
        const summary = form.querySelector('[data-summary-slot="' + rank + '"]');
        if (card) {
          filled++;
          card.querySelector('[data-rank-select]').value = String(rank);
          card.classList.add('is-picked');
          card.classList.remove('rank-1', 'rank-2', 'rank-3');
          if (rank <= 3) card.classList.add('rank-' + rank);
          card.querySelector('.entry-card__rank').textContent = String(rank);
          card.setAttribute('aria-pressed', 'true');
        }
        slot.classList.toggle('is-filled', !!card);
        if (summary) {
          summary.classList.toggle('is-filled', !!card);
          summary.querySelector('[data-summary-name]').textContent = card ? card.getAttribute('data-name') : '—';
        }
      });
      pool.querySelectorAll(':scope > .ballot__card').forEach(function (card) {
        card.querySelector('[data-rank-select]').value = '';
        card.classList.remove('is-picked', 'rank-1', 'rank-2', 'rank-3');
        card.querySelector('.entry-card__rank').textContent = '';
        card.setAttribute('aria-pressed', 'false');
      });
      sortPool();
      const status = form.querySelector('[data-picks-status]');
      if (status) status.textContent = filled + ' of ' + drops.length + ' picked';
      submit.disabled = filled !== drops.length;
      form.classList.toggle('is-complete', filled === drops.length);
    }

    // Take a card out of its slot: the picks below it move up one rank.
    function removeFromSlots(card) {
      const rest = drops.map(cardIn).filter(function (c) { return c && c !== card; });
      pool.appendChild(card);
      rest.forEach(function (c, i) { drops[i].appendChild(c); });
    }

    function toggle(card) {
      if (card.parentElement === pool) {
        const empty = drops.find(function (d) { return !cardIn(d); });
        if (!empty) {
          if (window.PATT && window.PATT.toast) window.PATT.toast('All ' + drops.length + ' picks are set: remove one first.', 'info');
          return;
        }
        empty.appendChild(card);
      } else {
        removeFromSlots(card);
      }
      sync();
    }

    form.addEventListener('click', function (e) {
      if (e.target.closest('select, label, option')) return;
      const card = e.target.closest('.ballot__card');
      if (card) toggle(card);
    });
    form.addEventListener('keydown', function (e) {
      if (e.key !== 'Enter' && e.key !== ' ') return;
      const card = e.target.closest('.ballot__card');
      if (card && e.target === card) {
        e.preventDefault();
        toggle(card);
      }
    });
    form.addEventListener('submit', function (e) {
      if (submit.disabled) e.preventDefault();
    });

    if (window.Sortable) {
      const common = {
        group: 'ballot',
        draggable: '.ballot__card',
        filter: 'select, option',
        preventOnFilter: false,
        forceFallback: true, // mouse and touch alike, no native DnD quirks
        fallbackTolerance: 4, // a click stays a click
        animation: 150,
        ghostClass: 'sortable-ghost',
        chosenClass: 'sortable-chosen',
      };
      window.Sortable.create(pool, Object.assign({}, common, { sort: false, onAdd: sync }));
      drops.forEach(function (drop) {
        window.Sortable.create(drop, Object.assign({}, common, {
          onAdd: function (evt) {
            // one card per slot: the one already there goes where the new
            // one came from (a swap between slots, or back to the pool)
            Array.prototype.slice.call(drop.querySelectorAll('.ballot__card')).forEach(function (other) {
              if (other !== evt.item) {
                (evt.from === pool ? pool : evt.from).appendChild(other);
              }
            });
            sync();
          },
          onRemove: sync,
        }));
      });
    }
    sync();
  }

  function boot() { init(document); }
  if (document.readyState === 'loading') {
    document.addEventListener('DOMContentLoaded', boot);
  } else {
    boot();
  }
  // the panel can be swapped in by htmx (countdown end)
  document.addEventListener('htmx:load', function (e) { init(e.target); });
})();
