// The on-device queue of complaints waiting to be sent, shared by the pages and the service
// worker (importScripts). Every entry is keyed by its Idempotency-Key. Version 2 adds the
// facilitators' filing keys (app/facilitation/devices.py), one per account, keyed by its id.
(function (scope) {
  "use strict";
  var DB = "suara-warga", STORE = "queue", DEVICES = "devices";

  function open() {
    return new Promise(function (resolve, reject) {
      var request = indexedDB.open(DB, 2);
      request.onupgradeneeded = function (event) {  // from nothing, or from version 1
        if (event.oldVersion < 1) request.result.createObjectStore(STORE, { keyPath: "id" });
        if (event.oldVersion < 2) request.result.createObjectStore(DEVICES, { keyPath: "user" });
      };
      request.onsuccess = function () { resolve(request.result); };
      request.onerror = function () { reject(request.error); };
    });
  }

  function run(mode, work, name) {
    return open().then(function (db) {
      return new Promise(function (resolve, reject) {
        var tx = db.transaction(name || STORE, mode), result;
        Promise.resolve(work(tx.objectStore(name || STORE))).then(function (value) { result = value; });
        tx.oncomplete = function () { db.close(); resolve(result); };
        tx.onerror = tx.onabort = function () { db.close(); reject(tx.error); };
      });
    });
  }

  function asPromise(request) {
    return new Promise(function (resolve, reject) {
      request.onsuccess = function () { resolve(request.result); };
      request.onerror = function () { reject(request.error); };
    });
  }

  var FIELDS = ["type", "title", "description", "category", "privacy", "occurred_on", "name",
                "email", "phone", "filing_for", "consent_method", "consent_on", "organisation_shown"];

  // A queue entry from the filing form's data (a FormData), keeping what editing needs.
  function fromForm(data, id) {
    var fields = {}, place = {};
    FIELDS.forEach(function (name) {
      var value = data.get(name);
      if (typeof value === "string" && value.trim()) fields[name] = value.trim();
    });
    ["province", "regency", "district"].forEach(function (name) { place[name] = data.get(name) || ""; });
    fields.region_code = place.district || place.regency || "";
    var files = data.getAll("attachments").filter(function (f) { return f && f.size; });
    return {
      id: id || data.get("client_id") || crypto.randomUUID(),
      title: fields.title || "", savedAt: Date.now(), state: "waiting", attempts: 0,
      lang: data.get("locale") || "id", facilitator: data.get("filing_user") || null,
      nextAttemptAt: 0, fields: fields, place: place, files: files, error: null, receipt: null
    };
  }

  function b64url(buffer) {
    return btoa(String.fromCharCode.apply(null, new Uint8Array(buffer)))
      .replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
  }

  // A complaint filed on someone's behalf is signed when it is queued, with the filing key
  // this browser holds for the facilitator the form was made for (`filing_user`), so it keeps
  // their name when it is sent after their session ended. Message and digest as
  // app/facilitation/devices.py checks them. Without a key (or WebCrypto) it goes unsigned.
  function sign(entry) {
    var subtle = scope.crypto && crypto.subtle, encode = function (t) { return new TextEncoder().encode(t); };
    delete entry.device;
    if (!subtle || !entry.facilitator || entry.fields.filing_for !== "someone_else") return Promise.resolve(entry);
    return SuaraQueue.device(entry.facilitator).then(function (device) {
      if (!device || device.expiresAt <= Date.now()) return entry;
      var at = new Date().toISOString(), fields = entry.fields;
      var pairs = Object.keys(fields).sort().map(function (k) { return [k, String(fields[k]).replace(/\r\n?/g, "\n")]; });
      return subtle.digest("SHA-256", encode(JSON.stringify(pairs))).then(function (hash) {
        var hex = Array.prototype.map.call(new Uint8Array(hash), function (b) { return (b + 256).toString(16).slice(1); }).join("");
        var message = ["suara-warga-filing-v1", entry.id, at, device.id, hex].join("\n");
        return subtle.sign({ name: "ECDSA", hash: "SHA-256" }, device.keys.privateKey, encode(message));
      }).then(function (signature) {
        entry.device = { id: device.id, signedAt: at, signature: b64url(signature) };
        return entry;
      });
    }).catch(function () { return entry; });  // never lose a complaint over its signature
  }

  scope.SuaraQueue = {
    all: function () {
      return run("readonly", function (store) { return asPromise(store.getAll()); })
        .then(function (entries) { return entries.sort(function (a, b) { return a.savedAt - b.savedAt; }); });
    },
    get: function (id) { return run("readonly", function (store) { return asPromise(store.get(id)); }); },
    put: function (entry) { return run("readwrite", function (store) { store.put(entry); }); },
    remove: function (id) { return run("readwrite", function (store) { store.delete(id); }); },
    clear: function () {  // everything, filing keys too ("forget this phone's data")
      var empty = function (store) { store.clear(); };
      return run("readwrite", empty).then(function () { return run("readwrite", empty, DEVICES); });
    },
    fromForm: fromForm,
    sign: sign,
    device: function (user) {
      return run("readonly", function (store) { return asPromise(store.get(String(user))); }, DEVICES);
    },
    saveDevice: function (device) { return run("readwrite", function (store) { store.put(device); }, DEVICES); },
    waiting: function (entries) {
      return entries.filter(function (e) { return e.state !== "sent"; }).length;
    }
  };
})(self);
