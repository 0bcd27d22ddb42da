// Filing devices (app/facilitation/devices.py). On /fasilitator/perangkat: registers this
// browser's filing key (ECDSA P-256, the private key never leaves WebCrypto). On /fasilitator:
// lists the facilitator's reports still waiting on this device. On those and the filing form:
// keeps (or drops) the on-behalf form for offline use.
(function () {
  "use strict";
  if (!window.SuaraQueue) return;
  var lang = document.documentElement.lang;

  function b64url(buffer) {
    return btoa(String.fromCharCode.apply(null, new Uint8Array(buffer)))
      .replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
  }

  function register(section) {
    var user = section.getAttribute("data-user"), form = document.getElementById("device-form");
    var field = document.getElementById("device-name"), summary = document.getElementById("device-error");
    var inline = document.getElementById("device-name-error"), hint = "device-name-hint";
    if (!window.crypto || !crypto.subtle || !window.indexedDB || !window.fetch) {
      document.getElementById("device-unsupported").hidden = false;
      return;
    }
    SuaraQueue.device(user).catch(function () { return null; }).then(function (saved) {
      var item = saved && document.querySelector(".device[data-device-id='" + saved.id + "']");
      if (item) item.querySelector(".device-this").hidden = false;
      if (item && item.hasAttribute("data-active")) {
        var note = document.getElementById("device-registered");
        note.textContent = note.textContent.replace("{name}", saved.name);
        note.hidden = false;
      } else form.hidden = false;
    });

    function show(errors) {
      var list = document.getElementById("device-error-list"), named = errors.name || [];
      var other = (errors._request || []).concat(named.length || errors._request ? [] : [summary.getAttribute("data-failed")]);
      list.replaceChildren();
      named.concat(other).forEach(function (message, i) {
        var li = document.createElement("li"), target = li;
        if (i < named.length) {
          target = document.createElement("a");
          target.href = "#device-name";
          li.appendChild(target);
        }
        target.textContent = message;
        list.appendChild(li);
      });
      document.getElementById("device-name-error-text").textContent = named.join(" ");
      inline.hidden = !named.length;
      document.getElementById("device-name-field").classList.toggle("field-error", named.length > 0);
      field.setAttribute("aria-describedby", named.length ? hint + " device-name-error" : hint);
      summary.hidden = false;
      summary.focus();
      form.querySelector("button").disabled = false;
    }

    form.addEventListener("submit", function (event) {
      event.preventDefault();
      var keys, name = field.value.trim();
      form.querySelector("button").disabled = true;
      crypto.subtle.generateKey({ name: "ECDSA", namedCurve: "P-256" }, false, ["sign", "verify"])
        .then(function (made) {
          keys = made;
          return crypto.subtle.exportKey("spki", made.publicKey);
        }).then(function (spki) {
          return fetch(form.action, {
            method: "POST", credentials: "same-origin", body: JSON.stringify({ name: name, public_key: b64url(spki) }),
            headers: { "Content-Type": "application/json", "X-CSRFToken": form.getAttribute("data-csrf") }
          });
        }).then(function (response) {
          return response.json().catch(function () { return {}; }).then(function (data) {
            if (!response.ok) throw { server: data.errors || {} };
            return SuaraQueue.saveDevice({ user: user, id: data.id, name: name, keys: keys,
                                           expiresAt: Date.parse(data.expires_at) })
              .then(function () { location.assign(data.redirect); });
          });
        }).catch(function (failure) { show((failure && failure.server) || {}); });
    });
  }

  function waiting(section) {
    var list = document.getElementById("device-queue-list"), strings = document.getElementById("device-queue-strings");
    var user = strings.getAttribute("data-user");
    function say(name, values) {
      var text = strings.getAttribute("data-" + name) || "";
      Object.keys(values || {}).forEach(function (k) { text = text.replace("{" + k + "}", values[k]); });
      return text;
    }
    function line(text, className) {
      var p = document.createElement("p");
      p.textContent = text;
      if (className) p.className = className;
      return p;
    }
    document.addEventListener("suara:queue", function (event) {
      var mine = event.detail.filter(function (e) {
        return e.facilitator === user && (e.state !== "sent" || (e.receipt && e.receipt.attributed === false));
      });
      list.replaceChildren.apply(list, mine.map(function (e) {
        var li = document.createElement("li"), saved = new Date(e.savedAt), state = document.createElement("p");
        var when = document.createElement("time"), strong = document.createElement("strong");
        li.className = "device-entry";
        when.dateTime = saved.toISOString();
        when.textContent = saved.toLocaleString(lang, { dateStyle: "medium", timeStyle: "short" });
        strong.textContent = say(e.state === "sent" ? "unattributed" : e.state);
        state.append(say("saved") + " ", when, " · ", strong);
        li.append(line(e.title, "device-entry-title"), state);
        if (e.state === "sent") {
          li.appendChild(line(say("receipt", { code: e.receipt.tracking_code, secret: e.receipt.secret || "" })));
        } else if (!e.device) li.appendChild(line(say("unsigned"), "hint"));
        return li;
      }));
      section.hidden = mine.length === 0;
    });
  }

  // The on-behalf form (/fasilitator/lapor) is kept for offline use only on a device
  // registered for the signed-in facilitator: the worker asks the server each time and drops
  // the copy when it says no (app/facilitation/offline.py).
  function keepForm(user) {
    SuaraQueue.device(user).catch(function () {}).then(function (saved) {
      var id = saved && saved.expiresAt > Date.now() ? saved.id : null;
      return navigator.serviceWorker.ready.then(function (r) { r.active.postMessage({ type: "device-form", device: id }); });
    }).catch(function () {});
  }

  var here = document.getElementById("this-device"), queue = document.getElementById("device-queue");
  var owner = document.querySelector("[data-user], input[name=filing_user]");
  if (here) register(here);
  if (queue) waiting(queue);
  if (owner && "serviceWorker" in navigator) keepForm(owner.getAttribute("data-user") || owner.value);
})();
