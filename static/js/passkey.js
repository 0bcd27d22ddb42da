// Passkeys (WebAuthn): the button with data-passkey="create" adds one, "get" signs in.
// The server sends py_webauthn's options JSON and verifies the credential's toJSON(); the
// base64url fallbacks below serve browsers without parse*FromJSON / toJSON.
// data-fields="id …": those inputs' values go with the options request (a new account's
// answers). On a sign-in page with an input whose autocomplete ends in "webauthn", the
// browser's autofill also offers passkeys (conditional mediation), where it can.
(function () {
  "use strict";
  var button = document.querySelector("[data-passkey]");
  if (!button) return;
  var creating = button.getAttribute("data-passkey") === "create";
  var PKC = window.PublicKeyCredential;
  if (!PKC || !navigator.credentials || !window.fetch) {
    var note = document.getElementById("passkey-unsupported");
    if (note) note.hidden = false;
    return;
  }
  button.hidden = false;
  document.querySelectorAll("[data-passkey-part]").forEach(function (part) { part.hidden = false; });
  var summary = document.getElementById("passkey-error");
  var autofill = !creating && document.querySelector("input[autocomplete$=webauthn]");
  var pending = null; // the AbortController of a waiting conditional (autofill) request

  function bytes(text) {
    var s = atob(text.replace(/-/g, "+").replace(/_/g, "/"));
    var out = new Uint8Array(s.length);
    for (var i = 0; i < s.length; i++) out[i] = s.charCodeAt(i);
    return out.buffer;
  }
  function text(buffer) {
    var s = "", view = new Uint8Array(buffer);
    for (var i = 0; i < view.length; i++) s += String.fromCharCode(view[i]);
    return btoa(s).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
  }
  function parse(options) {
    if (creating && PKC.parseCreationOptionsFromJSON) return PKC.parseCreationOptionsFromJSON(options);
    if (!creating && PKC.parseRequestOptionsFromJSON) return PKC.parseRequestOptionsFromJSON(options);
    options.challenge = bytes(options.challenge);
    if (options.user) options.user.id = bytes(options.user.id);
    (options.excludeCredentials || options.allowCredentials || []).forEach(function (c) {
      c.id = bytes(c.id);
    });
    return options;
  }
  function serialise(credential) {
    if (credential.toJSON) return credential.toJSON();
    var r = credential.response, response = { clientDataJSON: text(r.clientDataJSON) };
    if (creating) {
      response.attestationObject = text(r.attestationObject);
      response.transports = r.getTransports ? r.getTransports() : [];
    } else {
      response.authenticatorData = text(r.authenticatorData);
      response.signature = text(r.signature);
      if (r.userHandle) response.userHandle = text(r.userHandle);
    }
    return { id: credential.id, rawId: text(credential.rawId), type: credential.type,
             response: response, clientExtensionResults: {} };
  }

  function fields() {
    var body = {}, ids = button.getAttribute("data-fields");
    if (!ids) return undefined;
    ids.split(" ").forEach(function (id) {
      var input = document.getElementById(id);
      if (input) body[input.name] = input.value;
    });
    return body;
  }

  function post(url, body, signal) {
    return fetch(url, {
      method: "POST",
      credentials: "same-origin",
      signal: signal,
      headers: { "Content-Type": "application/json", "X-CSRFToken": button.getAttribute("data-csrf") },
      body: body === undefined ? "{}" : JSON.stringify(body)
    }).then(function (response) {
      return response.json().catch(function () { return {}; }).then(function (data) {
        if (response.ok) return data;
        var errors = data.errors && data.errors._request;
        throw { message: errors ? errors[0] : summary.getAttribute("data-failed") };
      });
    });
  }

  function fail(error) {
    // Our server's messages have no name; the browser's DOMExceptions do.
    var name = error && error.name, key = "data-failed";
    if (name === "NotAllowedError" || name === "AbortError") key = "data-cancelled";
    if (name === "InvalidStateError") key = "data-exists";
    var message = error && error.message && !name ? error.message : summary.getAttribute(key);
    document.getElementById("passkey-error-text").textContent = message;
    summary.hidden = false;
    summary.focus();
    var region = document.getElementById("announcer");
    if (region) {
      region.textContent = "";
      window.setTimeout(function () { region.textContent = message; }, 50);
    }
    button.disabled = false;
  }

  function finish(credential) {
    return post(button.getAttribute("data-verify"), serialise(credential)).then(function (data) {
      window.location.assign(data.redirect);
    });
  }

  // Autofill: a passkey request that waits, with a fresh challenge, until the person picks a
  // passkey in the field's suggestions. Aborted before the button's own request, which asks
  // for a new challenge (the session keeps one: the newer replaces it).
  function listen() {
    if (!autofill || pending || !PKC.isConditionalMediationAvailable) return;
    var controller = new AbortController(), picked = false;
    pending = controller;
    PKC.isConditionalMediationAvailable().then(function (available) {
      if (!available || controller.signal.aborted) return null;
      return post(button.getAttribute("data-options"), undefined, controller.signal)
        .then(function (options) {
          return navigator.credentials.get({
            mediation: "conditional", publicKey: parse(options), signal: controller.signal
          });
        });
    }).then(function (credential) {
      if (pending === controller) pending = null;
      if (!credential) return;
      picked = true;
      return finish(credential);
    }).catch(function (error) {
      if (pending === controller) pending = null;
      // Silent until the person picked a passkey: autofill is only ever an offer.
      if (picked) {
        fail(error);
        listen();
      }
    });
  }

  button.addEventListener("click", function () {
    if (pending) {
      pending.abort();
      pending = null;
    }
    button.disabled = true;
    summary.hidden = true;
    post(button.getAttribute("data-options"), fields()).then(function (options) {
      var publicKey = parse(options);
      return creating ? navigator.credentials.create({ publicKey: publicKey })
                      : navigator.credentials.get({ publicKey: publicKey });
    }).then(finish).catch(function (error) {
      fail(error);
      listen();
    });
  });
  listen();
})();
