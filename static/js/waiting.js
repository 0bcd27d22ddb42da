// The "waiting to send" page: every report kept on this phone, what became of it, and what
// the reporter can do (send now, edit, delete, forget everything).
(function () {
  "use strict";
  var root = document.getElementById("queue");
  if (!root || !window.SuaraOffline) return;
  var list = document.getElementById("queue-list");
  var template = document.getElementById("queue-item");
  var lang = document.documentElement.lang;
  var focusAfter = null;

  function announce(name) {
    var region = document.getElementById("announcer");
    region.textContent = "";
    window.setTimeout(function () { region.textContent = root.getAttribute("data-" + name); }, 50);
  }

  function item(entry) {
    var node = template.content.firstElementChild.cloneNode(true);
    var titleId = "queue-" + entry.id;
    var title = node.querySelector(".queue-title");
    title.id = titleId;
    title.textContent = entry.title;
    title.tabIndex = -1;
    var saved = node.querySelector(".queue-saved");
    saved.dateTime = new Date(entry.savedAt).toISOString();
    saved.textContent = new Date(entry.savedAt).toLocaleString(lang, { dateStyle: "medium", timeStyle: "short" });
    node.querySelector("[data-state='" + entry.state + "']").hidden = false;
    if (entry.receipt) {
      node.querySelector(".queue-receipt").hidden = false;
      node.querySelector(".queue-code").textContent = entry.receipt.tracking_code;
      if (entry.receipt.secret) {
        node.querySelector(".queue-secret-line").hidden = false;
        node.querySelector(".queue-secret").textContent = entry.receipt.secret;
      }
    }
    if (entry.state === "attention") {
      var errors = node.querySelector(".queue-errors");
      errors.hidden = false;
      (entry.errors || []).forEach(function (message) {
        var li = document.createElement("li");
        li.textContent = message;
        errors.appendChild(li);
      });
    }
    var actions = { send: entry.state === "waiting", edit: entry.state === "attention",
                    delete: entry.state !== "sending" };
    node.querySelectorAll("[data-action]").forEach(function (control) {
      var action = control.getAttribute("data-action");
      if (action in actions && !actions[action]) control.remove();
      control.setAttribute("aria-describedby", titleId);
      control.setAttribute("data-id", entry.id);
      if (action === "edit") control.href += "?ubah=" + encodeURIComponent(entry.id);
    });
    return node;
  }

  // What the reporter is doing in the list (open "Delete?" questions, where the focus is), so
  // that drawing the list again when the worker reports progress does not take it away.
  var confirming = {}, wanted = null, restoring = false;

  list.addEventListener("focusin", function (event) {
    var li = event.target.closest(".queue-item");
    if (restoring || !li) return;
    var action = event.target.getAttribute("data-action");
    wanted = { id: li.querySelector(".queue-title").id, selector: action ? "[data-action='" + action + "']"
               : event.target.classList.contains("confirm-question") ? ".confirm-question" : ".queue-title" };
  });

  function showConfirm(li, open) {
    li.querySelector(".confirm").hidden = !open;
    li.querySelector(".queue-actions").hidden = open;
  }

  function render(entries) {
    var hadFocus = list.contains(document.activeElement);
    list.replaceChildren.apply(list, entries.slice().reverse().map(item));
    Object.keys(confirming).forEach(function (id) {
      var title = document.getElementById("queue-" + id), li = title && title.closest(".queue-item");
      if (!li) delete confirming[id];
      else if (li.querySelector("[data-action=delete]")) showConfirm(li, true);
    });
    var title = hadFocus && wanted && document.getElementById(wanted.id);
    if (title) {
      var target = title.closest(".queue-item").querySelector(wanted.selector);
      restoring = true;
      (target && target.offsetParent !== null ? target : title).focus();
      restoring = false;
    }
    document.getElementById("queue-empty").hidden = entries.length > 0;
    document.getElementById("send-all").parentNode.hidden = !entries.some(function (e) { return e.state === "waiting"; });
    if (focusAfter) {
      var target = document.getElementById(focusAfter) || document.getElementById("waiting-title");
      focusAfter = null;
      target.focus();
    }
  }

  document.addEventListener("suara:queue", function (event) { render(event.detail); });

  list.addEventListener("click", function (event) {
    var control = event.target.closest("[data-action]");
    if (!control || control.tagName === "A") return;
    var id = control.getAttribute("data-id"), entry = control.closest(".queue-item");
    var action = control.getAttribute("data-action");
    if (action === "send") {
      announce("sending");
      SuaraOffline.replay(true);
    } else if (action === "delete") {
      confirming[id] = true;
      showConfirm(entry, true);
      entry.querySelector(".confirm-question").focus();
    } else if (action === "cancel-delete") {
      delete confirming[id];
      showConfirm(entry, false);
      entry.querySelector("[data-action=delete]").focus();
    } else if (action === "confirm-delete") {
      delete confirming[id];
      focusAfter = "waiting-title";
      SuaraQueue.remove(id).then(SuaraOffline.count).then(function () { announce("deleted"); });
    }
  });

  document.getElementById("send-all").addEventListener("click", function () {
    announce("sending");
    SuaraOffline.replay(true);
  });

  var forget = document.getElementById("forget"), confirm = document.getElementById("forget-confirm");
  forget.hidden = false;
  forget.addEventListener("click", function () {
    confirm.hidden = false;
    forget.hidden = true;
    document.getElementById("forget-question").focus();
  });
  document.getElementById("forget-no").addEventListener("click", function () {
    confirm.hidden = true;
    forget.hidden = false;
    forget.focus();
  });
  document.getElementById("forget-yes").addEventListener("click", function () {
    localStorage.clear();
    var cleared = SuaraQueue.clear().then(function () { return caches.keys(); }).then(function (names) {
      return Promise.all(names.map(function (n) { return caches.delete(n); }));
    }).then(function () { return navigator.serviceWorker.getRegistrations(); }).then(function (regs) {
      return Promise.all(regs.map(function (r) { return r.unregister(); }));
    });
    cleared.then(function () {
      confirm.hidden = true;
      forget.hidden = false;
      focusAfter = "waiting-title";
      return SuaraOffline.count();
    }).then(function () { announce("forgotten"); });
  });

  if (new URLSearchParams(location.search).get("saved")) announce("saved");
  if (navigator.storage && navigator.storage.persist) {
    navigator.storage.persist().then(function (granted) {
      document.getElementById("persist-refused").hidden = granted;
    });
  }
})();
