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
        // A second submit button of the same form (formaction) may ask its own question.
        var submitter = event.submitter;
        var question = (submitter && submitter.dataset.confirm) || form.dataset.confirm;
        if (!window.confirm(question)) {
          event.preventDefault();
        }
      });
    });
  }

  // A header checkbox ticks every row checkbox of the same name on the page (bulk actions).
  function checkAll(root) {
    root.querySelectorAll("[data-check-all]").forEach(function (box) {
      if (box.dataset.checkAllBound) return;
      box.dataset.checkAllBound = "1";
      box.addEventListener("change", function () {
        document.querySelectorAll('input[type="checkbox"][name="' + box.dataset.checkAll + '"]').forEach(function (row) {
          if (!row.disabled) row.checked = box.checked;
        });
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
    checkAll(root);
    autoSubmit(root);
  }

  document.addEventListener("DOMContentLoaded", function () { init(document); });
  document.addEventListener("htmx:afterSwap", function (event) { init(event.target); });
  window.Portal = { init: init };
})();
