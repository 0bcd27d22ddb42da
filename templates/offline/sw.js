// Suara Warga service worker: keeps the filing pages usable with no signal and delivers the
// on-device queue, each complaint exactly once (its id is the Idempotency-Key).
"use strict";
importScripts("{{ url_for('static', filename='js/queue.js') }}");

var VERSION = "{{ version }}";
var CACHE = "suara-" + VERSION;
var PRECACHE = {{ precache | tojson }};
var OFFLINE = "{{ url_for('offline.offline') }}";
var WAITING = "{{ url_for('offline.waiting') }}";
var FORM = "{{ url_for('intake.file_form') }}";
var PLACES = "{{ url_for('intake.places') }}";
var API = "{{ url_for('intake.api_submit') }}";
var DEVICE_FORM = "{{ url_for('facilitation.file_form') }}", DEVICE_CACHE = "suara-device-form";
var SIGN_OUT = "{{ url_for('accounts.sign_out') }}";
var MAX_DELAY = 30 * 60 * 1000;

function cacheable(response) {
  return response && response.ok && !/no-store/.test(response.headers.get("Cache-Control") || "");
}

function keep(cache, key, response) {
  return cacheable(response) ? cache.put(key, response.clone()) : Promise.resolve();
}

function precache() {
  return caches.open(CACHE).then(function (cache) {
    var plain = PRECACHE.pages.concat(PRECACHE.assets).map(function (url) {
      return fetch(url, { cache: "reload" }).then(function (r) { return keep(cache, url, r); });
    });
    var fragments = PRECACHE.fragments.map(function (url) {
      return fetch(url, { headers: { "HX-Request": "true" } })
        .then(function (r) { return keep(cache, url, r); });
    });
    return Promise.all(plain.concat(fragments));
  });
}

self.addEventListener("install", function (event) {
  event.waitUntil(precache().then(function () { return self.skipWaiting(); }));
});

self.addEventListener("activate", function (event) {
  event.waitUntil(caches.keys().then(function (names) {
    return Promise.all(names.filter(function (n) { return n.indexOf("suara-") === 0 && n !== CACHE && n !== DEVICE_CACHE; })
      .map(function (n) { return caches.delete(n); }));
  }).then(function () { return self.clients.claim(); }).then(function () { return replay(false); }));
});

self.addEventListener("fetch", function (event) {
  var request = event.request, url = new URL(request.url);
  if (url.origin !== self.location.origin) return;
  if (url.pathname === SIGN_OUT) event.waitUntil(caches.delete(DEVICE_CACHE));  // signal or not
  if (request.method === "POST" && url.pathname === FORM && request.mode === "navigate") {
    event.respondWith(fileOrQueue(request));
  } else if (request.method !== "GET") {
    // Any other form sent without signal: the offline page rather than the browser's error.
    if (request.mode === "navigate") {
      event.respondWith(fetch(request).catch(function () { return caches.match(OFFLINE); }));
    }
  } else if (url.pathname === PLACES) {
    event.respondWith(places(request, url));
  } else if (request.mode === "navigate") {
    event.respondWith(page(request, url));
  } else if (PRECACHE.assets.indexOf(url.pathname) >= 0) {
    event.respondWith(caches.match(url.pathname).then(function (hit) { return hit || fetch(request); }));
  }
});

// Pages: the network first (fresh content, fresh CSRF token), the cached copy without signal.
function page(request, url) {
  return fetch(request).then(function (response) {
    if (PRECACHE.pages.indexOf(url.pathname) >= 0 && !url.search) {
      caches.open(CACHE).then(function (cache) { keep(cache, url.pathname, response); });
    }
    return response;
  }).catch(function () {
    return caches.match(url.pathname).then(function (hit) { return hit || caches.match(OFFLINE); });
  });
}

// Place lists, cached per province and per regency: what was seen once works offline.
function places(request, url) {
  var province = url.searchParams.get("province") || "", regency = url.searchParams.get("regency") || "";
  var broad = PLACES + "?province=" + province;
  var exact = regency && regency.indexOf(province + ".") === 0 ? broad + "&regency=" + regency : broad;
  return fetch(request).then(function (response) {
    caches.open(CACHE).then(function (cache) { keep(cache, exact, response); });
    return response;
  }).catch(function () {
    return caches.match(exact, { ignoreVary: true }).then(function (hit) {
      return hit || caches.match(broad, { ignoreVary: true });
    }).then(function (hit) { return hit || Response.error(); });
  });
}

// Sending the form: online it goes to the server as usual; without signal it is queued here,
// and so is a form kept on the phone whose session (and CSRF token) expired meanwhile.
function fileOrQueue(request) {
  var copy = request.clone();
  function queue() {
    return copy.formData().then(function (data) {
      if (data.get("refresh")) return caches.match(OFFLINE);
      var entry = SuaraQueue.fromForm(data);
      // Signed now, while it is known whose form this is (app/facilitation/devices.py).
      return SuaraQueue.sign(entry).then(SuaraQueue.put).then(function () {
        wakeLater();
        if (navigator.onLine) replay(true);
        return Response.redirect(WAITING + "?saved=" + encodeURIComponent(entry.id), 303);
      });
    });
  }
  return fetch(request).then(function (response) {
    return response.headers.get("X-Form-Expired") ? queue() : response;
  }, queue);
}

function wakeLater() {
  if (self.registration.sync) return self.registration.sync.register("suara-queue").catch(function () {});
  return Promise.resolve();
}

function notify(message) {
  return self.clients.matchAll({ includeUncontrolled: true }).then(function (clients) {
    clients.forEach(function (client) { client.postMessage(message); });
  });
}

// One replay at a time (Web Locks where they exist, and this worker's own promise). A replay
// asked for while one runs (the network came back, "Send now") runs once more afterwards:
// the running one may already have given up on entries it found offline or not yet due.
var replaying = null, again = null;
function replay(force) {
  if (replaying) {
    again = Boolean(again || force);
    return replaying;
  }
  var drain = function () { return deliverAll(force); };
  replaying = (self.navigator.locks ? self.navigator.locks.request("suara-queue", drain) : drain())
    .finally(function () {
      replaying = null;
      if (again === null) return;
      var forced = again;
      again = null;
      return replay(forced);
    });
  return replaying;
}

function deliverAll(force) {
  return SuaraQueue.all().then(function (entries) {
    var due = entries.filter(function (e) {
      return (e.state === "waiting" || e.state === "sending") && (force || e.nextAttemptAt <= Date.now());
    });
    return due.reduce(function (chain, entry) {
      return chain.then(function (offline) { return offline ? true : deliver(entry); });
    }, Promise.resolve(false));
  }).then(function (offline) {
    return SuaraQueue.all().then(function (entries) {
      var next = entries.filter(function (e) { return e.state === "waiting"; })
        .map(function (e) { return e.nextAttemptAt; });
      notify({ type: "changed", nextAttemptAt: next.length ? Math.min.apply(null, next) : null });
      return offline;
    });
  });
}

function deliver(entry) {
  entry.state = "sending";
  return SuaraQueue.put(entry).then(function () {
    notify({ type: "changed" });
    var body = new FormData();
    Object.keys(entry.fields).forEach(function (name) { body.append(name, entry.fields[name]); });
    entry.files.forEach(function (file, i) { body.append("attachments", file, file.name || "file-" + (i + 1)); });
    var headers = { "Idempotency-Key": entry.id, "Accept-Language": entry.lang || "id" };
    if (entry.device) {  // the facilitator's filing key signed it when it was queued
      headers["X-Filing-Device"] = String(entry.device.id);
      headers["X-Filing-Signed-At"] = entry.device.signedAt;
      headers["X-Filing-Signature"] = entry.device.signature;
    }
    return fetch(API, { method: "POST", body: body, credentials: "same-origin", headers: headers });
  }).then(function (response) {
    if (response.ok) return response.json().then(function (receipt) { return delivered(entry, receipt); });
    if (response.status === 408 || response.status === 429 || response.status >= 500) return retry(entry, false);
    return response.json().catch(function () { return {}; }).then(function (body) {
      var errors = body.errors || {};
      entry.state = "attention";
      entry.errors = Object.keys(errors).reduce(function (all, k) { return all.concat(errors[k]); }, []);
      return SuaraQueue.put(entry).then(function () { notify({ type: "attention", id: entry.id, title: entry.title }); return false; });
    });
  }, function () { return retry(entry, true); });
}

// After delivery the phone keeps only the title, the date and the receipt.
function delivered(entry, receipt) {
  var kept = { id: entry.id, title: entry.title, savedAt: entry.savedAt, state: "sent",
               sentAt: Date.now(), receipt: receipt, fields: {}, files: [] };
  // Whose it was, for the facilitator's dashboard (receipt.attributed says if it kept them).
  if (entry.facilitator) kept.facilitator = entry.facilitator;
  return SuaraQueue.put(kept).then(function () {
    notify({ type: "delivered", id: entry.id, title: entry.title, code: receipt.tracking_code });
    return false;
  });
}

function retry(entry, offline) {
  entry.state = "waiting";
  entry.attempts = (entry.attempts || 0) + 1;
  entry.nextAttemptAt = Date.now() + Math.min(5000 * Math.pow(2, entry.attempts - 1), MAX_DELAY);
  return SuaraQueue.put(entry).then(function () { return offline; });
}

// The facilitator's on-behalf form, kept only while the server confirms this device is
// registered to whoever is signed in (app/facilitation/offline.py); served offline by page().
// Dropped when it says no; kept when it cannot be asked (no signal, the session ended).
function keepDeviceForm(device) {
  var drop = function () { return caches.delete(DEVICE_CACHE); };
  if (!device) return drop();
  return fetch(DEVICE_FORM, { cache: "no-store", credentials: "same-origin", headers: { "X-Filing-Device": String(device) } })
    .then(function (response) {
      if (response.status !== 200) return;
      if (!response.headers.get("X-Offline-Ready")) return drop();
      return caches.open(DEVICE_CACHE).then(function (cache) { return cache.put(DEVICE_FORM, response); });
    }, function () {});
}

self.addEventListener("sync", function (event) {
  if (event.tag !== "suara-queue") return;
  event.waitUntil(replay(true).then(function (offline) {
    if (offline) throw new Error("still offline: the browser will try again");
  }));
});

self.addEventListener("message", function (event) {
  var data = event.data || {};
  if (data.type === "replay") event.waitUntil(replay(Boolean(data.force)));
  if (data.type === "language") event.waitUntil(precache());  // pages in the new language
  if (data.type === "device-form") event.waitUntil(keepDeviceForm(data.device));
  if (data.type === "forget") {
    event.waitUntil(caches.keys().then(function (names) {
      return Promise.all(names.map(function (n) { return caches.delete(n); }));
    }).then(function () { return SuaraQueue.clear(); }).then(function () { return notify({ type: "forgotten" }); }));
  }
});

// Whenever the worker starts (a page load, a fetch, a sync), it tries what is due.
replay(false);
