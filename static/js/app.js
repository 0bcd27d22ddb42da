// Suara Warga: small enhancements on top of pages that work without JavaScript.
(function () {
  "use strict";
  var root = document.documentElement;
  root.classList.add("js");

  function announce(message) {
    var region = document.getElementById("announcer");
    if (!region || !message) return;
    region.textContent = "";
    window.setTimeout(function () { region.textContent = message; }, 50);
  }

  function format(template, n) {
    return template.replace("{n}", Math.abs(n).toLocaleString(root.lang));
  }

  // Character count (GOV.UK pattern): visible count now, screen readers after a pause.
  function characterCount(textarea) {
    var limit = parseInt(textarea.getAttribute("data-maxlength"), 10);
    var message = document.getElementById(textarea.getAttribute("data-count"));
    if (!limit || !message) return;
    var timer;
    function update(speak) {
      var left = limit - textarea.value.length;
      var text = format(message.getAttribute(left < 0 ? "data-over" : "data-remaining"), left);
      message.textContent = text;
      message.classList.toggle("error-message", left < 0);
      window.clearTimeout(timer);
      if (speak) timer = window.setTimeout(function () { announce(text); }, 1000);
    }
    textarea.addEventListener("input", function () { update(true); });
    // Leaving the field cancels a pending read-out, so it cannot talk over what comes next.
    textarea.addEventListener("blur", function () { window.clearTimeout(timer); });
    if (textarea.value) update(false);
  }

  function enhance(scope) {
    scope.querySelectorAll("textarea[data-maxlength]").forEach(characterCount);
    scope.querySelectorAll("[data-print]").forEach(function (button) {
      button.hidden = false;
      button.addEventListener("click", function () { window.print(); });
    });
  }

  document.addEventListener("DOMContentLoaded", function () {
    enhance(document);
    var summary = document.querySelector("[data-error-summary]");
    if (summary) summary.focus();
    // Error-summary links move focus to the field, not just scroll to it.
    document.addEventListener("click", function (event) {
      var link = event.target.closest(".error-summary a[href^='#']");
      if (!link) return;
      var field = document.getElementById(link.getAttribute("href").slice(1));
      if (!field) return;
      event.preventDefault();
      field.focus();
      field.scrollIntoView({ block: "center" });
    });
  });

  // After an htmx swap: say what changed in the polite live region; move focus only when
  // the new content asks for it (data-focus), otherwise htmx keeps focus where it was.
  document.addEventListener("htmx:afterSwap", function (event) {
    // An outerHTML swap replaces the target: find the new element by the same id.
    var id = event.detail.target && event.detail.target.id;
    var scope = (id && document.getElementById(id)) || document.body;
    enhance(scope);
    var message = scope.closest("[data-announce]") || scope.querySelector("[data-announce]");
    if (message) announce(message.getAttribute("data-announce"));
    var focusTarget = scope.querySelector("[data-focus]");
    if (focusTarget) focusTarget.focus();
  });

  // A request htmx could not complete is never silent: say so in the live region.
  function failed(key) {
    return function () {
      var strings = document.getElementById("offline-strings");
      if (strings) announce(strings.getAttribute(key));
    };
  }
  document.addEventListener("htmx:responseError", failed("data-failed"));
  document.addEventListener("htmx:sendError", failed("data-unreachable"));
})();
