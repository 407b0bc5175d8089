/* Report editor: keep what is typed on this device, so a lost connection, a closed tab or a
   refused upload never costs an akim their text. The server keeps drafts and the text of
   signed-out posts too; this is the third net, and the page works without it. */
(function () {
  "use strict";
  var form = document.querySelector("form[data-autosave-key]");
  if (!form || !window.localStorage) { return; }
  var key = "portal:" + form.getAttribute("data-autosave-key");
  var fields = Array.prototype.slice.call(form.querySelectorAll("[data-autosave]"));
  var notice = document.querySelector("[data-autosave-notice]");

  function current() {
    var values = {};
    fields.forEach(function (field) { values[field.name] = field.value; });
    return values;
  }

  function read() {
    try { return JSON.parse(window.localStorage.getItem(key) || "null"); } catch (e) { return null; }
  }

  function differs(saved) {
    var now = current();
    return fields.some(function (field) {
      return Object.prototype.hasOwnProperty.call(saved, field.name) && saved[field.name] !== now[field.name];
    });
  }

  var timer = null;
  function save() {
    window.clearTimeout(timer);
    timer = window.setTimeout(function () {
      try {
        window.localStorage.setItem(key, JSON.stringify({ values: current(), at: Date.now() }));
      } catch (e) { /* storage full or disabled: the server copies still hold */ }
    }, 400);
  }

  var saved = read();
  if (saved && saved.values && differs(saved.values) && notice) {
    notice.hidden = false;
    notice.querySelector("[data-autosave-restore]").addEventListener("click", function () {
      fields.forEach(function (field) {
        if (Object.prototype.hasOwnProperty.call(saved.values, field.name)) {
          field.value = saved.values[field.name];
        }
      });
      notice.hidden = true;
      fields[0] && fields[0].focus();
    });
    notice.querySelector("[data-autosave-discard]").addEventListener("click", function () {
      window.localStorage.removeItem(key);
      notice.hidden = true;
    });
  } else if (saved) {
    window.localStorage.removeItem(key);  // the page already shows the same text
  }

  form.addEventListener("input", save);

  // A file over the limit would be refused by the server after the whole upload; say so now
  // (the field takes several files; one too large clears the choice).
  var fileInput = form.querySelector("input[type=file]");
  if (fileInput) {
    fileInput.addEventListener("change", function () {
      var limit = 10 * 1024 * 1024;
      var tooLarge = Array.prototype.some.call(fileInput.files || [], function (file) {
        return file.size > limit;
      });
      if (tooLarge) {
        fileInput.setCustomValidity(fileInput.getAttribute("data-too-large") || "File too large");
        fileInput.reportValidity();
        fileInput.value = "";
        fileInput.setCustomValidity("");
      }
    });
  }
})();
