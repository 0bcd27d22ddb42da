// Suara Warga offline: registers the service worker, shows how many reports wait on this
// phone, says what happened to them, and asks the worker to send them whenever it can.
(function () {
  "use strict";
  if (!("serviceWorker" in navigator) || !window.SuaraQueue) return;
  var strings = document.getElementById("offline-strings");
  var timer;

  function say(name, values) {
    var text = strings ? strings.getAttribute("data-" + name) || "" : "";
    Object.keys(values || {}).forEach(function (k) { text = text.replace("{" + k + "}", values[k]); });
    var region = document.getElementById("announcer");
    if (!region || !text) return;
    region.textContent = "";
    window.setTimeout(function () { region.textContent = text; }, 50);
  }

  function count() {
    return SuaraQueue.all().then(function (entries) {
      var waiting = SuaraQueue.waiting(entries);
      var link = document.getElementById("queue-link");
      if (link) {
        link.hidden = waiting === 0;
        document.getElementById("queue-count").textContent = waiting.toLocaleString(document.documentElement.lang);
      }
      document.dispatchEvent(new CustomEvent("suara:queue", { detail: entries }));
      return entries;
    });
  }

  function replay(force) {
    return navigator.serviceWorker.ready.then(function (registration) {
      if (registration.active) registration.active.postMessage({ type: "replay", force: force });
    });
  }
  window.SuaraOffline = { replay: replay, count: count, say: say };

  navigator.serviceWorker.addEventListener("message", function (event) {
    var data = event.data || {};
    if (data.type === "delivered") say("delivered", { title: data.title, code: data.code });
    if (data.type === "attention") say("attention", { title: data.title });
    if (typeof data.nextAttemptAt === "number") {  // 0 too: an entry is due now
      window.clearTimeout(timer);
      timer = window.setTimeout(function () { replay(false); }, Math.max(0, data.nextAttemptAt - Date.now()) + 250);
    }
    count();
  });

  // The filing form: every complaint gets its Idempotency-Key when it is started.
  function prepareForm(form) {
    var id = form.querySelector("input[name=client_id]");
    var editing = new URLSearchParams(location.search).get("ubah"), today = form.querySelector("input[data-today]");
    if (!id) return;
    // The facilitator's form kept on the device opens days later: consent is given today.
    if (today) today.value = new Date(Date.now() - new Date().getTimezoneOffset() * 60000).toISOString().slice(0, 10);
    if (!id.value) id.value = crypto.randomUUID();
    if (!editing) return;
    SuaraQueue.get(editing).then(function (entry) {
      if (!entry || entry.state === "sent") return;
      id.value = entry.id;
      Object.keys(entry.fields).forEach(function (name) {
        var field = form.elements[name];
        if (!field || name === "region_code") return;
        if (field.length && field[0] && field[0].type === "radio") {
          Array.prototype.forEach.call(field, function (r) { r.checked = r.value === entry.fields[name]; });
        } else field.value = entry.fields[name];
      });
      var places = document.getElementById("places");
      var query = new URLSearchParams(entry.place).toString();
      fetch(places.getAttribute("data-url") + "?" + query, { headers: { "HX-Request": "true" } })
        .then(function (r) { return r.text(); })
        .then(function (html) { places.outerHTML = html; if (window.htmx) htmx.process(document.getElementById("places")); });
      // Send the corrected report through the queue, under the same key.
      form.addEventListener("submit", function (event) {
        event.preventDefault();
        var updated = SuaraQueue.fromForm(new FormData(form), entry.id);
        if (!updated.files.length) updated.files = entry.files;
        SuaraQueue.sign(updated).then(SuaraQueue.put).then(function () { return replay(true); }).then(function () {
          location.href = form.getAttribute("data-waiting");
        });
      });
    });
  }

  document.addEventListener("DOMContentLoaded", function () {
    var form = document.querySelector("form[data-offline-form]");
    if (form) prepareForm(form);
    count();
  });
  window.addEventListener("online", function () { replay(true); });
  navigator.serviceWorker.register("/sw.js").then(function () {
    // Pages kept for offline use follow the language the reporter chose.
    var lang = document.documentElement.lang, before = localStorage.getItem("suara-lang");
    localStorage.setItem("suara-lang", lang);
    if (before && before !== lang) {
      navigator.serviceWorker.ready.then(function (r) { r.active.postMessage({ type: "language" }); });
    }
    return replay(true);
  }).catch(function () {});
})();
