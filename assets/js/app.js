/*
 * PATT — progressive enhancement for every page.
 *
 * Plain ES2017, no build step, no inline scripts (the CSP is script-src 'self').
 * Every page works without this file; it only adds:
 *   - the CSRF header on every htmx request (from <meta name="csrf-token">)
 *   - htmx swaps of 400/409/422 HTML responses (validation fragments), error toasts otherwise
 *   - the admin sidebar collapse toggle, remembered in localStorage
 *   - [data-countdown] timers (no page reloads; optional one-off htmx refresh at the end)
 *   - [data-confirm] on plain forms and buttons; [data-history-back] "Go Back" buttons
 *   - toasts, fired by the server with HX-Trigger: {"showToast": {"message": "…", "level": "success"}}
 *   - [data-pct] → --pct (progress bars) and [data-class-color] → --class-color
 *
 * A tiny global, window.PATT, exposes toast() and formatCountdown() for page scripts and tests.
 */
(function () {
  'use strict';

  const root = document.documentElement;
  // Pages say "without JavaScript, do …" in .no-js-only; this class hides
  // those hints once the script runs (CSS, not an inline script: the CSP).
  root.classList.add('js');

  /* ------------------------------------------------------------------
   * Admin sidebar collapse (state read first so it applies before paint
   * when this file is loaded in <head>)
   * ------------------------------------------------------------------ */

  const SIDENAV_KEY = 'admin-sidenav-collapsed';
  const SHELL_COLLAPSED = 'admin-shell--collapsed';
  const ROOT_COLLAPSED = 'sidenav-collapsed';

  // true / false when the user has chosen, null when not (or storage is disabled):
  // then the markup's own state (.admin-shell--collapsed or not) stands.
  function readCollapsed() {
    try {
      const v = window.localStorage.getItem(SIDENAV_KEY);
      if (v === null) return null;
      return v === 'true' || v === '1';
    } catch (e) {
      return null;
    }
  }

  function writeCollapsed(collapsed) {
    try {
      window.localStorage.setItem(SIDENAV_KEY, collapsed ? 'true' : 'false');
    } catch (e) {
      /* ignore: the toggle still works for this page view */
    }
  }

  function applyCollapsed(collapsed) {
    root.classList.toggle(ROOT_COLLAPSED, collapsed);
    document.querySelectorAll('.admin-shell').forEach(function (shell) {
      shell.classList.toggle(SHELL_COLLAPSED, collapsed);
    });
    document.querySelectorAll('[data-sidenav-toggle]').forEach(function (btn) {
      btn.setAttribute('aria-expanded', collapsed ? 'false' : 'true');
    });
  }

  if (readCollapsed() === true) {
    root.classList.add(ROOT_COLLAPSED);
  }

  document.addEventListener('click', function (evt) {
    const btn = evt.target.closest ? evt.target.closest('[data-sidenav-toggle]') : null;
    if (!btn) return;
    evt.preventDefault();
    const collapsed = !root.classList.contains(ROOT_COLLAPSED);
    applyCollapsed(collapsed);
    writeCollapsed(collapsed);
  });

  /* ------------------------------------------------------------------
   * CSRF header for htmx
   * ------------------------------------------------------------------ */

  function csrfToken() {
    const meta = document.querySelector('meta[name="csrf-token"]');
    return meta ? meta.getAttribute('content') || '' : '';
  }

  document.addEventListener('htmx:configRequest', function (evt) {
    const token = csrfToken();
    if (token && evt.detail && evt.detail.headers) {
      evt.detail.headers['X-CSRF-Token'] = token;
    }
  });

  /* ------------------------------------------------------------------
   * htmx response handling: validation fragments swap, other errors toast
   * ------------------------------------------------------------------ */

  const SWAP_ERROR_STATUSES = [400, 409, 422];

  function isHTML(xhr) {
    const type = (xhr && xhr.getResponseHeader('Content-Type')) || '';
    return type.indexOf('text/html') !== -1;
  }

  document.addEventListener('htmx:beforeSwap', function (evt) {
    const xhr = evt.detail.xhr;
    if (xhr && SWAP_ERROR_STATUSES.indexOf(xhr.status) !== -1 && isHTML(xhr)) {
      evt.detail.shouldSwap = true;
      evt.detail.isError = false;
    }
  });

  function errorMessage(xhr) {
    if (!xhr) return 'Something went wrong.';
    try {
      const body = JSON.parse(xhr.responseText);
      if (body && typeof body.error === 'string' && body.error) return body.error;
    } catch (e) {
      /* not JSON */
    }
    if (xhr.status === 401) return 'Your session has expired — please log in again.';
    if (xhr.status === 403) return 'You do not have permission to do that.';
    if (xhr.status === 404) return 'Not found.';
    if (xhr.status === 429) return 'Too many requests — slow down a moment.';
    return 'Something went wrong (' + xhr.status + ').';
  }

  document.addEventListener('htmx:responseError', function (evt) {
    toast(errorMessage(evt.detail && evt.detail.xhr), 'error');
  });

  document.addEventListener('htmx:sendError', function () {
    toast('Could not reach the server. Check your connection.', 'error');
  });

  /* ------------------------------------------------------------------
   * Countdowns: <span data-countdown="2025-03-01T20:00:00Z"
   *                   data-ended-url="/vote/3/status" data-ended-target="#vote-panel">
   * ------------------------------------------------------------------ */

  const ENDED_TEXT = 'Voting has ended';
  const ENDED_CLASS = 'countdown--ended';
  const fetchedEndUrls = new Set(); // one refresh per URL per page view: no reload loops
  let countdownTimer = null;

  // formatCountdown(90061) === "1d 1h 1m 1s", (3600) === "1h 0m 0s", (59) === "59s".
  function formatCountdown(totalSeconds) {
    let s = Math.max(0, Math.floor(totalSeconds));
    const d = Math.floor(s / 86400);
    s -= d * 86400;
    const h = Math.floor(s / 3600);
    s -= h * 3600;
    const m = Math.floor(s / 60);
    s -= m * 60;

    const parts = [];
    if (d > 0) parts.push(d + 'd');
    if (d > 0 || h > 0) parts.push(h + 'h');
    if (d > 0 || h > 0 || m > 0) parts.push(m + 'm');
    parts.push(s + 's');
    return parts.join(' ');
  }

  function endCountdown(el) {
    el.textContent = el.getAttribute('data-ended-text') || ENDED_TEXT;
    el.classList.add(ENDED_CLASS);

    const url = el.getAttribute('data-ended-url');
    if (!url || fetchedEndUrls.has(url) || !window.htmx) return;
    fetchedEndUrls.add(url);

    const targetSel = el.getAttribute('data-ended-target');
    const target = targetSel ? document.querySelector(targetSel) : el;
    if (!target) return;
    window.htmx.ajax('GET', url, {
      target: target,
      swap: el.getAttribute('data-ended-swap') || 'innerHTML',
    });
  }

  function tickCountdowns() {
    const live = document.querySelectorAll('[data-countdown]:not(.' + ENDED_CLASS + ')');
    if (live.length === 0) {
      clearInterval(countdownTimer);
      countdownTimer = null;
      return;
    }
    const now = Date.now();
    live.forEach(function (el) {
      const end = Date.parse(el.getAttribute('data-countdown'));
      if (isNaN(end)) return; // leave the server-rendered text alone
      const remaining = (end - now) / 1000;
      if (remaining <= 0) {
        endCountdown(el);
      } else {
        el.textContent = formatCountdown(Math.ceil(remaining));
      }
    });
  }

  function startCountdowns() {
    if (!document.querySelector('[data-countdown]:not(.' + ENDED_CLASS + ')')) return;
    tickCountdowns();
    if (countdownTimer === null) {
      countdownTimer = setInterval(tickCountdowns, 1000);
    }
  }

  /* ------------------------------------------------------------------
   * data-confirm on plain forms and on buttons/links
   * (capture phase, so a "no" also stops htmx from seeing the event)
   * ------------------------------------------------------------------ */

  document.addEventListener('submit', function (evt) {
    const form = evt.target;
    if (!form || !form.hasAttribute || !form.hasAttribute('data-confirm')) return;
    if (!window.confirm(form.getAttribute('data-confirm'))) {
      evt.preventDefault();
      evt.stopImmediatePropagation();
    }
  }, true);

  document.addEventListener('click', function (evt) {
    const el = evt.target.closest ? evt.target.closest('[data-confirm]') : null;
    if (!el || el.tagName === 'FORM') return; // forms are asked on submit
    if (!window.confirm(el.getAttribute('data-confirm'))) {
      evt.preventDefault();
      evt.stopImmediatePropagation();
    }
  }, true);

  /* ------------------------------------------------------------------
   * [data-history-back]: "Go Back" buttons on error pages
   * ------------------------------------------------------------------ */

  document.addEventListener('click', function (evt) {
    const el = evt.target.closest ? evt.target.closest('[data-history-back]') : null;
    if (!el) return;
    evt.preventDefault();
    if (window.history.length > 1) {
      window.history.back();
    } else {
      window.location.assign(el.getAttribute('href') || '/');
    }
  });

  /* ------------------------------------------------------------------
   * Toasts
   * ------------------------------------------------------------------ */

  const TOAST_LEVELS = ['success', 'error', 'warning', 'info'];

  function toastStack() {
    let stack = document.querySelector('.toast-stack');
    if (!stack) {
      stack = document.createElement('div');
      stack.className = 'toast-stack';
      stack.setAttribute('aria-live', 'polite');
      stack.setAttribute('aria-atomic', 'false');
      document.body.appendChild(stack);
    }
    return stack;
  }

  function dismissToast(el) {
    if (!el.parentNode || el.classList.contains('is-leaving')) return;
    el.classList.add('is-leaving');
    setTimeout(function () {
      if (el.parentNode) el.parentNode.removeChild(el);
    }, 220);
  }

  function toast(message, level, timeoutMs) {
    if (!message) return null;
    const lvl = TOAST_LEVELS.indexOf(level) !== -1 ? level : 'info';
    const el = document.createElement('div');
    el.className = 'toast toast--' + lvl;
    el.setAttribute('role', lvl === 'error' ? 'alert' : 'status');
    el.textContent = String(message); // never HTML
    el.addEventListener('click', function () { dismissToast(el); });
    toastStack().appendChild(el);
    const ms = typeof timeoutMs === 'number' ? timeoutMs : (lvl === 'error' ? 7000 : 4000);
    if (ms > 0) setTimeout(function () { dismissToast(el); }, ms);
    return el;
  }

  // htmx turns HX-Trigger: {"showToast": {...}} into a "showToast" event whose detail is the
  // object, or {value: "..."} when the value is a plain string.
  document.addEventListener('showToast', function (evt) {
    const d = evt.detail || {};
    if (typeof d === 'string') {
      toast(d, 'info');
      return;
    }
    toast(d.message || d.value, d.level);
  });

  /* ------------------------------------------------------------------
   * Small per-element enhancements, run on load and on every htmx swap
   * ------------------------------------------------------------------ */

  const CLASS_COLOR = /^#[0-9a-fA-F]{3,8}$/;

  function each(scope, selector, fn) {
    if (scope.matches && scope.matches(selector)) fn(scope);
    if (scope.querySelectorAll) scope.querySelectorAll(selector).forEach(fn);
  }

  function enhance(scope) {
    each(scope, '[data-pct]', function (el) {
      const pct = parseFloat(el.getAttribute('data-pct'));
      if (isFinite(pct)) {
        el.style.setProperty('--pct', Math.max(0, Math.min(100, pct)) + '%');
      }
    });

    each(scope, '[data-class-color]', function (el) {
      // tolerate "##C41E3A" (an old bug) and a missing "#"
      const raw = (el.getAttribute('data-class-color') || '').trim().replace(/^#*/, '#');
      if (CLASS_COLOR.test(raw)) el.style.setProperty('--class-color', raw);
    });

    each(scope, '.flash__close', function (btn) {
      if (btn.dataset.pattBound) return;
      btn.dataset.pattBound = '1';
      btn.addEventListener('click', function () {
        const flash = btn.closest('.flash');
        if (flash && flash.parentNode) flash.parentNode.removeChild(flash);
      });
    });

    startCountdowns();
  }

  function init() {
    const stored = readCollapsed();
    if (stored !== null) {
      applyCollapsed(stored);
    } else if (document.querySelector('.admin-shell')) {
      applyCollapsed(document.querySelector('.admin-shell').classList.contains(SHELL_COLLAPSED));
    }
    enhance(document);
  }

  if (document.readyState === 'loading') {
    document.addEventListener('DOMContentLoaded', init);
  } else {
    init();
  }

  document.addEventListener('htmx:load', function (evt) {
    enhance((evt.detail && evt.detail.elt) || evt.target);
    if (root.classList.contains(ROOT_COLLAPSED)) applyCollapsed(true);
  });

  window.PATT = Object.freeze({
    toast: toast,
    formatCountdown: formatCountdown,
    csrfToken: csrfToken,
  });
})();
