// The on-device queue of complaints waiting to be sent, shared by the pages and the service
// worker (importScripts). One IndexedDB store; every entry is keyed by its Idempotency-Key.
(function (scope) {
  "use strict";
  var DB = "suara-warga", STORE = "queue";

  function open() {
    return new Promise(function (resolve, reject) {
      var request = indexedDB.open(DB, 1);
      request.onupgradeneeded = function () {
        request.result.createObjectStore(STORE, { keyPath: "id" });
      };
      request.onsuccess = function () { resolve(request.result); };
      request.onerror = function () { reject(request.error); };
    });
  }

  function run(mode, work) {
    return open().then(function (db) {
      return new Promise(function (resolve, reject) {
        var tx = db.transaction(STORE, mode), result;
        Promise.resolve(work(tx.objectStore(STORE))).then(function (value) { result = value; });
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
                "email", "phone"];

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
      lang: data.get("locale") || "id",
      nextAttemptAt: 0, fields: fields, place: place, files: files, error: null, receipt: null
    };
  }

  scope.SuaraQueue = {
    all: function () {
      return run("readonly", function (store) { return asPromise(store.getAll()); })
        .then(function (entries) { return entries.sort(function (a, b) { return a.savedAt - b.savedAt; }); });
    },
    get: function (id) { return run("readonly", function (store) { return asPromise(store.get(id)); }); },
    put: function (entry) { return run("readwrite", function (store) { store.put(entry); }); },
    remove: function (id) { return run("readwrite", function (store) { store.delete(id); }); },
    clear: function () { return run("readwrite", function (store) { store.clear(); }); },
    fromForm: fromForm,
    waiting: function (entries) {
      return entries.filter(function (e) { return e.state !== "sent"; }).length;
    }
  };
})(self);
