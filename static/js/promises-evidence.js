// Evidence forms: tell the person at once when a chosen file is over the limit, before a
// long upload on a slow connection. The server checks again; the form works without this.
(function () {
  "use strict";
  var inputs = document.querySelectorAll(".js-evidence-form input[type=file][data-max-bytes]");
  Array.prototype.forEach.call(inputs, function (input) {
    var limit = parseInt(input.getAttribute("data-max-bytes"), 10);
    var message = document.getElementById("evidence_files-live");
    input.addEventListener("change", function () {
      var tooLarge = Array.prototype.some.call(input.files || [], function (file) {
        return file.size > limit;
      });
      if (message) {
        message.textContent = tooLarge ? message.getAttribute("data-message") : "";
        message.hidden = !tooLarge;
      }
      input.setAttribute("aria-invalid", tooLarge ? "true" : "false");
    });
    var form = input.form;
    if (form) {
      form.addEventListener("submit", function (event) {
        if (input.getAttribute("aria-invalid") === "true") {
          event.preventDefault();
          input.focus();
        }
      });
    }
  });
})();
