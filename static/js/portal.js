// Behaviour shared by every page. Loaded as a static file: the Content Security Policy forbids
// inline scripts, so pages describe what they need with data- attributes.
(function () {
  "use strict";

  function applyWidths(root) {
    root.querySelectorAll("[data-width]").forEach(function (el) {
      var value = parseFloat(el.dataset.width);
      if (!isNaN(value)) {
        el.style.width = Math.max(0, Math.min(100, value)) + "%";
      }
    });
  }

  function confirmForms(root) {
    root.querySelectorAll("form[data-confirm]").forEach(function (form) {
      if (form.dataset.confirmBound) return;
      form.dataset.confirmBound = "1";
      form.addEventListener("submit", function (event) {
        if (!window.confirm(form.dataset.confirm)) {
          event.preventDefault();
        }
      });
    });
  }

  function autoSubmit(root) {
    root.querySelectorAll("[data-autosubmit]").forEach(function (el) {
      if (el.dataset.autosubmitBound) return;
      el.dataset.autosubmitBound = "1";
      el.addEventListener("change", function () {
        if (el.form) el.form.requestSubmit();
      });
    });
  }

  function init(root) {
    applyWidths(root);
    confirmForms(root);
    autoSubmit(root);
  }

  document.addEventListener("DOMContentLoaded", function () { init(document); });
  document.addEventListener("htmx:afterSwap", function (event) { init(event.target); });
  window.Portal = { init: init };
})();
